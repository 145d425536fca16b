"""BigCommerce's answers ⇄ Crossdock's values, against golden fixtures: pure, no network."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from crossdock.connectors.base import (
    ListingData,
    ShipmentData,
    ShippedLine,
    StockLevel,
    ValidationError,
)
from crossdock.connectors.bigcommerce import inventory, orders, shipments, wire
from crossdock.connectors.bigcommerce.orders import OrderParts
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
from tests.connectors.bigcommerce.support import golden

IMAGE = "https://cdn11.bigcommerce.com/s-abc123xyz/products/77/images/301/mug-blue.jpg"


def _parts(**changes: object) -> OrderParts:
    parts = OrderParts(
        order=golden("order.json"),
        products=golden("order_products.json"),
        shipping_addresses=golden("order_shipping_addresses.json"),
        coupons=golden("order_coupons.json"),
        weight_unit=golden("store.json")["weight_units"],
        images={301: IMAGE},
    )
    return replace(parts, **changes)  # type: ignore[arg-type]


def test_the_golden_order_maps_every_feature() -> None:
    order = orders.parse_order(_parts())

    bill_to = Address(
        name="Astrid Lindqvist",
        company="Fika & Co",
        phone="+1 207 555 0142",
        email="astrid@fika.example",
        address1="12 Harbor Lane",
        address2="Suite 4",
        city="Portland",
        state="Maine",
        postal_code="04101",
        country="US",
    )
    assert order == OrderData(
        number="2201",
        external_id="2201",
        status=OrderStatus.PAID,
        placed_at=datetime(2026, 11, 20, 9, 15, 4, tzinfo=UTC),
        currency="USD",
        customer=Customer(
            code="57", name="Astrid Lindqvist", email="astrid@fika.example", phone="+1 207 555 0142"
        ),
        bill_to=bill_to,
        ship_to=Address(
            name="Maja Berg",
            phone="+1 802 555 0199",
            email="maja@berg.example",
            address1="48 Birch Street",
            city="Burlington",
            state="Vermont",
            postal_code="05401",
            country="US",
        ),
        lines=(
            LineData(
                sku="MUG-FIKA-BLU",
                name="Fika Mug",
                quantity=2,
                unit_price=Decimal("24.00"),
                weight=Weight(Decimal("12"), WeightUnit.OUNCE),
                image_url=IMAGE,
                options=(
                    LineOption("Color", "Blue"),
                    LineOption("Gift wrapping", "Linen gift wrap"),
                ),
                location="A-03-2",
                external_id="5101",
                upc="0735745123452",
            ),
            LineData(
                sku="TEA-TIN-250",
                name="Cardamom Tea Tin",
                quantity=1,
                unit_price=Decimal("33.00"),
                weight=Weight(Decimal("9.5"), WeightUnit.OUNCE),
                options=(LineOption("Size", "250 g"),),
                location="B-11-1",
                external_id="5102",
            ),
        ),
        payment_method="Credit Card",
        requested_shipping_service="UPS Ground",
        shipping_paid=Decimal("9.95"),
        tax=Decimal("7.12"),
        discounts=(
            Discount(code="WELCOME10", description="Coupon", amount=Decimal("8.00")),
            Discount(code="", description="Discount", amount=Decimal("2.00")),
        ),
        gift=True,
        gift_message="Happy birthday, Maja!",
        customer_notes="Please leave the parcel at the side door.",
        internal_notes="VIP: add a sample sachet",
    )


@pytest.mark.parametrize(
    ("status_id", "expected"),
    [
        (0, OrderStatus.UNPAID),
        (1, OrderStatus.UNPAID),
        (2, OrderStatus.SHIPPED),
        (3, OrderStatus.PARTIALLY_SHIPPED),
        (4, OrderStatus.CANCELLED),
        (5, OrderStatus.CANCELLED),
        (6, OrderStatus.CANCELLED),
        (7, OrderStatus.UNPAID),
        (8, OrderStatus.PAID),
        (9, OrderStatus.PAID),
        (10, OrderStatus.SHIPPED),
        (11, OrderStatus.PAID),
        (12, OrderStatus.ON_HOLD),
        (13, OrderStatus.ON_HOLD),
        (14, OrderStatus.PAID),
    ],
)
def test_every_bigcommerce_status_has_its_hub_status(status_id: int, expected: OrderStatus) -> None:
    order = {**golden("order.json"), "status_id": status_id}

    assert orders.parse_order(_parts(order=order)).status == expected


def test_an_unknown_status_names_it() -> None:
    order = {**golden("order.json"), "status_id": 42}

    with pytest.raises(ValidationError, match="status_id 42 is not a BigCommerce order status"):
        orders.parse_order(_parts(order=order))


def test_a_cancelled_order_carries_when_and_why() -> None:
    order = {**golden("order.json"), "status_id": 5, "status": "Cancelled"}

    parsed = orders.parse_order(_parts(order=order))

    assert (parsed.status, parsed.cancelled_at, parsed.cancel_reason) == (
        OrderStatus.CANCELLED,
        datetime(2026, 11, 20, 10, 2, 41, tzinfo=UTC),
        "Cancelled",
    )


def test_an_archived_order_is_cancelled_whatever_its_status() -> None:
    order = {**golden("order.json"), "is_deleted": True}

    parsed = orders.parse_order(_parts(order=order))

    assert (parsed.status, parsed.cancel_reason) == (OrderStatus.CANCELLED, "Archived")


def test_refunds_read_one_by_one_keep_their_ids_amounts_reasons_and_lines() -> None:
    order = {**golden("order.json"), "status_id": 14, "refunded_amount": "29.0000"}

    parsed = orders.parse_order(_parts(order=order, refunds=golden("order_refunds.json")["data"]))

    assert parsed.status == OrderStatus.PAID
    assert parsed.refunds == (
        Refund(
            external_id="31",
            amount=Decimal("24.00"),
            reason="Mug arrived chipped",
            refunded_at=datetime(2026, 11, 22, 15, 4, 5, tzinfo=UTC),
            lines=(RefundLine("5101", "", 1),),
        ),
        Refund(
            external_id="32",
            amount=Decimal("5.00"),
            reason="Late delivery",
            refunded_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        ),
    )


def test_without_the_refunds_themselves_the_refunded_total_is_one_refund() -> None:
    order = {**golden("order.json"), "status_id": 14, "refunded_amount": "24.0000"}
    products = golden("order_products.json")
    products[0].update(quantity_refunded=1, refund_amount="24.0000")

    parsed = orders.parse_order(_parts(order=order, products=products))

    assert parsed.refunds == (
        Refund(
            external_id="2201-refunded",
            amount=Decimal("24.00"),
            lines=(RefundLine("5101", "MUG-FIKA-BLU", 1),),
        ),
    )


def test_an_order_of_digital_goods_only_has_nothing_to_ship() -> None:
    products = [p for p in golden("order_products.json") if p["type"] == "digital"]

    with pytest.raises(ValidationError, match="nothing to ship"):
        orders.parse_order(_parts(products=products))


def test_a_bad_country_names_the_address_field() -> None:
    addresses = golden("order_shipping_addresses.json")
    addresses[0]["country_iso2"] = "XX"

    with pytest.raises(ValidationError, match=r"shipping_addresses\[0\]\.country_iso2"):
        orders.parse_order(_parts(shipping_addresses=addresses))


def test_an_order_without_shipping_address_ships_to_the_billing_address() -> None:
    parsed = orders.parse_order(_parts(shipping_addresses=()))

    assert (parsed.ship_to, parsed.requested_shipping_service) == (parsed.bill_to, "")


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("KGS", Weight(Decimal("12"), WeightUnit.KILOGRAM)),
        ("Grams", Weight(Decimal("12"), WeightUnit.GRAM)),
        ("LBS", Weight(Decimal("12"), WeightUnit.POUND)),
        ("Tonnes", Weight(Decimal("12000"), WeightUnit.KILOGRAM)),
    ],
)
def test_line_weights_are_in_the_stores_unit(unit: str, expected: Weight) -> None:
    assert orders.parse_order(_parts(weight_unit=unit)).lines[0].weight == expected


def test_an_unknown_store_weight_unit_is_named() -> None:
    with pytest.raises(ValidationError, match="store weight_units 'Stones'"):
        orders.weight_unit({"weight_units": "Stones"})


def test_dates_read_rfc_2822_and_iso_and_filters_floor_to_the_second() -> None:
    assert wire.parse_date("Wed, 10 Jan 2018 21:05:30 -0400", "d") == datetime(
        2018, 1, 11, 1, 5, 30, tzinfo=UTC
    )
    assert wire.parse_date("2018-01-10T21:05:30Z", "d") == datetime(
        2018, 1, 10, 21, 5, 30, tzinfo=UTC
    )
    assert wire.format_date(datetime(2018, 1, 10, 21, 5, 30, 999999, tzinfo=UTC)) == (
        "2018-01-10T21:05:30+00:00"
    )
    with pytest.raises(ValidationError, match="date_modified is not a date"):
        wire.parse_date("yesterday", "date_modified")


def _lines() -> dict[int, shipments.OrderLine]:
    return shipments.parse_order_lines(golden("order_products.json"))


def _shipment(**changes: object) -> ShipmentData:
    shipment = ShipmentData(
        order_external_id="2201",
        carrier="ups",
        service="Ground",
        tracking_number="1Z999AA10123456784",
        ship_date=date(2026, 11, 21),
        lines=(ShippedLine("5101", "MUG-FIKA-BLU", 2),),
    )
    return replace(shipment, **changes)  # type: ignore[arg-type]


def test_a_mapped_carrier_travels_as_bigcommerces_provider_code() -> None:
    assert shipments.render_shipments(_shipment(), _lines()) == {
        1301: golden("shipment_request.json")
    }


def test_an_unknown_carrier_travels_as_no_provider_with_its_name_and_tracking_link() -> None:
    shipment = _shipment(
        carrier="",
        carrier_name="Kit Express",
        service="Overnight",
        tracking_url="https://track.example/KX1",
        note_to_buyer="Thanks for your order!",
    )

    body = shipments.render_shipments(shipment, _lines())[1301]

    assert (body["shipping_provider"], body["tracking_carrier"]) == ("", "")
    assert body["comments"] == "Thanks for your order!\nShipped with Kit Express Overnight."
    assert body["tracking_link"] == "https://track.example/KX1"


def test_lines_on_two_addresses_make_one_shipment_each() -> None:
    products = golden("order_products.json")
    products[1]["order_address_id"] = 1302
    lines = shipments.parse_order_lines(products)
    shipment = _shipment(
        lines=(ShippedLine("5101", "MUG-FIKA-BLU", 2), ShippedLine("5102", "TEA-TIN-250", 1))
    )

    bodies = shipments.render_shipments(shipment, lines)

    assert {address: body["items"] for address, body in bodies.items()} == {
        1301: [{"order_product_id": 5101, "quantity": 2}],
        1302: [{"order_product_id": 5102, "quantity": 1}],
    }


def test_a_shipment_without_lines_ships_everything_left() -> None:
    products = golden("order_products.json")
    products[0]["quantity_shipped"] = 1

    bodies = shipments.render_shipments(_shipment(lines=()), shipments.parse_order_lines(products))

    assert bodies[1301]["items"] == [
        {"order_product_id": 5101, "quantity": 1},
        {"order_product_id": 5102, "quantity": 1},
        {"order_product_id": 5103, "quantity": 1},
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tracking_number": "9" * 51}, "tracking_number is longer than BigCommerce's 50"),
        (
            {"lines": (ShippedLine("SB-1", "X", 1),)},
            "line 'SB-1' is not a BigCommerce order product id",
        ),
        ({"lines": (ShippedLine("999", "X", 1),)}, "line 999 is not a product of order 2201"),
    ],
)
def test_a_shipment_bigcommerce_cannot_take_is_refused_before_sending(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        shipments.render_shipments(_shipment(**changes), _lines())


def test_an_existing_shipment_is_recognised_by_address_and_tracking_number() -> None:
    existing = shipments.parse_shipments(golden("order_shipments.json"))
    body = shipments.render_shipments(_shipment(), _lines())[1301]

    assert [found.id for found in existing if shipments.same_shipment(found, body)] == [11]
    other = {**body, "tracking_number": "1Z999AA10123456785"}
    assert [found.id for found in existing if shipments.same_shipment(found, other)] == []


def test_listings_are_variants_or_whole_products_with_the_locations_quantity() -> None:
    listings = inventory.parse_listings(
        golden("catalog_products.json")["data"],
        inventory.parse_location_quantities(golden("location_items.json")["data"]),
    )

    assert listings == (
        ListingData(
            "301",
            "MUG-FIKA-BLU",
            "Fika Mug (Blue)",
            9,
            {"product_id": "77", "inventory_tracking": "variant"},
        ),
        ListingData(
            "302",
            "MUG-FIKA-RED",
            "Fika Mug (Red)",
            0,
            {"product_id": "77", "inventory_tracking": "variant"},
        ),
        ListingData(
            "product:78",
            "TEA-TIN-250",
            "Cardamom Tea Tin",
            31,
            {"product_id": "78", "inventory_tracking": "product"},
        ),
    )


def test_stock_levels_become_one_absolute_adjustment_at_the_location() -> None:
    levels = [
        StockLevel("MUG-FIKA-BLU", 7, external_id="301"),
        StockLevel("TEA-TIN-250", 0, external_id="product:78"),
        StockLevel("LOOSE-SKU", 3),
    ]

    assert inventory.render_adjustment(levels, 2) == golden("adjustment_request.json")


@pytest.mark.parametrize(
    ("level", "problem"),
    [
        (StockLevel("A", -1, "301"), "quantity -1 is negative"),
        (StockLevel("A", 2**31, "301"), "above BigCommerce's limit"),
        (StockLevel("", 1), "neither a BigCommerce id nor a SKU"),
        (StockLevel("A", 1, "gid://x"), "'gid://x' is not a BigCommerce variant or product id"),
    ],
)
def test_a_level_bigcommerce_cannot_take_is_named(level: StockLevel, problem: str) -> None:
    assert problem in inventory.level_problem(level)
