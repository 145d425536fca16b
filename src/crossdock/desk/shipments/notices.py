"""Posting a shipment's ``<ShipNotice>`` to its store, with retries and duplicate suppression.

A notice is claimed with a conditional update (pending or failed → sending) before the HTTP
call, so two workers never post it twice; no transaction is held across the call (the
store may be this very process). Failures retry with back-off; after the last attempt the
notice stays failed with the store's answer until the merchant resends it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import httpx
from django.db.models import F, Q
from django.utils import timezone

from crossdock.customstore.notice import ShipNotice, ShipNoticeItem, ShipNoticeRecipient
from crossdock.desk.shipments.models import Shipment, StoreNotice
from crossdock.desk.stores.client import StoreError, make_client, post_ship_notice
from crossdock.desk.stores.services import connection_of
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_RETRY_DELAY = timedelta(hours=1)
#: A notice claimed this long ago without a result is presumed lost and retried.
STALE_CLAIM = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


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


def _claim(notice_id: int, now: datetime) -> bool:
    return bool(
        StoreNotice.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=notice_id,
            state__in=[StoreNotice.State.PENDING, StoreNotice.State.FAILED],
        ).update(
            state=StoreNotice.State.SENDING,
            claimed_at=now,
            updated_at=now,
            attempts=F("attempts") + 1,
        )
    )


def deliver_notice(notice_id: int, *, client: httpx.Client | None = None) -> StoreNotice:
    """Post the notice if it is due and not sent; a no-op otherwise (so duplicates vanish)."""
    now = timezone.now()
    if not _claim(notice_id, now):
        return StoreNotice.objects.get(pk=notice_id)
    notice = StoreNotice.objects.select_related(
        "shipment", "shipment__order", "shipment__order__store"
    ).get(pk=notice_id)
    shipment = notice.shipment
    if shipment.voided_at is not None:
        StoreNotice.objects.filter(pk=notice_id).update(
            state=StoreNotice.State.NOT_SENT,
            next_attempt_at=None,
            answer="the shipment was voided before the store was told",
        )
        return StoreNotice.objects.get(pk=notice_id)
    owned = client is None
    http = client or make_client()
    try:
        answer = post_ship_notice(http, connection_of(shipment.order.store), build_notice(shipment))
    except StoreError as error:
        retry = notice.attempts < MAX_ATTEMPTS
        StoreNotice.objects.filter(pk=notice_id).update(
            state=StoreNotice.State.FAILED,
            answer_status=error.status,
            answer=error.message,
            next_attempt_at=now + retry_delay(notice.attempts) if retry else None,
            updated_at=timezone.now(),
        )
        logger.warning("desk notice %s failed (attempt %s)", notice_id, notice.attempts)
    except SecretUnreadable as error:
        StoreNotice.objects.filter(pk=notice_id).update(
            state=StoreNotice.State.FAILED,
            answer=str(error),
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
    else:
        StoreNotice.objects.filter(pk=notice_id).update(
            state=StoreNotice.State.SENT,
            sent_at=timezone.now(),
            answer_status=answer.status,
            answer=answer.excerpt,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
    finally:
        if owned:
            http.close()
    return StoreNotice.objects.get(pk=notice_id)


def release_stale_claims(now: datetime) -> int:
    """Notices stuck in "sending" (a worker died mid-call) become failed and due again."""
    return StoreNotice.objects.filter(
        state=StoreNotice.State.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(
        state=StoreNotice.State.FAILED,
        answer="no answer was recorded (the worker stopped); retrying",
        next_attempt_at=now,
    )
