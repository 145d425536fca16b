"""The ShipStation Custom Store protocol as pure functions: dates, XML parsing and rendering.

No Django, no I/O: the hub's endpoint and the shipping desk both build on this package.
"""
