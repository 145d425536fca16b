"""Benchmarks (``make bench``): each module measures one thing against a raw baseline."""
