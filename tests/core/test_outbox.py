"""The outbox rules: back-off with jitter honouring Retry-After, giving up, and the moves."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crossdock.core.outbox import (
    TRANSITIONS,
    GiveUp,
    RetryAt,
    RetryPolicy,
    Role,
    after_retryable_failure,
    backoff_delay,
    can_replay,
    tried_before,
)

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

policies = st.builds(
    RetryPolicy,
    base=st.integers(1, 3600).map(lambda s: timedelta(seconds=s)),
    cap=st.integers(1, 86_400).map(lambda s: timedelta(seconds=s)),
    max_attempts=st.integers(1, 50),
    jitter=st.floats(0.0, 1.0),
)
attempts = st.integers(0, 100_000)
retry_afters = st.none() | st.floats(0.0, 1e6, allow_nan=False)
seeds = st.integers(0, 2**32)


@given(attempts, retry_afters, policies, seeds)
def test_a_delay_is_never_negative_never_above_the_cap_and_never_before_retry_after(
    attempt: int, retry_after: float | None, policy: RetryPolicy, seed: int
) -> None:
    delay = backoff_delay(attempt, retry_after, policy, random.Random(seed))

    ceiling = min(policy.cap, policy.base * (1 << min(max(attempt - 1, 0), 30)))
    assert timedelta(0) <= delay
    if retry_after is None:
        assert delay <= ceiling
        assert delay >= ceiling * (1.0 - policy.jitter) - timedelta(microseconds=1)
    else:
        assert delay >= timedelta(seconds=retry_after) - timedelta(microseconds=1)
        assert delay <= max(ceiling, timedelta(seconds=retry_after)) + timedelta(microseconds=1)


@given(st.integers(1, 40), policies)
def test_without_jitter_the_delay_doubles_until_the_cap(attempt: int, policy: RetryPolicy) -> None:
    exact = RetryPolicy(base=policy.base, cap=policy.cap, jitter=0.0)
    rng = random.Random(0)

    first = backoff_delay(attempt, None, exact, rng)
    second = backoff_delay(attempt + 1, None, exact, rng)

    assert second == min(exact.cap, first * 2)


@given(attempts, retry_afters, policies, seeds)
def test_a_failure_retries_while_attempts_remain_then_gives_up(
    attempt: int, retry_after: float | None, policy: RetryPolicy, seed: int
) -> None:
    step = after_retryable_failure(attempt, retry_after, NOW, policy, random.Random(seed))

    if attempt >= policy.max_attempts:
        assert step == GiveUp(attempt)
    else:
        assert isinstance(step, RetryAt)
        assert step.due >= NOW


@given(st.sampled_from(Role), st.sampled_from(Role))
def test_only_the_listed_moves_exist_and_a_finished_row_never_moves_but_by_replay(
    source: Role, target: Role
) -> None:
    allowed = (source, target) in TRANSITIONS

    if source is Role.DONE:
        assert not allowed
    if source in (Role.REJECTED, Role.DEAD):
        assert allowed == (target is Role.PENDING)
    if target is Role.SENDING:
        assert allowed == (source in (Role.PENDING, Role.SENDING))


def test_only_dead_or_rejected_rows_replay() -> None:
    assert {role for role in Role if can_replay(role)} == {Role.DEAD, Role.REJECTED}


def test_retry_after_beyond_the_back_off_wins() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), jitter=0.0)

    assert backoff_delay(1, 120.0, policy, random.Random(1)) == timedelta(seconds=120)
    assert backoff_delay(1, 2.0, policy, random.Random(1)) == timedelta(seconds=10)


@given(st.integers(2, 100_000), st.booleans(), st.booleans())
def test_every_claim_after_the_first_of_its_count_may_have_been_tried_before(
    attempt: int, resumed: bool, unanswered: bool
) -> None:
    assert tried_before(attempt, resumed=resumed, unanswered_before=unanswered) is True


@given(st.integers(1, 100_000), st.booleans())
def test_a_claim_after_an_unanswered_attempt_before_a_replay_may_have_been_tried_before(
    attempt: int, resumed: bool
) -> None:
    assert tried_before(attempt, resumed=resumed, unanswered_before=True) is True


def test_only_the_first_send_of_a_message_is_not_tried_before() -> None:
    assert tried_before(1, resumed=False, unanswered_before=False) is False
    assert tried_before(1, resumed=True, unanswered_before=False) is True
