"""One outbox engine for every queue that must tell another system something exactly once.

The hub's write-backs (:class:`~crossdock.hub.fulfillment.models.WriteBack`, a shipment told
to its channel) and the desk's ship notices (:class:`~crossdock.desk.shipments.models.
StoreNotice`, a shipment told to its store) run on it; each keeps its own table. The rules
(roles, back-off with jitter, when to give up) are pure, in :mod:`crossdock.core.outbox`;
this module applies them to rows:

- **claim with a lease**: a conditional ``UPDATE`` moves a due row (pending, or waiting
  after a failure) to *sending*, counts the attempt and sets ``next_attempt_at`` to the end
  of the lease. Two workers never send the same row at once, and no transaction is held
  across the call to the other system.
- **fenced finish**: every outcome is written with ``WHERE state = sending AND attempts =
  <the attempt this worker claimed>``, so a worker whose lease ran out and was taken over
  cannot overwrite the newer attempt's outcome.
- **back-off** honouring ``Retry-After`` (:func:`crossdock.core.outbox.backoff_delay`),
  the next attempt enqueued by the caller's ``retry`` in the transaction that backs off.
- **tried before**: every claim says whether the receiver may already have the message
  (:func:`crossdock.core.outbox.tried_before`: an earlier attempt failed without a clear
  answer, or the claim was resumed), so a sender that can look the message up by its
  idempotency key does so first (the write-back: a channel finds a shipment by the key it
  was pushed with).
- **an abandoned claim** (the worker died) is either *resumed* by the next claim (tried
  before, so the sender looks the message up), or *released* by
  the periodic tick to wait like a failure (the desk: the Custom Store protocol has no
  look-up, and a ship notice posted twice is harmless).
- **replay**: a dead or rejected row starts again from a fresh count of attempts; a
  queue's ``unanswered_field`` keeps, across it, that an attempt ended unanswered.

How a new queue plugs in (the stock push queue, say):

1. A model with ``state`` (a ``TextChoices``), ``attempts``, ``next_attempt_at`` (null
   allowed), an error text field and ``updated_at``, in the app that owns the data, plus
   a unique key that makes queueing idempotent (``get_or_create`` on it, the delivery job
   enqueued in the same transaction).
2. An :class:`OutboxQueue` naming its states for the five roles, its error field and its
   :class:`~crossdock.core.outbox.RetryPolicy`.
3. A delivery module: :func:`claim`, call the other system, then exactly one of
   :func:`succeed`, :func:`reject` or :func:`back_off`.
4. The app's ``tasks.py`` owns enqueueing: the delivery task, its ``retry`` (enqueue at a
   time), the periodic sweep (:func:`overdue`, and :func:`release_abandoned` for a
   releasing queue) and the replay (:func:`replay`) for the merchant.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q

from crossdock.core.outbox import (
    GiveUp,
    RetryPolicy,
    Role,
    after_retryable_failure,
    tried_before,
)

#: Enqueues the next attempt of a row at a time; called in the transaction that backs the
#: row off. The task module passes it: delivery never enqueues by itself.
Retry = Callable[[int, datetime], None]


class Abandoned(Enum):
    """What becomes of a row whose worker's lease ran out."""

    RESUME = "resume"
    RELEASE = "release"


def _nothing(now: datetime) -> dict[str, object]:
    return {}


@dataclass(frozen=True)
class OutboxQueue:
    """One outbox table and how its states read as the engine's roles."""

    model: type[models.Model]
    states: Mapping[Role, str]
    policy: RetryPolicy
    #: The text field that keeps the last failure's reason.
    error_field: str
    on_abandoned: Abandoned
    #: The state a backed-off row waits in (the pending state unless the queue shows it).
    waiting: str = ""
    #: What the error field says when a row gives up: ``{attempts}`` and ``{reason}``.
    dead_reason: str = "gave up after {attempts} attempts; last: {reason}"
    #: Related rows the sender needs, loaded with the claimed row.
    related: tuple[str, ...] = ()
    #: Extra values a claim writes (the desk records when a notice was claimed).
    claim_values: Callable[[datetime], dict[str, object]] = field(default=_nothing)
    #: A boolean field set when an attempt ends without a clear answer (backed off, given
    #: up) and kept by a replay, so a claim after a replay knows the receiver may have the
    #: message; empty for a queue that never looks messages up.
    unanswered_field: str = ""

    def state(self, role: Role) -> str:
        return self.states[role]

    @property
    def waiting_state(self) -> str:
        return self.waiting or self.states[Role.PENDING]

    def rows(self) -> Any:
        return self.model._default_manager


@dataclass(frozen=True, slots=True)
class Claim:
    """A row this worker owns until its lease ends."""

    row: Any
    #: The receiver may already have the message (:func:`~crossdock.core.outbox.
    #: tried_before`): look it up by its key before sending it again, where one can.
    tried_before: bool


