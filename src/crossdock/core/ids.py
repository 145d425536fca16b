"""The range of database ids: every primary key is a signed 64-bit BigAutoField."""

from __future__ import annotations

#: The largest id a primary key holds.
MAX_ID = 2**63 - 1


def storable_id(value: int) -> bool:
    """Whether ``value`` could be a row's id; any other matches nothing (and would overflow
    a database parameter in ``IN`` lists and foreign-key filters, which Django does not guard)."""
    return 0 < value <= MAX_ID
