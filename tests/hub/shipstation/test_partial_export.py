"""Partly shipped orders: ShipStation is offered what is left, and an over-shipment shows."""

from __future__ import annotations

from collections.abc import Callable

from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order, OrderEvent, OrderLine
from crossdock.hub.shipstation.services import IssuedCredentials, OptionChanges, update_integration
from tests.fixtures.shipstation import (
    FIVE_MUGS,
    StoreClient,
    exported_items,
    line_id,
    mug_notice,
    ship_units,
)


def _items(store: StoreClient, order: Order) -> list[tuple[str, ...]]:
    return exported_items(store, order, "SKU", "Quantity", "LineItemID")


def test_a_partly_shipped_order_is_exported_with_what_is_left(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # given 2 of 5 mugs and the tee already shipped
    order = make_order("P-1", lines=FIVE_MUGS)
    ship_units(order, MUG=2, TEE=1)

    # when ShipStation imports the order
    items = _items(store, order)

    # then it is offered the 3 mugs left, and the shipped tee not at all
    assert items == [("MUG", "3", line_id(order, "MUG"))]


def test_the_option_sends_full_quantities(
    store: StoreClient,
    issued: IssuedCredentials,
    account: Account,
    make_order: Callable[..., Order],
) -> None:
    order = make_order("P-2", lines=FIVE_MUGS)
    ship_units(order, MUG=2, TEE=1)
    update_integration(account, issued.integration.pk, OptionChanges(send_full_quantities=True))

    items = _items(store, order)

    assert items == [("MUG", "5", line_id(order, "MUG")), ("TEE", "1", line_id(order, "TEE"))]


def test_a_fully_shipped_order_is_exported_whole_so_shipstation_sees_it_shipped(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("P-3", lines=FIVE_MUGS)
    ship_units(order, MUG=5, TEE=1)

    items = _items(store, order)

    assert items == [("MUG", "5", line_id(order, "MUG")), ("TEE", "1", line_id(order, "TEE"))]
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_a_notice_shipping_more_than_is_left_is_recorded_as_an_over_shipment(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # given 2 of 5 mugs recorded in the hub
    order = make_order("P-4", lines=FIVE_MUGS)
    ship_units(order, MUG=2)

    # when ShipStation reports all 5 shipped
    response = store.notify(mug_notice(order, 5))

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
        "lines": [{"line_id": int(line_id(order, "MUG")), "sku": "MUG", "reported": 5, "left": 3}],
    }


def test_a_notice_within_what_is_left_is_no_over_shipment(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("P-5", lines=FIVE_MUGS)
    ship_units(order, MUG=2)

    store.notify(mug_notice(order, 3))

    assert Fulfillment.objects.get(order=order, tracking_number="1Z999").over_shipped_units == 0
    assert not OrderEvent.objects.filter(order=order, kind="over_shipment").exists()
