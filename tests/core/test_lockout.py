"""The lockout rules: who is refused, which count a failure raises, when a count locks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crossdock.core.lockout import (
    Counter,
    FailureCount,
    LockoutPolicy,
    after_failure,
    counter_for_failure,
    refusal,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
POLICY = LockoutPolicy(
    identity_limit=3, address_limit=5, window=timedelta(minutes=15), lockout=timedelta(minutes=10)
)
LOCKED = FailureCount(failures=5, window_started_at=NOW, locked_until=NOW + timedelta(minutes=4))


def test_an_existing_identity_ignores_a_locked_address() -> None:
    assert refusal(identity_exists=True, identity=None, address=LOCKED, now=NOW) is None


def test_an_unknown_identity_is_refused_while_its_address_is_locked() -> None:
    wait = refusal(identity_exists=False, identity=None, address=LOCKED, now=NOW)

    assert wait == timedelta(minutes=4)


def test_a_locked_identity_is_refused_whatever_its_address() -> None:
    wait = refusal(identity_exists=True, identity=LOCKED, address=None, now=NOW)

    assert wait == timedelta(minutes=4)


def test_an_expired_lock_refuses_nothing() -> None:
    wait = refusal(
        identity_exists=True, identity=LOCKED, address=LOCKED, now=NOW + timedelta(minutes=4)
    )

    assert wait is None


def test_failures_count_against_the_identity_only_when_it_exists() -> None:
    assert counter_for_failure(identity_exists=True) == Counter.IDENTITY
    assert counter_for_failure(identity_exists=False) == Counter.ADDRESS


def test_each_counter_locks_at_its_own_limit() -> None:
    identity: FailureCount | None = None
    address: FailureCount | None = None
    for _ in range(3):
        identity = after_failure(POLICY, Counter.IDENTITY, identity, NOW)
        address = after_failure(POLICY, Counter.ADDRESS, address, NOW)

    assert identity == FailureCount(3, NOW, NOW + timedelta(minutes=10))
    assert address == FailureCount(3, NOW, None)


def test_a_count_older_than_the_window_starts_over() -> None:
    old = FailureCount(failures=2, window_started_at=NOW - timedelta(minutes=15))

    counted = after_failure(POLICY, Counter.IDENTITY, old, NOW)

    assert counted == FailureCount(1, NOW, None)


@pytest.mark.parametrize(
    ("identity_limit", "window"), [(0, timedelta(minutes=1)), (1, timedelta(0))]
)
def test_a_policy_refuses_meaningless_thresholds(identity_limit: int, window: timedelta) -> None:
    with pytest.raises(ValueError, match="must be"):
        LockoutPolicy(identity_limit=identity_limit, address_limit=1, window=window, lockout=window)
