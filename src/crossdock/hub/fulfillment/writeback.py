"""Delivering the write-back outbox: one fulfillment told to its channel, exactly once.

Runs on the platform's outbox engine (:mod:`crossdock.platform.outbox`: claim with a lease,
fenced finish, back-off with jitter honouring ``Retry-After``, replay). States::

    pending ──claim──▶ sending ──▶ accepted            the channel has it
       ▲                  │   └──▶ rejected            terminal: the reason is shown
       │   retryable,     │   └──▶ dead                retryable, but out of attempts
       └── backed off ────┘
    rejected / dead ──replay──▶ pending

Never twice: every push carries the row's idempotency key, and a row tried before is
first looked up on the channel by that key; only when the channel does not have it is it
sent. That is a row found in ``sending`` (its worker died mid-push), a row backed off
after a failed attempt, and a dead row replayed: a call that timed out, or answered 5xx,
may have been stored by the channel before its answer was lost, and not every channel
honours the key itself.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import httpx
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
from crossdock.core.outbox import RetryPolicy, Role
from crossdock.hub.channels.carriers import resolve_carrier
from crossdock.hub.channels.connections import connected, spec_of
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.platform.outbox import (
    Abandoned,
    Claim,
    OutboxQueue,
    Retry,
    back_off,
    claim,
    reject,
    succeed,
)
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
State = WriteBack.State

DEFAULT_POLICY = RetryPolicy()

#: The write-back queue on the outbox engine.
WRITE_BACKS = OutboxQueue(
    model=WriteBack,
    states={
        Role.PENDING: State.PENDING,
        Role.SENDING: State.SENDING,
        Role.DONE: State.ACCEPTED,
        Role.REJECTED: State.REJECTED,
        Role.DEAD: State.DEAD,
    },
    policy=DEFAULT_POLICY,
    error_field="last_error",
    on_abandoned=Abandoned.RESUME,
    related=("fulfillment__order", "channel"),
    unanswered_field="unanswered",
)


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


def _send(claimed: Claim, client: httpx.Client | None) -> PushResult:
    row: WriteBack = claimed.row
    spec = spec_of(row.channel)
    if spec is None:
        raise UnknownConnector(f"no connector named {row.channel.kind!r} is installed")
    with connected(row.channel, client) as connector:
        if not isinstance(connector, PushShipment):
            raise ConnectorError(f"{row.channel.kind} channels do not take shipments")
        shipment = shipment_of(row, spec.carrier_fallback)
        if claimed.tried_before:
            found = connector.find_shipment(shipment.order_external_id, row.idempotency_key)
            if found is not None:
                return found
        return connector.push_shipment(shipment, row.idempotency_key)


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
    queue = replace(WRITE_BACKS, policy=policy)
    claimed = claim(queue, write_back_id, clock())
    if claimed is None:
        return None
    row: WriteBack = claimed.row
    jitter = rng or random.Random()  # noqa: S311 (jitter, not a secret)
    try:
        result = _send(claimed, client)
    except RetryableError as error:
        back_off(
            queue,
            row,
            clock(),
            _reason(error),
            retry_after=error.retry_after,
            rng=jitter,
            retry=retry,
        )
    except (ConnectorError, UnknownConnector, SecretUnreadable) as error:
        logger.warning("write-back %s rejected: %s", row.pk, error)
        reject(queue, row, clock(), _reason(error))
    except Exception as error:
        # A bug or an outage, not the channel's answer: back off like a retryable failure
        # so the row ends dead after its attempts, instead of leaving it in ``sending`` to
        # be resumed after every lease, forever.
        logger.exception("write-back %s failed unexpectedly", row.pk)
        unexpected = RetryableError(f"unexpected {_reason(error)}")
        back_off(queue, row, clock(), _reason(unexpected), rng=jitter, retry=retry)
    else:
        succeed(queue, row, clock(), last_error="", external_id=result.external_id[:100])
    row.refresh_from_db()
    return row


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]
