"""The rules of a retrying outbox, as pure functions: back-off, and what a failure leads to.

The engine that applies them to rows is :mod:`crossdock.platform.outbox`; these rules
know nothing of databases. A row moves through five roles (each queue names its own
states for them)::

    pending ──claim──▶ sending ──▶ done              the receiver has it
       ▲                  │   └──▶ rejected          terminal: the receiver said no
       │   retryable,     │   └──▶ dead              retryable, but out of attempts
       └── backed off ────┘
    rejected / dead ──replay──▶ pending (attempts from zero)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    """Where an outbox row stands, whatever its queue calls the state."""

    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    REJECTED = "rejected"
    DEAD = "dead"


#: The moves the engine makes, from role to role.
TRANSITIONS: frozenset[tuple[Role, Role]] = frozenset(
    {
        (Role.PENDING, Role.SENDING),  # claim
        (Role.SENDING, Role.SENDING),  # an abandoned claim resumed by another worker
        (Role.SENDING, Role.DONE),
        (Role.SENDING, Role.REJECTED),
        (Role.SENDING, Role.DEAD),
        (Role.SENDING, Role.PENDING),  # backed off, or an abandoned claim released
        (Role.REJECTED, Role.PENDING),  # replay
        (Role.DEAD, Role.PENDING),  # replay
    }
)


def can_move(source: Role, target: Role) -> bool:
    return (source, target) in TRANSITIONS


def tried_before(attempts: int, *, resumed: bool, unanswered_before: bool) -> bool:
    """Whether the receiver may already have the message the claim just taken sends.

    ``attempts`` counts this claim. Any earlier attempt of the count may have reached the
    receiver: a call that timed out or answered 5xx may have been stored before its answer
    was lost, and a claim ``resumed`` from a worker that died took over a call in flight.
    A replay starts a new count, so ``unanswered_before`` (an attempt before it ended
    without a clear answer) carries the same doubt across it. Only the first send of a
    message is known to be one; a sender that can look a message up by its key does so on
    every other claim.
    """
    return resumed or attempts > 1 or unanswered_before


def can_replay(role: Role) -> bool:
    """Only a row that ended without success may be sent again from a fresh count."""
    return can_move(role, Role.PENDING) and role is not Role.SENDING


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with jitter: ``base · 2^(attempt-1)``, capped, times a factor
    drawn from ``[1 - jitter, 1]``; never sooner than the receiver's ``Retry-After``.

    ``lease`` is how long a claimed row belongs to its worker before it counts as
    abandoned. After ``max_attempts`` retryable failures a row is dead.
    """

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 12
    lease: timedelta = timedelta(minutes=5)
    jitter: float = 0.5


def backoff_delay(
    attempt: int, retry_after: float | None, policy: RetryPolicy, rng: random.Random
) -> timedelta:
    """How long to wait before attempt ``attempt + 1``; never less than ``Retry-After``."""
    # The exponent is clamped so a long run of attempts cannot overflow ``timedelta``.
    exponential = min(policy.cap, policy.base * (1 << min(max(attempt - 1, 0), 30)))
    delay = exponential * rng.uniform(1.0 - policy.jitter, 1.0)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


@dataclass(frozen=True, slots=True)
class RetryAt:
    """Back off: the row is pending again, due at ``due``."""

    due: datetime


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Out of attempts: the row is dead."""

    attempts: int


def after_retryable_failure(
    attempts: int,
    retry_after: float | None,
    now: datetime,
    policy: RetryPolicy,
    rng: random.Random,
) -> RetryAt | GiveUp:
    """What a retryable failure of attempt number ``attempts`` leads to."""
    if attempts >= policy.max_attempts:
        return GiveUp(attempts)
    return RetryAt(now + backoff_delay(attempts, retry_after, policy, rng))
