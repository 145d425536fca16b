"""Delivering the write-back outbox: one fulfillment told to its channel, exactly once.

States::

    pending ──claim──▶ sending ──▶ accepted            the channel has it
       ▲                  │   └──▶ rejected            terminal: the reason is shown
       │   retryable,     │   └──▶ dead                retryable, but out of attempts
       └── backed off ────┘
    rejected / dead ──replay──▶ pending

A worker claims a row with a conditional ``UPDATE`` (pending → sending, or a ``sending``
row whose lease ran out because its worker died), so two workers never send the same row
at once and no transaction is held across the HTTP call. Finishing is fenced on the
attempt number: a worker whose lease was taken over cannot overwrite the newer outcome.

Never twice: every push carries the row's idempotency key, and a row found in
``sending`` (its worker died mid-push, the channel may or may not have it) is first
looked up on the channel by that key; only when the channel does not have it is it sent.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from crossdock.connectors.base import (
    ConnectorError,
    PushResult,
    PushShipment,
    RetryableError,
    ShipmentData,
    ShippedLine,
)
from crossdock.connectors.registry import UnknownConnector
from crossdock.core.carriers import tracking_url
from crossdock.hub.channels.carriers import resolve_carrier
from crossdock.hub.channels.connections import connected, spec_of
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: Enqueues the next attempt of a write-back at a time; called in the transaction that
#: backs the row off. The task module passes it: delivery never enqueues by itself.
Retry = Callable[[int, datetime], None]
State = WriteBack.State


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with jitter: ``base · 2^(attempt-1)``, capped, times 0.5–1.

    ``lease`` is how long a ``sending`` row belongs to its worker before it counts as
    abandoned. After ``max_attempts`` retryable failures a row is ``dead``.
    """

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 12
    lease: timedelta = timedelta(minutes=5)


DEFAULT_POLICY = RetryPolicy()


def backoff_delay(
    attempt: int, retry_after: float | None, policy: RetryPolicy, rng: random.Random
) -> timedelta:
    """How long to wait before attempt ``attempt + 1``; never less than ``Retry-After``."""
    # The exponent is clamped so a long run of attempts cannot overflow ``timedelta``.
    exponential = min(policy.cap, policy.base * (1 << min(max(attempt - 1, 0), 30)))
    delay = exponential * rng.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


@dataclass(frozen=True, slots=True)
class _Claim:
    write_back: WriteBack
    #: The row was found in ``sending``: the channel may already have it.
    is_resumed: bool


def _claim(write_back_id: int, now: datetime, policy: RetryPolicy) -> _Claim | None:
    lease = {"attempts": F("attempts") + 1, "next_attempt_at": now + policy.lease}
    fresh = WriteBack.objects.filter(
        pk=write_back_id, state=State.PENDING, next_attempt_at__lte=now
    ).update(state=State.SENDING, **lease)
    resumed = 0
    if not fresh:
        resumed = WriteBack.objects.filter(
            pk=write_back_id, state=State.SENDING, next_attempt_at__lte=now
        ).update(**lease)
    if not fresh and not resumed:
        return None
    row = WriteBack.objects.select_related("fulfillment__order", "channel").get(pk=write_back_id)
    return _Claim(row, is_resumed=bool(resumed))


def shipment_of(write_back: WriteBack, fallback: str) -> ShipmentData:
    """The shipment to push, with the carrier translated for the channel's kind."""
    fulfillment = write_back.fulfillment
    order = fulfillment.order
    mapped = resolve_carrier(
        write_back.account_id,
        write_back.channel.kind,
        carrier=fulfillment.carrier,
        carrier_code=fulfillment.carrier_code,
        service=fulfillment.service,
        fallback=fallback,
    )
    return ShipmentData(
        order_external_id=order.external_id,
        carrier=mapped.carrier,
        carrier_name=mapped.carrier_name,
        service=mapped.service,
        tracking_number=fulfillment.tracking_number,
        tracking_url=tracking_url(
            fulfillment.carrier_code or fulfillment.carrier, fulfillment.tracking_number
        ),
        ship_date=fulfillment.ship_date,
        lines=tuple(
            ShippedLine(
                external_line_id=item.line.external_id,
                sku=item.line.sku,
                quantity=item.quantity,
            )
            for item in fulfillment.lines.select_related("line").order_by("line__position")
        ),
        note_to_buyer=fulfillment.notes_to_buyer,
        notify_buyer=fulfillment.notify_customer,
    )


