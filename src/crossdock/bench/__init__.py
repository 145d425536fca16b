"""Benchmarks: ``crossdock bench`` and ``make bench``, every figure beside a bare baseline.

**A scenario** is a module in this package (listed in :data:`crossdock.bench.harness.SCENARIOS`)
that defines::

    NAME = "export"                      # what `crossdock bench export` runs
    SUMMARY = "one line for the table"

    def prepare(options: Options, stack: ExitStack) -> list[Case]: ...

``prepare`` builds the scenario's data set (sizes from ``options``), starts what it needs
(servers, threads) and registers their shutdown on ``stack``; it answers the cases to time.
A :class:`~crossdock.bench.harness.Case` is one timed thing: ``measure()`` does one round and
answers a :class:`~crossdock.bench.harness.Figure` (the value, higher is better unless the
case says otherwise, plus extra values such as p99 or peak RSS). A case names its
``baseline`` (another case of the same scenario, the bare no-framework version of the same
work); the harness runs a warm-up round of every case, then ``options.rounds`` rounds with
the cases interleaved (so the machine's noise falls on both sides alike), and reports the
median, min, max and the ratio of the medians measured in that same run.

**Plain modules** (``bench_*.py`` files with a ``run()`` that prints its own figures, the
older style) are run as they are: ``crossdock bench --plain-dir bench`` (``make bench``
passes the source tree's ``bench/`` folder) runs each once after the scenarios and keeps
what it printed. Turning one into a scenario is wrapping its timed part in a ``Case``.
"""
