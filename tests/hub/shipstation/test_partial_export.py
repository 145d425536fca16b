"""Partly shipped orders: ShipStation is offered what is left, and an over-shipment shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from lxml import etree

from crossdock.core.actors import SYSTEM
from crossdock.core.dto import LineData
from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.fulfillment.services import Shipment, ShipmentLine, record_fulfillment
from crossdock.hub.orders.models import Order, OrderEvent, OrderLine
from crossdock.hub.shipstation.services import IssuedCredentials, OptionChanges, update_integration
from tests.hub.shipstation.conftest import StoreClient, content

MOMENT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

FIVE_MUGS = (
    LineData(sku="MUG", name="Mug", quantity=5, unit_price=Decimal("10.00")),
    LineData(sku="TEE", name="Tee", quantity=1, unit_price=Decimal("20.00")),
)


def _ship(order: Order, **units: int) -> None:
    lines = {line.sku: line.pk for line in OrderLine.objects.filter(order=order)}
    record_fulfillment(
        order.account,
        order.pk,
        Shipment(
            tracking_number=f"T-{sorted(units.items())}",
            lines=tuple(ShipmentLine(quantity=n, line_id=lines[sku]) for sku, n in units.items()),
        ),
        SYSTEM,
    )


def exported_items(store: StoreClient, order: Order, *tags: str) -> list[tuple[str, ...]]:
    """``tags`` of each goods item of ``order`` as ShipStation imports it (adjustments left out)."""
    Order.objects.filter(pk=order.pk).update(modified_at=MOMENT)
    response = store.export("03/10/2026 12:00", "03/10/2026 12:00")
    assert response.status_code == 200, response.content
    found = etree.fromstring(content(response)).findall("Order/Items/Item")
    return [
        tuple(item.findtext(tag) or "" for tag in tags)
        for item in found
        if item.findtext("Adjustment") != "true"
    ]


def _items(store: StoreClient, order: Order) -> list[tuple[str, ...]]:
    return exported_items(store, order, "SKU", "Quantity", "LineItemID")


def _line_id(order: Order, sku: str) -> str:
    return str(OrderLine.objects.get(order=order, sku=sku).pk)


def test_a_partly_shipped_order_is_exported_with_what_is_left(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # given 2 of 5 mugs and the tee already shipped
    order = make_order("P-1", lines=FIVE_MUGS)
    _ship(order, MUG=2, TEE=1)

    # when ShipStation imports the order
    items = _items(store, order)

    # then it is offered the 3 mugs left, and the shipped tee not at all
    assert items == [("MUG", "3", _line_id(order, "MUG"))]


def test_the_option_sends_full_quantities(
    store: StoreClient,
    issued: IssuedCredentials,
    account: Account,
    make_order: Callable[..., Order],
) -> None:
    order = make_order("P-2", lines=FIVE_MUGS)
    _ship(order, MUG=2, TEE=1)
    update_integration(account, issued.integration.pk, OptionChanges(send_full_quantities=True))

    items = _items(store, order)

    assert items == [("MUG", "5", _line_id(order, "MUG")), ("TEE", "1", _line_id(order, "TEE"))]


def test_a_fully_shipped_order_is_exported_whole_so_shipstation_sees_it_shipped(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("P-3", lines=FIVE_MUGS)
    _ship(order, MUG=5, TEE=1)

    items = _items(store, order)

    assert items == [("MUG", "5", _line_id(order, "MUG")), ("TEE", "1", _line_id(order, "TEE"))]
    assert Order.objects.get(pk=order.pk).status == "shipped"


def _notice(order: Order, quantity: int) -> bytes:
    return (
        "<ShipNotice>"
        f"<OrderID>{order.pk}</OrderID><OrderNumber>{order.number}</OrderNumber>"
        "<Carrier>UPS</Carrier><TrackingNumber>1Z999</TrackingNumber>"
        f"<Items><Item><SKU>MUG</SKU><Quantity>{quantity}</Quantity>"
        f"<LineItemID>{_line_id(order, 'MUG')}</LineItemID></Item></Items>"
        "</ShipNotice>"
    ).encode()


def test_a_notice_shipping_more_than_is_left_is_recorded_as_an_over_shipment(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # given 2 of 5 mugs recorded in the hub
    order = make_order("P-4", lines=FIVE_MUGS)
    _ship(order, MUG=2)

    # when ShipStation reports all 5 shipped
    response = store.notify(_notice(order, 5))

    # then the 3 left are recorded, and the 2 extra are a visible problem, not dropped
    assert response.status_code == 200
    assert OrderLine.objects.get(order=order, sku="MUG").quantity_shipped == 5
    fulfillment = Fulfillment.objects.get(order=order, tracking_number="1Z999")
    assert fulfillment.over_shipped_units == 2
    event = OrderEvent.objects.get(order=order, kind="over_shipment")
    assert event.message == (
        "Over-shipped: 2 units more than were left to ship (MUG: 5 reported, 3 left)"
    )
    assert event.data == {
        "fulfillment_id": fulfillment.pk,
        "excess_units": 2,
        "lines": [{"line_id": int(_line_id(order, "MUG")), "sku": "MUG", "reported": 5, "left": 3}],
    }


def test_a_notice_within_what_is_left_is_no_over_shipment(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("P-5", lines=FIVE_MUGS)
    _ship(order, MUG=2)

    store.notify(_notice(order, 3))

    assert Fulfillment.objects.get(order=order, tracking_number="1Z999").over_shipped_units == 0
    assert not OrderEvent.objects.filter(order=order, kind="over_shipment").exists()
