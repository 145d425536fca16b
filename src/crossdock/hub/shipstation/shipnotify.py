"""Ship notify: turning a ``<ShipNotice>`` (or, with an empty body, the query) into a shipment.

The order is found by ``ShipNotice/OrderID`` (the hub's own id, echoed back), then the
``order_number`` query value, then ``ShipNotice/OrderNumber``. Items are matched by
``LineItemID``, then SKU; no items, or items that no longer match, mean the whole order.
Recording is :func:`crossdock.hub.fulfillment.services.record_fulfillment`, so a repeated
notice records nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass

from crossdock.core.actors import Actor, ActorKind
from crossdock.customstore.notice import (
    NOTICE_MAX_BYTES,
    ShipNotice,
    ShipNoticeItem,
    parse_ship_notice,
)
from crossdock.customstore.query import ShipNotifyQuery
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.fulfillment.services import Shipment, ShipmentLine, record_fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.shipstation.errors import NoticeOrderAmbiguous, NoticeOrderNotFound
from crossdock.hub.shipstation.models import ShipStationIntegration


@dataclass(frozen=True, slots=True)
class NotifyOutcome:
    """What became of a notice: the fulfillment, and whether this call recorded it."""

    fulfillment: Fulfillment
    created: bool

    @property
    def message(self) -> str:
        if self.created:
            return f"recorded shipment {self.fulfillment.pk} of order {self.fulfillment.order_id}"
        return f"shipment {self.fulfillment.pk} was already recorded"


def notice_from_query(query: ShipNotifyQuery) -> ShipNotice:
    """The notice an empty body stands for: the query values, the whole order."""
    return ShipNotice(
        order_id="",
        order_number=query.order_number,
        customer_code="",
        notes_to_customer="",
        notify_customer=None,
        label_create_date=None,
        ship_date=None,
        carrier=query.carrier,
        service=query.service,
        tracking_number=query.tracking_number,
        shipping_cost=None,
        custom_fields=("", "", ""),
        items=(),
    )


def find_order(
    integration: ShipStationIntegration, notice: ShipNotice, query: ShipNotifyQuery
) -> Order:
    """The account's order a notice is about (see the module docstring for the order)."""
    account_orders = Order.objects.filter(account_id=integration.account_id)
    if notice.order_id.isascii() and notice.order_id.isdigit():
        found = account_orders.filter(pk=int(notice.order_id)).first()
        if found is not None:
            return found
    for number in (query.order_number, notice.order_number):
        if not number:
            continue
        matches = list(account_orders.filter(number=number).order_by("id")[:10])
        if len(matches) > 1:
            channel_ids = set(integration.channels.values_list("pk", flat=True))
            matches = [order for order in matches if order.channel_id in channel_ids] or matches
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise NoticeOrderAmbiguous(
                f"order number {number[:50]!r} matches {len(matches)} orders; send OrderID"
            )
    shown = notice.order_id or query.order_number or notice.order_number
    raise NoticeOrderNotFound(f"no order {shown[:50]!r} in this account")


def _line(item: ShipNoticeItem) -> ShipmentLine:
    line_id = item.line_item_id
    return ShipmentLine(
        quantity=item.quantity,
        line_id=int(line_id) if line_id.isascii() and line_id.isdigit() else None,
        sku=item.sku,
    )


def shipment_of(notice: ShipNotice, query: ShipNotifyQuery) -> Shipment:
    """The shipment a notice reports; body values first, the query's where the body is silent."""
    return Shipment(
        carrier=notice.carrier or query.carrier,
        service=notice.service or query.service,
        tracking_number=notice.tracking_number or query.tracking_number,
        shipping_cost=notice.shipping_cost,
        ship_date=notice.ship_date,
        label_created_at=notice.label_create_date,
        notes_to_buyer=notice.notes_to_customer,
        # ``false`` means ShipStation e-mailed the buyer itself; absent means it did not say.
        notify_customer=notice.notify_customer if notice.notify_customer is not None else True,
        lines=tuple(_line(item) for item in notice.items),
    )


def receive_ship_notice(
    integration: ShipStationIntegration, query: ShipNotifyQuery, body: bytes
) -> NotifyOutcome:
    """Record the shipment a notify call reports; raises a notice or order error.

    Raises :class:`~crossdock.customstore.notice.NoticeError` for a body that is not a
    readable notice and :class:`~crossdock.hub.shipstation.errors.NoticeOrderError` when
    no single order matches; nothing is written then.
    """
    notice = (
        parse_ship_notice(body, max_bytes=NOTICE_MAX_BYTES)
        if body.strip()
        else notice_from_query(query)
    )
    order = find_order(integration, notice, query)
    recorded = record_fulfillment(
        integration.account,
        order.pk,
        shipment_of(notice, query),
        Actor(ActorKind.SHIPSTATION, integration.name),
        source=Fulfillment.Source.SHIPSTATION,
        write_back=integration.write_back,
        strict=False,
    )
    return NotifyOutcome(fulfillment=recorded.fulfillment, created=recorded.created)
