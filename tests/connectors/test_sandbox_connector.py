"""The sandbox connector end to end against the in-process sandbox marketplace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from crossdock.connectors.base import (
    AuthenticationError,
    ChannelConfig,
    RetryableError,
    ShipmentData,
    ShippedLine,
    StockLevel,
    ValidationError,
)
from crossdock.connectors.sandbox.connector import SPEC, SandboxConnector
from crossdock.sandbox import services
from crossdock.sandbox.models import SandboxListing, SandboxShipment
from tests.fixtures.sandbox import BASE_URL, make_shop, sandbox_http

pytestmark = pytest.mark.django_db


def _connector(token: str) -> SandboxConnector:
    built = SPEC.build(sandbox_http(), ChannelConfig({"base_url": BASE_URL}, {"api_token": token}))
    assert isinstance(built, SandboxConnector)
    return built


def test_orders_are_fetched_page_by_page_since_a_time() -> None:
    shop, token = make_shop()
    old = timezone.now() - timedelta(hours=2)
    services.generate_orders(shop, 1, now=old)
    services.generate_orders(shop, 2)
    connector = _connector(token)

    batch = connector.fetch_orders(old + timedelta(minutes=1), None)

    assert [o.data.number for o in batch.orders if o.data] == ["NC-1002", "NC-1003"]
    assert batch.next_page is None


def test_a_shipment_is_pushed_found_by_key_and_not_pushed_twice() -> None:
    shop, token = make_shop()
    order = services.generate_orders(shop, 1)[0]
    connector = _connector(token)
    shipment = ShipmentData(
        order_external_id=order.public_id,
        carrier="ups",
        service="ground",
        tracking_number="1Z999",
        ship_date=None,
        lines=tuple(
            ShippedLine(line["id"], line["sku"], line["quantity"])
            for line in order.document["lines"]
        ),
    )

    assert connector.find_shipment(order.public_id, "key-1") is None
    pushed = connector.push_shipment(shipment, "key-1")
    again = connector.push_shipment(shipment, "key-1")

    assert pushed == again
    assert connector.find_shipment(order.public_id, "key-1") == pushed
    assert SandboxShipment.objects.count() == 1


def test_stock_is_set_and_listings_read_back() -> None:
    shop, token = make_shop()
    connector = _connector(token)

    results = connector.set_stock([StockLevel("MUG-FIKA", 5), StockLevel("TEA-TIN-9", 0)])

    assert [(result.sku, result.ok, result.quantity) for result in results] == [
        ("MUG-FIKA", True, 5),
        ("TEA-TIN-9", True, 0),
    ]

    listings = {listing.sku: listing.quantity for listing in connector.fetch_listings()}
    assert (listings["MUG-FIKA"], listings["TEA-TIN-9"]) == (5, 0)
    assert SandboxListing.objects.get(shop=shop, sku="MUG-FIKA").quantity == 5
    with pytest.raises(ValidationError):
        connector.set_stock([StockLevel("NOPE", 1)])


def test_failures_arrive_typed() -> None:
    _, token = make_shop(rate_limit_rate="1", retry_after_seconds=4)

    with pytest.raises(RetryableError) as limited:
        _connector(token).fetch_orders(None, None)
    with pytest.raises(AuthenticationError):
        _connector("sbx_wrong").fetch_orders(None, None)

    assert limited.value.retry_after == 4.0
