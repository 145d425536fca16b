"""Ship notify: turning a ``<ShipNotice>`` (or, with an empty body, the query) into a shipment.

The order is found by ``ShipNotice/OrderID`` (the hub's own id, echoed back), then the
``order_number`` query value, then ``ShipNotice/OrderNumber``. Items are matched by
``LineItemID``, then SKU; no items, or items that no longer match, mean the whole order.
Recording is :func:`crossdock.hub.fulfillment.services.record_fulfillment`, so a repeated
notice records nothing new.

**Kits.** When the export sent a kit as its components (``kit_lines``), the notice names
the components: an item whose ``LineItemID`` is ``<line id>-<product id>``, or whose SKU is
a part of a kit line of the order, counts toward that kit's line; the kit's line is
recorded as shipped ``max(parent units named, max over parts ⌈units ÷ per kit⌉)`` times,
so a notice naming the kit and its components (``both``) counts the kit once, and the
shipment consumes the kit's components exactly once (through the kit's line).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from crossdock.core.actors import Actor, ActorKind
from crossdock.core.ids import storable_id
from crossdock.customstore.notice import (
    NOTICE_MAX_BYTES,
    ShipNotice,
    ShipNoticeItem,
    parse_ship_notice,
)
from crossdock.customstore.query import ShipNotifyQuery
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.fulfillment.services import (
    Shipment,
    ShipmentLine,
    record_fulfillment,
    shipment_order,
    shipment_orders,
)
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.shipstation.errors import NoticeOrderAmbiguous, NoticeOrderNotFound
from crossdock.hub.shipstation.export import KitParts, kit_parts
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
    if notice.order_id.isascii() and notice.order_id.isdigit():
        order_id = int(notice.order_id)
        found = shipment_order(integration.account_id, order_id) if storable_id(order_id) else None
        if found is not None:
            return found
    account_orders = shipment_orders(integration.account_id)
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


def _kit_line_of(
    item: ShipNoticeItem, kit_lines: Sequence[OrderLine], kits: KitParts, line_skus: set[str]
) -> tuple[OrderLine, int | None] | None:
    """The kit line ``item`` names and the part it is (``None``: the kit itself), if any."""
    head, dash, tail = item.line_item_id.partition("-")
    if dash and head.isascii() and head.isdigit() and tail.isascii() and tail.isdigit():
        for line in kit_lines:
            if line.pk == int(head) and any(p.product_id == int(tail) for p in kits[line.sku]):
                return line, int(tail)
    line_id = item.line_item_id
    if line_id.isascii() and line_id.isdigit():
        found = next((line for line in kit_lines if line.pk == int(line_id)), None)
        return (found, None) if found is not None else None
    if item.sku in line_skus:
        found = next((line for line in kit_lines if line.sku == item.sku), None)
        return (found, None) if found is not None else None
    for line in kit_lines:
        for part in kits[line.sku]:
            if part.sku == item.sku:
                return line, part.product_id
    return None


def kit_shipment_lines(order: Order, items: Sequence[ShipNoticeItem]) -> tuple[ShipmentLine, ...]:
    """The shipment lines a notice's items stand for, kit parts folded into their kit's line
    (see the module docstring); items of other lines are passed on as they are."""
    lines = list(order.lines.all())
    kits = kit_parts(order.account_id, {line.sku for line in lines if line.sku})
    kit_lines = [line for line in lines if line.sku in kits]
    if not kit_lines:
        return tuple(_line(item) for item in items)
    line_skus = {line.sku for line in lines}
    out: list[ShipmentLine] = []
    parents: dict[int, int] = defaultdict(int)
    parts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    named: dict[int, OrderLine] = {}
    for item in items:
        found = _kit_line_of(item, kit_lines, kits, line_skus)
        if found is None:
            out.append(_line(item))
            continue
        line, part = found
        named.setdefault(line.pk, line)
        if part is None:
            parents[line.pk] += item.quantity
        else:
            parts[line.pk][part] += item.quantity
    for line_id, line in named.items():
        per_kit = {part.product_id: part.per_kit for part in kits[line.sku]}
        from_parts = max(
            (math.ceil(units / per_kit[part]) for part, units in parts[line_id].items()),
            default=0,
        )
        out.append(
            ShipmentLine(quantity=max(parents[line_id], from_parts), line_id=line.pk, sku=line.sku)
        )
    return tuple(out)


def shipment_of(notice: ShipNotice, query: ShipNotifyQuery, order: Order | None = None) -> Shipment:
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
        lines=(
            kit_shipment_lines(order, notice.items)
            if order is not None and notice.items
            else tuple(_line(item) for item in notice.items)
        ),
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
        integration.account_id,
        order,
        shipment_of(notice, query, order),
        Actor(ActorKind.SHIPSTATION, integration.name),
        source=Fulfillment.Source.SHIPSTATION,
        write_back=integration.write_back,
        strict=False,
    )
    return NotifyOutcome(fulfillment=recorded.fulfillment, created=recorded.created)
