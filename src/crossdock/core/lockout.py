"""Failed sign-in lockout as pure rules: who is refused, and which counter a failure raises.

A sign-in names an *identity* (a username, or a username as used from one address) and
comes from an *address*. Two counters, each a :class:`FailureCount`, decide:

- a failure for an identity that **exists** counts against that identity alone, and once
  it reaches ``identity_limit`` within ``window`` that identity is locked for ``lockout``;
- a failure for an identity that does **not** exist counts against the address, and once
  the address reaches ``address_limit`` it is refused for names it does not know;
- an existing identity that is not locked is always checked, whatever its address did:
  valid credentials are never punished for someone else's typos on the same machine
  (a shared office address, a reverse proxy, the shipping desk on 127.0.0.1).

The callers keep the counts (in a database, so every process sees them) and choose the
thresholds; nothing here reads a clock or a table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """Thresholds: failures allowed per identity and per address within ``window``."""

    identity_limit: int
    address_limit: int
    window: timedelta
    lockout: timedelta

    def __post_init__(self) -> None:
        if self.identity_limit < 1 or self.address_limit < 1:
            raise ValueError("limits must be at least 1")
        if self.window <= timedelta(0) or self.lockout <= timedelta(0):
            raise ValueError("window and lockout must be positive")


@dataclass(frozen=True, slots=True)
class FailureCount:
    """Failures counted since ``window_started_at``; locked while ``locked_until`` is ahead."""

    failures: int
    window_started_at: datetime
    locked_until: datetime | None = None


class Counter(StrEnum):
    """Which count a failure raises."""

    IDENTITY = "identity"
    ADDRESS = "address"


def remaining_lock(count: FailureCount | None, now: datetime) -> timedelta | None:
    """How much longer ``count`` is locked, or ``None`` when it is not."""
    if count is None or count.locked_until is None or count.locked_until <= now:
        return None
    return count.locked_until - now


def refusal(
    *,
    identity_exists: bool,
    identity: FailureCount | None,
    address: FailureCount | None,
    now: datetime,
) -> timedelta | None:
    """How long to refuse this sign-in without checking its secret, or ``None`` to check it.

    An existing identity answers to its own lock only; an unknown one to its address's.
    """
    if identity_exists:
        return remaining_lock(identity, now)
    return remaining_lock(address, now)


def counter_for_failure(*, identity_exists: bool) -> Counter:
    """The count a failed sign-in raises (see the module docstring)."""
    return Counter.IDENTITY if identity_exists else Counter.ADDRESS


def limit_of(policy: LockoutPolicy, counter: Counter) -> int:
    return policy.identity_limit if counter == Counter.IDENTITY else policy.address_limit


def counted_failure(
    count: FailureCount | None, limit: int, window: timedelta, lockout: timedelta, now: datetime
) -> FailureCount:
    """``count`` with one more failure: a count older than ``window`` starts over, and
    reaching ``limit`` locks it until ``now + lockout``."""
    if count is None or count.window_started_at <= now - window:
        count = FailureCount(failures=0, window_started_at=now)
    failures = count.failures + 1
    locked_until = count.locked_until
    if failures >= limit:
        locked_until = now + lockout
    return replace(count, failures=failures, locked_until=locked_until)


def after_failure(
    policy: LockoutPolicy, counter: Counter, count: FailureCount | None, now: datetime
) -> FailureCount:
    """``count`` with one more failure under ``policy``'s limit for ``counter``."""
    return counted_failure(count, limit_of(policy, counter), policy.window, policy.lockout, now)