def claim(queue: OutboxQueue, row_id: int, now: datetime) -> Claim | None:
    """Claim the row if it is due and free; ``None`` when it is not due or another has it."""
    sending = queue.state(Role.SENDING)
    lease = {
        "attempts": F("attempts") + 1,
        "next_attempt_at": now + queue.policy.lease,
        "updated_at": now,
        **queue.claim_values(now),
    }
    fresh = (
        queue.rows()
        .filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=row_id,
            state__in={queue.state(Role.PENDING), queue.waiting_state},
        )
        .update(state=sending, **lease)
    )
    resumed = 0
    if not fresh and queue.on_abandoned is Abandoned.RESUME:
        resumed = (
            queue.rows().filter(pk=row_id, state=sending, next_attempt_at__lte=now).update(**lease)
        )
    if not fresh and not resumed:
        return None
    row = queue.rows().select_related(*queue.related).get(pk=row_id)
    unanswered = bool(queue.unanswered_field and getattr(row, queue.unanswered_field))
    return Claim(
        row,
        tried_before=tried_before(
            row.attempts, resumed=bool(resumed), unanswered_before=unanswered
        ),
    )


def finish(queue: OutboxQueue, row: Any, now: datetime, **values: object) -> bool:
    """Store an outcome unless another worker took the row over meanwhile (fenced)."""
    return bool(
        queue.rows()
        .filter(pk=row.pk, state=queue.state(Role.SENDING), attempts=row.attempts)
        .update(updated_at=now, **values)
    )


def succeed(queue: OutboxQueue, row: Any, now: datetime, **values: object) -> bool:
    """The receiver has it: done, nothing more is due."""
    return finish(queue, row, now, state=queue.state(Role.DONE), next_attempt_at=None, **values)


def reject(queue: OutboxQueue, row: Any, now: datetime, reason: str, **values: object) -> bool:
    """The receiver (or our own configuration) said no: terminal until replayed."""
    return finish(
        queue,
        row,
        now,
        state=queue.state(Role.REJECTED),
        next_attempt_at=None,
        **{queue.error_field: reason},
        **values,
    )


def back_off(
    queue: OutboxQueue,
    row: Any,
    now: datetime,
    reason: str,
    *,
    retry_after: float | None = None,
    rng: random.Random | None = None,
    retry: Retry | None = None,
    **values: object,
) -> bool:
    """A retryable failure: wait and try again, or give up after the last attempt.

    ``retry`` (the task module's enqueue) runs in the transaction that backs the row off,
    only if this worker still owned the row; without it the row waits for the sweep.
    """
    if queue.unanswered_field:
        values = {queue.unanswered_field: True, **values}
    step = after_retryable_failure(
        row.attempts,
        retry_after,
        now,
        queue.policy,
        rng or random.Random(),  # noqa: S311 (jitter, not a secret)
    )
    if isinstance(step, GiveUp):
        dead = queue.dead_reason.format(attempts=step.attempts, reason=reason)
        return finish(
            queue,
            row,
            now,
            state=queue.state(Role.DEAD),
            next_attempt_at=None,
            **{queue.error_field: dead},
            **values,
        )
    with transaction.atomic():
        owned = finish(
            queue,
            row,
            now,
            state=queue.waiting_state,
            next_attempt_at=step.due,
            **{queue.error_field: reason},
            **values,
        )
        if owned and retry is not None:
            retry(row.pk, step.due)
    return owned


def release_abandoned(queue: OutboxQueue, now: datetime, reason: str) -> int:
    """Rows left *sending* past their lease (a worker died) wait again, due now."""
    return int(
        queue.rows()
        .filter(state=queue.state(Role.SENDING), next_attempt_at__lte=now)
        .update(
            state=queue.waiting_state,
            next_attempt_at=now,
            updated_at=now,
            **{queue.error_field: reason},
        )
    )


def overdue(
    queue: OutboxQueue, now: datetime, *, grace: timedelta, limit: int, states: tuple[str, ...]
) -> list[int]:
    """Ids of rows in ``states`` due for longer than ``grace`` (lost jobs, dead workers),
    oldest first."""
    return list(
        queue.rows()
        .filter(state__in=states, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def replay(queue: OutboxQueue, row: Any, now: datetime) -> None:
    """Send a locked row again from a fresh count of attempts (the caller checked it may)."""
    row.state = queue.state(Role.PENDING)
    row.attempts = 0
    row.next_attempt_at = now
    setattr(row, queue.error_field, "")
    row.save(
        update_fields=["state", "attempts", "next_attempt_at", queue.error_field, "updated_at"]
    )


def role_of(queue: OutboxQueue, state: str) -> Role:
    """The role a stored state plays (a waiting state reads as pending)."""
    if state == queue.waiting_state:
        return Role.PENDING
    return next(role for role, name in queue.states.items() if name == state)
