"""The order page and the dashboard against ShipStation: over-shipments and the weight sent."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from crossdock.core.actors import SYSTEM
from crossdock.core.dto import LineData
from crossdock.core.weights import Weight, WeightUnit
from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.services import Shipment, ShipmentLine, record_fulfillment
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.orders.services import create_order
from crossdock.hub.shipstation.services import IntegrationOptions, create_integration
from tests.fixtures.shipstation import (
    FIVE_MUGS,
    StoreClient,
    exported_items,
    mug_notice,
    ship_units,
)
from tests.fixtures.shipstation import order_data as shipstation_order_data


@pytest.fixture
def store(account: Account) -> StoreClient:
    return StoreClient(create_integration(account, "Main store", IntegrationOptions()))


@pytest.fixture
def make_order(account: Account) -> Callable[..., Order]:
    def make(number: str, **changes: object) -> Order:
        return create_order(account, shipstation_order_data(number, **changes), SYSTEM)

    return make


def test_an_over_shipment_is_flagged_on_the_order_page_and_the_dashboard(
    web: Client, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("P-6", lines=FIVE_MUGS)
    ship_units(order, MUG=2)
    store.notify(mug_notice(order, 5))

    page = web.get(f"/orders/{order.pk}/").content.decode()
    dashboard = web.get("/").content.decode()

    assert 'data-testid="over-shipped"' in page
    assert "Shipments reported 2 units more than were left to ship" in page
    assert "Over-shipped: 2 units more than were left to ship" in page
    assert 'data-testid="over-shipped"' in dashboard
    assert f'href="/orders/{order.pk}/">P-6</a>: a shipment reported 2 units more' in dashboard


def test_an_order_without_over_shipment_has_no_flag(
    web: Client, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("P-7", lines=FIVE_MUGS)
    store.notify(mug_notice(order, 5))

    page = web.get(f"/orders/{order.pk}/").content.decode()
    dashboard = web.get("/").content.decode()

    assert 'data-testid="over-shipped"' not in page
    assert 'data-testid="over-shipped"' not in dashboard


# --- weight ------------------------------------------------------------------------------

LIGHT_MUGS = (
    LineData(
        sku="MUG",
        name="Mug",
        quantity=2,
        unit_price=Decimal("10.00"),
        weight=Weight(Decimal("90"), WeightUnit.GRAM),
    ),
)


def _weights(store: StoreClient, order: Order) -> list[tuple[str, ...]]:
    return exported_items(store, order, "Weight", "WeightUnits", "Quantity")


def test_an_entered_order_weight_is_what_shipstation_receives_and_what_the_page_shows(
    web: Client, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # given lines weighing 2 × 90 g and a packed weight of 0.75 kg entered on the order
    order = make_order(
        "W-1", lines=LIGHT_MUGS, discounts=(), weight=Weight(Decimal("0.75"), WeightUnit.KILOGRAM)
    )

    # when ShipStation imports it and the merchant opens the order
    weights = _weights(store, order)
    page = web.get(f"/orders/{order.pk}/").content.decode()

    # then both say 750 g: 2 units × 375 g, and the page says why it is not 180 g
    assert weights == [("375.00", "Grams", "2")]
    assert (
        '<dd data-testid="shipstation-weight">750 g <span class="muted small" '
        'data-testid="shipstation-weight-why">(the order weight entered; the lines add up to '
        "180 g)</span></dd>"
    ) in page


def test_without_an_order_weight_the_lines_go_and_the_page_says_so(
    web: Client, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("W-2", lines=LIGHT_MUGS, discounts=(), weight=None)

    weights = _weights(store, order)
    page = web.get(f"/orders/{order.pk}/").content.decode()

    assert weights == [("90.00", "Grams", "2")]
    assert "180 g <span" in page
    assert "(the sum of the lines; no order weight entered)" in page


def test_a_partly_shipped_order_sends_the_lines_weight_of_what_is_left(
    web: Client, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order(
        "W-3", lines=LIGHT_MUGS, discounts=(), weight=Weight(Decimal("0.75"), WeightUnit.KILOGRAM)
    )
    record_fulfillment(
        order.account,
        order.pk,
        Shipment(
            tracking_number="T-1", lines=(ShipmentLine(quantity=1, line_id=_line_id_int(order)),)
        ),
        SYSTEM,
    )

    weights = _weights(store, order)
    page = web.get(f"/orders/{order.pk}/").content.decode()

    assert weights == [("90.00", "Grams", "1")]
    assert (
        '90 g <span class="muted small" data-testid="shipstation-weight-why">(the sum of the '
        "lines&#x27; weights for the 1 unit left to ship; the order weight entered (750 g) "
        "is for the whole order)"
    ) in page


def _line_id_int(order: Order) -> int:
    return OrderLine.objects.get(order=order, sku="MUG").pk
