"""A bound on calls to stores made from web requests: connection tests and API imports.

A web thread waiting on a slow store serves no one else meanwhile. This caps how many
threads of one process wait on stores at once, in all (``DESK_WEB_STORE_CALLS``) and per
desk account (``DESK_WEB_STORE_CALLS_PER_ACCOUNT``), so one account's slow store can never
take every thread. Past either cap the call is refused at once with :class:`StoreCallsBusy`
(the API answers 429 with ``Retry-After``). The counts live in process memory on purpose:
what they guard, the process's own threads, is not shared with other processes either.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from crossdock.core.display import plural
from crossdock.desk.stores.errors import StoreCallsBusy

#: Seconds a refused caller is asked to wait: about one quick connection test.
RETRY_AFTER = 10

_lock = threading.Lock()
_in_flight: Counter[int] = Counter()


def in_flight() -> int:
    """Store calls web threads of this process make right now."""
    with _lock:
        return sum(_in_flight.values())


@contextmanager
def store_call_slot(account_id: int) -> Iterator[None]:
    """Hold one slot for a call to a store on behalf of ``account_id``, or refuse at once."""
    with _lock:
        if _in_flight[account_id] >= settings.DESK_WEB_STORE_CALLS_PER_ACCOUNT:
            raise StoreCallsBusy(
                "this desk account is already waiting on "
                f"{plural(_in_flight[account_id], 'store call')}; "
                f"try again in {RETRY_AFTER} seconds",
                RETRY_AFTER,
            )
        if sum(_in_flight.values()) >= settings.DESK_WEB_STORE_CALLS:
            raise StoreCallsBusy(
                f"the desk is busy calling stores; try again in {RETRY_AFTER} seconds",
                RETRY_AFTER,
            )
        _in_flight[account_id] += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight[account_id] -= 1
            if not _in_flight[account_id]:
                del _in_flight[account_id]
