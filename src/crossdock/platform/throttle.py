"""Count failed sign-ins per key and lock a key out once it reaches its limit.

The storage of :mod:`crossdock.core.lockout`'s counts (its rules are pure and live there).

One rule for every door that takes a password: the ShipStation Custom Store endpoint, the
hub's and the desk's sign-in pages and ``/admin/login/``. A key is a keyed hash (under
``settings.HASH_KEY``) of what is counted, so the table never holds an address or a login
in the clear. Failures count within :data:`FAILURE_WINDOW`; a key that reaches its limit is
refused for :data:`LOCKOUT` without its credentials being looked at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from crossdock.core.lockout import FailureCount, counted_failure
from crossdock.core.secrets import keyed_hash
from crossdock.platform.models import AuthThrottle

#: Failures counted within this window; the count starts over after it.
FAILURE_WINDOW = timedelta(minutes=15)
#: How long a key that reached its limit is refused.
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class FailureLimit:
    """``limit`` failures under ``key`` within the window lock the key out."""

    key: str
    limit: int


def throttle_key(*parts: str) -> str:
    """The stored key for ``parts`` (e.g. a namespace and an address): a keyed hash."""
    return keyed_hash(settings.HASH_KEY, "\0".join(parts))


def seconds_locked(keys: tuple[str, ...], now: datetime) -> int:
    """Seconds until the longest lock on any of ``keys`` ends; 0 when none is locked."""
    until = (
        AuthThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is None:
        return 0
    return max(1, math.ceil((until - now).total_seconds()))


_COUNT_SQL = (
    "SELECT id, failures, window_started_at, locked_until "  # noqa: S608 - names from the model
    f"FROM {AuthThrottle._meta.db_table} WHERE {connection.ops.quote_name('key')} = %s"
)


def failure_count(key: str) -> FailureCount | None:
    """The stored count under ``key``, if any.

    Read on every call ShipStation makes: one plain statement (``raw``), which Django
    does not build again each time as it does a ``filter`` (about 1 ms of CPU here).
    """
    row = next(iter(AuthThrottle.objects.raw(_COUNT_SQL, [key])), None)
    if row is None:
        return None
    return FailureCount(row.failures, row.window_started_at, row.locked_until)


def count_failure(limits: tuple[FailureLimit, ...], now: datetime) -> None:
    """Count one failure under every key; lock each key that reaches its limit."""
    with transaction.atomic():
        for limit in limits:
            row, _ = AuthThrottle.objects.select_for_update().get_or_create(
                key=limit.key, defaults={"window_started_at": now}
            )
            stored = FailureCount(row.failures, row.window_started_at, row.locked_until)
            counted = counted_failure(stored, limit.limit, FAILURE_WINDOW, LOCKOUT, now)
            row.failures = counted.failures
            row.window_started_at = counted.window_started_at
            row.locked_until = counted.locked_until
            row.save()
    AuthThrottle.objects.filter(window_started_at__lt=now - timedelta(days=1)).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    ).delete()


def clear(key: str) -> None:
    """Forget the failures under ``key`` (after a success)."""
    AuthThrottle.objects.filter(key=key).delete()