def _send(claim: _Claim, client: httpx.Client | None) -> PushResult:
    row = claim.write_back
    spec = spec_of(row.channel)
    if spec is None:
        raise UnknownConnector(f"no connector named {row.channel.kind!r} is installed")
    with connected(row.channel, client) as connector:
        if not isinstance(connector, PushShipment):
            raise ConnectorError(f"{row.channel.kind} channels do not take shipments")
        shipment = shipment_of(row, spec.carrier_fallback)
        if claim.is_resumed:
            found = connector.find_shipment(shipment.order_external_id, row.idempotency_key)
            if found is not None:
                return found
        return connector.push_shipment(shipment, row.idempotency_key)


def _finish(row: WriteBack, **values: object) -> bool:
    """Store an outcome unless another worker took the row over meanwhile (fenced)."""
    return bool(
        WriteBack.objects.filter(pk=row.pk, state=State.SENDING, attempts=row.attempts).update(
            **values
        )
    )


def deliver_write_back(
    write_back_id: int,
    *,
    client: httpx.Client | None = None,
    clock: Clock = timezone.now,
    policy: RetryPolicy = DEFAULT_POLICY,
    rng: random.Random | None = None,
    retry: Retry | None = None,
) -> WriteBack | None:
    """Try to deliver one write-back now; ``None`` when it is not due or another has it.

    A retryable failure backs the row off and calls ``retry`` (the task module's enqueue)
    in the same transaction; without it the row waits for the periodic sweep.
    """
    claim = _claim(write_back_id, clock(), policy)
    if claim is None:
        return None
    row = claim.write_back
    try:
        result = _send(claim, client)
    except RetryableError as error:
        _retry_later(row, error, clock(), policy, rng or random.Random(), retry)  # noqa: S311
    except (ConnectorError, UnknownConnector, SecretUnreadable) as error:
        logger.warning("write-back %s rejected: %s", row.pk, error)
        _finish(row, state=State.REJECTED, next_attempt_at=None, last_error=_reason(error))
    except Exception as error:
        # A bug or an outage, not the channel's answer: back off like a retryable failure
        # so the row ends dead after its attempts, instead of leaving it in ``sending`` to
        # be resumed after every lease, forever.
        logger.exception("write-back %s failed unexpectedly", row.pk)
        unexpected = RetryableError(f"unexpected {_reason(error)}")
        _retry_later(row, unexpected, clock(), policy, rng or random.Random(), retry)  # noqa: S311
    else:
        _finish(
            row,
            state=State.ACCEPTED,
            next_attempt_at=None,
            last_error="",
            external_id=result.external_id[:100],
        )
    row.refresh_from_db()
    return row


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _retry_later(
    row: WriteBack,
    error: RetryableError,
    now: datetime,
    policy: RetryPolicy,
    rng: random.Random,
    retry: Retry | None,
) -> None:
    if row.attempts >= policy.max_attempts:
        logger.warning("write-back %s dead after %s attempts: %s", row.pk, row.attempts, error)
        _finish(
            row,
            state=State.DEAD,
            next_attempt_at=None,
            last_error=f"gave up after {row.attempts} attempts; last: {_reason(error)}",
        )
        return
    due = now + backoff_delay(row.attempts, error.retry_after, policy, rng)
    with transaction.atomic():
        if (
            _finish(row, state=State.PENDING, next_attempt_at=due, last_error=_reason(error))
            and retry is not None
        ):
            retry(row.pk, due)
