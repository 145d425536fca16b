"""Posting a shipment's ``<ShipNotice>`` to its store, with retries and duplicate suppression.

Runs on the platform's outbox engine (:mod:`crossdock.platform.outbox`). A notice is
claimed with a lease (pending or failed → sending) before the HTTP call, so two workers
never post it at once; no transaction is held across the call (the store may be this very
process). Every outcome is fenced on the attempt claimed, so a worker whose lease ran out
cannot overwrite the attempt that took over. Failures retry with back-off (1, 2, 4 …
minutes, at most an hour); after the last attempt the notice stays failed with the
store's answer until the merchant resends it. A claim abandoned by a dead worker is
released by the periodic tick (:func:`release_stale_claims`) and retried.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import httpx
from django.utils import timezone

from crossdock.core.outbox import RetryPolicy, Role
from crossdock.customstore.notice import ShipNotice, ShipNoticeItem, ShipNoticeRecipient
from crossdock.desk.shipments.models import Shipment, StoreNotice
from crossdock.desk.stores.client import StoreError, make_client, post_ship_notice
from crossdock.desk.stores.services import connection_of
from crossdock.platform.outbox import (
    Abandoned,
    OutboxQueue,
    back_off,
    claim,
    finish,
    reject,
    release_abandoned,
    succeed,
)
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

State = StoreNotice.State

#: 1, 2, 4 … minutes after each failed attempt, at most an hour, ten attempts; a notice
#: claimed five minutes ago without a result is presumed lost and retried.
POLICY = RetryPolicy(
    base=timedelta(minutes=1),
    cap=timedelta(hours=1),
    max_attempts=10,
    lease=timedelta(minutes=5),
    jitter=0.0,
)

#: The ship-notice queue on the outbox engine: a failed notice waits (and ends) *failed*.
NOTICES = OutboxQueue(
    model=StoreNotice,
    states={
        Role.PENDING: State.PENDING,
        Role.SENDING: State.SENDING,
        Role.DONE: State.SENT,
        Role.REJECTED: State.FAILED,
        Role.DEAD: State.FAILED,
    },
    policy=POLICY,
    error_field="answer",
    on_abandoned=Abandoned.RELEASE,
    waiting=State.FAILED,
    dead_reason="{reason}",
    related=("shipment", "shipment__order", "shipment__order__store"),
    claim_values=lambda now: {"claimed_at": now},
)


def build_notice(shipment: Shipment) -> ShipNotice:
    """The notice for one shipment: its own lines only; NotifyCustomer is false when the
    desk e-mails the buyer itself."""
    order = shipment.order
    ship_to = order.ship_to
    return ShipNotice(
        order_id=order.order_id,
        order_number=order.order_number,
        customer_code=order.customer_code,
        notes_to_customer=shipment.notes_to_buyer,
        notify_customer=not shipment.notify_buyer,
        label_create_date=shipment.label_created_at,
        ship_date=shipment.ship_date,
        carrier=shipment.carrier,
        service=shipment.service,
        tracking_number=shipment.tracking_number,
        shipping_cost=shipment.shipping_cost,
        custom_fields=(order.custom_field1, order.custom_field2, order.custom_field3),
        items=tuple(
            ShipNoticeItem(
                line_item_id=item.line.line_item_id,
                sku=item.line.sku,
                name=item.line.name,
                quantity=item.quantity,
                upc=item.line.upc,
            )
            for item in shipment.lines.select_related("line").order_by("line__position")
        ),
        customer_notes=order.customer_notes,
        internal_notes=order.internal_notes,
        requested_warehouse=order.requested_warehouse,
        recipient=ShipNoticeRecipient(
            name=str(ship_to.get("name", "")),
            company=str(ship_to.get("company", "")),
            address1=str(ship_to.get("address1", "")),
            address2=str(ship_to.get("address2", "")),
            city=str(ship_to.get("city", "")),
            state=str(ship_to.get("state", "")),
            postal_code=str(ship_to.get("postal_code", "")),
            country=str(ship_to.get("country", "")),
        ),
    )


def deliver_notice(notice_id: int, *, client: httpx.Client | None = None) -> StoreNotice:
    """Post the notice if it is due and not sent; a no-op otherwise (so duplicates vanish)."""
    claimed = claim(NOTICES, notice_id, timezone.now())
    if claimed is None:
        return StoreNotice.objects.get(pk=notice_id)
    notice: StoreNotice = claimed.row
    shipment = notice.shipment
    if shipment.voided_at is not None:
        finish(
            NOTICES,
            notice,
            timezone.now(),
            state=State.NOT_SENT,
            next_attempt_at=None,
            answer="the shipment was voided before the store was told",
        )
        return StoreNotice.objects.get(pk=notice_id)
    owned = client is None
    http = client or make_client()
    try:
        answer = post_ship_notice(http, connection_of(shipment.order.store), build_notice(shipment))
    except StoreError as error:
        back_off(NOTICES, notice, timezone.now(), error.message, answer_status=error.status)
        logger.warning("desk notice %s failed (attempt %s)", notice_id, notice.attempts)
    except SecretUnreadable as error:
        reject(NOTICES, notice, timezone.now(), str(error))
    else:
        now = timezone.now()
        succeed(
            NOTICES, notice, now, sent_at=now, answer_status=answer.status, answer=answer.excerpt
        )
    finally:
        if owned:
            http.close()
    return StoreNotice.objects.get(pk=notice_id)


def release_stale_claims(now: datetime) -> int:
    """Notices stuck in "sending" (a worker died) become failed and due again."""
    return release_abandoned(NOTICES, now, "no answer was recorded (the worker stopped); retrying")
