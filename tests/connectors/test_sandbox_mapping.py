"""The sandbox mapping against golden payloads: pure functions, no network."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crossdock.connectors.base import (
    ListingData,
    PushResult,
    ShipmentData,
    ShippedLine,
    StockLevel,
    ValidationError,
)
from crossdock.connectors.sandbox import mapping
from crossdock.core.dto import Address, Customer, Discount, LineData, LineOption, OrderData
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def test_a_sandbox_order_maps_every_field() -> None:
    order = mapping.parse_order(_golden("sandbox_order.json"))

    assert order == OrderData(
        number="NC-1042",
        external_id="SB7-1042",
        status=OrderStatus.PAID,
        placed_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        currency="EUR",
        customer=Customer(
            code="B-311", name="Zoë Ångström", email="zoe.7@example.com", phone="+46 8 555 010 20"
        ),
        bill_to=Address(
            name="Mary O'Neil",
            phone="+1 503-555-0142",
            email="zoe.7@example.com",
            address1="1120 SW 5th Ave",
            city="Portland",
            state="OR",
            postal_code="97205",
            country="US",
        ),
        ship_to=Address(
            name="Zoë Ångström",
            company="Ångström & Co AB",
            phone="+46 8 555 010 20",
            email="zoe.7@example.com",
            address1="Drottninggatan 12",
            address2="Apt 4",
            city="Stockholm",
            postal_code="111 51",
            country="SE",
        ),
        lines=(
            LineData(
                sku="MUG-FIKA",
                name="Stoneware mug “Fika”",
                quantity=2,
                unit_price=Decimal("14.50"),
                weight=Weight(Decimal("350"), WeightUnit.GRAM),
                image_url="https://picsum.photos/seed/mug/400",
                options=(LineOption("Colour", "Blå"),),
                external_id="NC-1042-L1",
            ),
            LineData(
                sku="TEA-TIN-9",
                name="Tea tin, smoked lapsang",
                quantity=1,
                unit_price=Decimal("9.90"),
                weight=Weight(Decimal("8"), WeightUnit.OUNCE),
                external_id="NC-1042-L2",
            ),
        ),
        payment_method="klarna",
        requested_shipping_service="Express",
        shipping_paid=Decimal("9.50"),
        tax=Decimal("6.96"),
        discounts=(Discount("VIP-5", "Loyal customer ]]> bonus", Decimal("3.90")),),
        gift=True,
        gift_message="Grattis på födelsedagen! 🎂",
        customer_notes="Ring twice <b>please</b>",
        internal_notes="Check engraving text",
        weight=Weight(Decimal("2.5"), WeightUnit.POUND),
        marketplace_order_id="SB7-1042",
    )


def test_a_shipment_renders_the_golden_request_body() -> None:
    shipment = ShipmentData(
        order_external_id="SB7-1042",
        carrier="other",
        carrier_name="OnTrac",
        service="Ground",
        tracking_number="C11133344455",
        ship_date=date(2026, 11, 21),
        lines=(ShippedLine("NC-1042-L1", "MUG-FIKA", 2), ShippedLine("NC-1042-L2", "TEA-TIN-9", 1)),
        note_to_buyer="Thanks — enjoy!",
        notify_buyer=False,
    )

    assert mapping.render_shipment(shipment) == _golden("sandbox_shipment_request.json")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"currency": "€"}, "currency '€' is not an ISO 4217 code"),
        ({"status": "lost"}, "status 'lost' is unknown"),
        ({"lines": []}, "the order has no lines"),
        ({"created_at": "2026-11-20 09:15"}, "created_at has no UTC offset: '2026-11-20 09:15'"),
        ({"shipping_price": "lots"}, "shipping_price is not a decimal amount: 'lots'"),
        ({"shipping_price": 9.5}, "shipping_price must be a decimal string, got 9.5"),
        (
            {"total_weight": {"value": "1", "unit": "stone"}},
            "total_weight.unit 'stone' is not g, kg, oz or lb",
        ),
        (
            {"total_weight": {"value": "-1", "unit": "kg"}},
            "total_weight: weight must be a finite, non-negative number, got -1",
        ),
        ({"buyer": "Zoë"}, "buyer is not an object"),
        (
            {"created_at": "0001-01-01T00:00:00+01:00"},
            "created_at is not an ISO 8601 timestamp: '0001-01-01T00:00:00+01:00'",
        ),
    ],
)
def test_one_bad_order_in_a_page_is_a_problem_not_a_failure(
    change: dict[str, Any], problem: str
) -> None:
    good = _golden("sandbox_order.json")
    bad = {**good, "id": "SB7-1043", **change}

    batch = mapping.parse_order_page({"orders": [bad, good], "next_page_token": "abc"})

    assert [(o.external_id, o.problem) for o in batch.orders] == [
        ("SB7-1043", problem),
        ("SB7-1042", ""),
    ]
    assert batch.orders[0].data is None
    assert batch.orders[1].data == mapping.parse_order(good)
    assert batch.next_page == "abc"


def test_a_bad_line_quantity_is_a_problem() -> None:
    good = _golden("sandbox_order.json")
    bad = {**good, "lines": [{**good["lines"][0], "quantity": 0}]}

    batch = mapping.parse_order_page({"orders": [bad], "next_page_token": None})

    assert batch.orders[0].problem == "lines[0].quantity must be a positive integer"


def test_a_country_that_is_not_an_iso_code_is_a_problem_naming_its_field() -> None:
    good = _golden("sandbox_order.json")
    bad = {**good, "shipping_address": {**good["shipping_address"], "country_code": "Ireland"}}

    batch = mapping.parse_order_page({"orders": [bad], "next_page_token": None})

    assert batch.orders[0].data is None
    assert batch.orders[0].problem == (
        "shipping_address.country_code: 'Ireland' is a country name: use its ISO 3166-1 code, IE"
    )


def test_an_unreadable_page_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="orders page has no orders list"):
        mapping.parse_order_page({"items": []})
    with pytest.raises(ValidationError, match=r"orders\[0\] has no id"):
        mapping.parse_order_page({"orders": [{"updated_at": "2026-11-20T09:15:00Z"}]})


def test_stock_listings_and_shipment_answers_map() -> None:
    assert mapping.render_stock([StockLevel("MUG-FIKA", 3)]) == {
        "items": [{"sku": "MUG-FIKA", "quantity": 3}]
    }
    assert mapping.parse_listings(
        {
            "listings": [
                {"id": "LST-1", "sku": "MUG", "title": "Mug", "price": "1.00", "quantity": 4}
            ]
        }
    ) == (ListingData("LST-1", "MUG", "Mug", 4, {"price": "1.00"}),)
    assert mapping.parse_shipment({"id": "SHP-9"}) == PushResult("SHP-9")
    assert mapping.parse_shipment_list({"shipments": []}) == ()
