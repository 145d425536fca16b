"""The WooCommerce mapping against golden fixtures written for these tests (pure, no I/O)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crossdock.connectors.base import (
    ListingData,
    ShipmentData,
    ShippedLine,
    StockLevel,
    StockResult,
    ValidationError,
)
from crossdock.connectors.woocommerce import mapping
from crossdock.core.dto import (
    Address,
    Customer,
    Discount,
    LineData,
    LineOption,
    OrderData,
    Refund,
    RefundLine,
)
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def test_an_order_maps_every_field_with_its_refunds_and_product_weights() -> None:
    weights = mapping.parse_weights(golden("products.json"), WeightUnit.KILOGRAM)

    order = mapping.parse_order(
        golden("order.json"), refunds=golden("refunds.json"), weights=weights, location="Main"
    )

    assert order == OrderData(
        number="1042",
        external_id="1042",
        status=OrderStatus.PAID,
        placed_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        currency="EUR",
        customer=Customer(
            code="7", name="Astrid Lindqvist", email="astrid@example.se", phone="+46 8 123 456"
        ),
        bill_to=Address(
            name="Astrid Lindqvist",
            company="Fika AB",
            phone="+46 8 123 456",
            email="astrid@example.se",
            address1="Drottninggatan 5",
            city="Stockholm",
            postal_code="111 51",
            country="SE",
        ),
        ship_to=Address(
            name="Astrid Lindqvist",
            phone="+46 70 555 0101",
            address1="Sveavägen 20",
            address2="lgh 1102",
            city="Stockholm",
            postal_code="111 57",
            country="SE",
        ),
        lines=(
            LineData(
                sku="MUG-FIKA",
                name="Fika Mug",
                quantity=2,
                unit_price=Decimal("14"),
                weight=Weight(Decimal("0.35"), WeightUnit.KILOGRAM),
                image_url="https://shop.example.com/wp-content/uploads/mug.jpg",
                location="Main",
                external_id="10421",
            ),
            LineData(
                sku="SCARF-BLUE",
                name="Wool Scarf - Blue",
                quantity=1,
                unit_price=Decimal("39"),
                weight=Weight(Decimal("0.2"), WeightUnit.KILOGRAM),
                image_url="https://shop.example.com/wp-content/uploads/scarf-blue.jpg",
                options=(LineOption("Color", "Blue"),),
                location="Main",
                external_id="10422",
            ),
        ),
        payment_method="Credit card (Stripe)",
        requested_shipping_service="PostNord MyPack",
        shipping_paid=Decimal("4.90"),
        tax=Decimal("13.38"),
        discounts=(Discount("welcome10", "Coupon welcome10", Decimal("5.00")),),
        customer_notes="Leave it with the neighbour at no. 12.",
        weight=Weight(Decimal("0.90"), WeightUnit.KILOGRAM),
        marketplace_order_id="1042",
        refunds=(
            Refund(
                external_id="1077",
                amount=Decimal("14.00"),
                reason="Arrived chipped",
                refunded_at=datetime(2026, 11, 22, 10, 30, tzinfo=UTC),
                lines=(RefundLine("10421", "MUG-FIKA", 1),),
            ),
        ),
    )


def test_the_refund_summary_on_the_order_is_read_when_no_detail_was_fetched() -> None:
    order = mapping.parse_order(golden("order.json"))

    assert order.refunds == (Refund("1077", Decimal("14.00"), "Arrived chipped"),)
    assert order.weight is None


@pytest.mark.parametrize(
    ("status", "expected", "cancelled_at", "reason"),
    [
        ("pending", OrderStatus.UNPAID, None, ""),
        ("on-hold", OrderStatus.ON_HOLD, None, ""),
        ("completed", OrderStatus.SHIPPED, None, ""),
        ("cancelled", OrderStatus.CANCELLED, datetime(2026, 11, 21, 8, 0, 5, tzinfo=UTC), ""),
        ("refunded", OrderStatus.CANCELLED, None, "refunded"),
    ],
)
def test_statuses_map_and_a_cancellation_carries_its_time(
    status: str, expected: OrderStatus, cancelled_at: datetime | None, reason: str
) -> None:
    order = mapping.parse_order({**golden("order.json"), "status": status})

    assert (order.status, order.cancelled_at, order.cancel_reason) == (
        expected,
        cancelled_at,
        reason,
    )


def test_an_order_partly_shipped_by_crossdock_is_partially_shipped() -> None:
    recorded = [{"key": "k1", "tracking_number": "T1", "lines": {"10421": 2}}]
    payload = golden("order.json")
    payload["meta_data"].append(
        {"id": 9, "key": mapping.SHIPMENTS_META, "value": json.dumps(recorded)}
    )

    assert mapping.parse_order(payload).status == OrderStatus.PARTIALLY_SHIPPED


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"status": "wc-custom-packing"}, "status 'wc-custom-packing' is not a WooCommerce"),
        ({"currency": "euro"}, "currency 'euro' is not an ISO 4217 code"),
        ({"line_items": []}, "the order has no line items"),
        ({"date_created_gmt": "yesterday"}, "date_created_gmt is not an ISO 8601 time"),
        ({"shipping_total": "4,90"}, "shipping_total is not a decimal amount"),
    ],
)
def test_one_unreadable_order_is_a_problem_naming_the_field(
    change: dict[str, Any], problem: str
) -> None:
    pulled = mapping.pulled({**golden("order.json"), **change}, 0)

    assert pulled.data is None
    assert pulled.problem.startswith(problem)
    assert (pulled.external_id, pulled.updated_at) == (
        "1042",
        datetime(2026, 11, 21, 8, 0, 5, tzinfo=UTC),
    )


def test_an_order_without_an_id_or_change_time_makes_the_page_unreadable() -> None:
    with pytest.raises(ValidationError, match=r"orders\[3\].date_modified_gmt is missing"):
        mapping.pulled({**golden("order.json"), "date_modified_gmt": None}, 3)


SHIPMENT = ShipmentData(
    order_external_id="1042",
    carrier="USPS",
    service="Priority Mail",
    tracking_number="9405511899223197428490",
    ship_date=date(2026, 11, 23),
    lines=(ShippedLine("10421", "MUG-FIKA", 2),),
    tracking_url="https://tools.usps.com/tracking/9405511899223197428490",
    note_to_buyer="Thanks for shopping with us!",
)


def test_a_mapped_carrier_is_a_tracking_provider_and_an_unknown_one_a_custom_provider() -> None:
    unknown = ShipmentData(**{**_fields(SHIPMENT), "carrier": "", "carrier_name": "Bring"})

    assert mapping.render_tracking(SHIPMENT) == {
        "tracking_number": "9405511899223197428490",
        "tracking_provider": "USPS",
        "date_shipped": "2026-11-23",
    }
    assert mapping.render_tracking(unknown) == {
        "tracking_number": "9405511899223197428490",
        "custom_tracking_provider": "Bring",
        "custom_tracking_link": "https://tools.usps.com/tracking/9405511899223197428490",
        "date_shipped": "2026-11-23",
    }


def _fields(shipment: ShipmentData) -> dict[str, Any]:
    return {name: getattr(shipment, name) for name in ShipmentData.__dataclass_fields__}


def test_the_note_says_what_shipped_how_and_whether_the_buyer_hears_of_it() -> None:
    note = mapping.render_note(SHIPMENT, mapping.line_titles(golden("order.json")))

    assert note == {
        "note": "Shipped 2 × Fika Mug with USPS (Priority Mail), tracking "
        "9405511899223197428490. Track it: "
        "https://tools.usps.com/tracking/9405511899223197428490 Thanks for shopping with us!",
        "customer_note": True,
    }


def test_the_order_completes_only_when_every_line_has_shipped() -> None:
    ordered = mapping.ordered_quantities(golden("order.json"))
    first = mapping.shipment_entry(SHIPMENT, "key-1", "trk1")
    rest = ShipmentData(**{**_fields(SHIPMENT), "lines": (ShippedLine("10422", "SCARF-BLUE", 1),)})

    partial = mapping.render_order_update([], first, ordered, "processing")
    whole = mapping.render_order_update(
        [first], mapping.shipment_entry(rest, "key-2", ""), ordered, "processing"
    )

    assert partial == {
        "meta_data": [
            {
                "key": mapping.SHIPMENTS_META,
                "value": '[{"key":"key-1","tracking_number":"9405511899223197428490",'
                '"tracking_id":"trk1","carrier":"USPS","lines":{"10421":2}}]',
            }
        ]
    }
    assert whole["status"] == "completed"
    assert mapping.shipped_quantities(json.loads(whole["meta_data"][0]["value"])) == {
        "10421": 2,
        "10422": 1,
    }


def test_listings_are_products_and_variations_with_skus() -> None:
    products = golden("products.json")

    simple = [mapping.parse_listing(product) for product in products]
    variations = [mapping.parse_listing(v, parent=products[1]) for v in golden("variations.json")]

    assert simple[1] is None  # the variable product itself has no SKU
    assert simple[0] == ListingData("11", "MUG-FIKA", "Fika Mug", 12, {"price": "14.00"})
    assert variations[0] == ListingData(
        "12/121", "SCARF-BLUE", "Wool Scarf — Blue", 5, {"price": "39.00"}
    )


def test_a_stock_batch_answers_one_result_per_level_with_the_refusals_named() -> None:
    levels = [(11, StockLevel("MUG-FIKA", 4, "11")), (99, StockLevel("GONE", 1, "99"))]
    answer = {
        "update": [
            {"id": 11, "stock_quantity": 4},
            {
                "id": 99,
                "error": {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID."},
            },
        ]
    }

    assert mapping.render_stock_batch(levels) == {
        "update": [
            {"id": 11, "manage_stock": True, "stock_quantity": 4},
            {"id": 99, "manage_stock": True, "stock_quantity": 1},
        ]
    }
    assert mapping.parse_stock_batch(answer, levels) == [
        StockResult("MUG-FIKA", "11", ok=True, quantity=4),
        StockResult("GONE", "99", ok=False, problem="Invalid ID."),
    ]
