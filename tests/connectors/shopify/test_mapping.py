"""The Shopify mapping against golden answers written for these tests: pure, no network."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crossdock.connectors.base import (
    ListingData,
    RetryableError,
    ShipmentData,
    ShippedLine,
    ValidationError,
)
from crossdock.connectors.shopify import mapping
from crossdock.connectors.shopify.client import (
    ShopDomainError,
    normalise_shop_domain,
    raise_for_errors,
)
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


def _golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def _order(**changes: Any) -> dict[str, Any]:
    order: dict[str, Any] = _golden("order.json")["order"]
    order.update(changes)
    return order


def test_a_shopify_order_maps_every_feature() -> None:
    order = mapping.parse_order(_golden("order.json")["order"])

    assert order == OrderData(
        number="1042",
        external_id="gid://shopify/Order/5512345678901",
        status=OrderStatus.PAID,
        placed_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        currency="EUR",
        customer=Customer(
            code="gid://shopify/Customer/7311",
            name="Zoë Ångström",
            email="zoe.7@example.com",
            phone="+46 70 555 01 20",
        ),
        bill_to=Address(
            name="Mary O'Neil",
            phone="+1 503-555-0142",
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
            address1="Drottninggatan 12",
            address2="Apt 4",
            city="Stockholm",
            postal_code="111 51",
            country="SE",
        ),
        lines=(
            LineData(
                sku="MUG-FIKA-BL-L",
                name="Stoneware mug “Fika” - Blue / Large",
                quantity=2,
                unit_price=Decimal("14.5"),
                weight=Weight(Decimal("350.0"), WeightUnit.GRAM),
                image_url="https://cdn.shopify.com/s/files/1/0612/products/mug-fika-blue.jpg?v=1700000000",
                options=(LineOption("Color", "Blue"), LineOption("Size", "Large")),
                location="Stockholm warehouse",
                external_id="gid://shopify/LineItem/13311",
                upc="7350012345678",
            ),
            LineData(
                sku="TEA-TIN-9",
                name="Tea tin",
                quantity=1,
                unit_price=Decimal("9.9"),
                weight=Weight(Decimal("4.2"), WeightUnit.OUNCE),
                location="Göteborg shop",
                external_id="gid://shopify/LineItem/13312",
            ),
            LineData(
                sku="",
                name="Engraving",
                quantity=1,
                unit_price=Decimal("5.0"),
                location="Stockholm warehouse",
                external_id="gid://shopify/LineItem/13313",
            ),
        ),
        payment_method="shopify_payments, gift_card",
        requested_shipping_service="Express (1–2 days)",
        shipping_paid=Decimal("9.5"),
        tax=Decimal("6.96"),
        discounts=(
            Discount("VIP-5", "discount code", Decimal("3.9")),
            Discount("", "Shipping 2 € off", Decimal("2.0")),
            Discount("", "Goodwill (Late delivery last time)", Decimal("1.0")),
        ),
        customer_notes="Ring twice <b>please</b> – gift wrap if you can 🎁",
        internal_notes="VIP, wholesale",
        weight=Weight(Decimal("1134"), WeightUnit.GRAM),
        marketplace_order_id="#1042",
        extra={"source_name": "web", "attribute:Delivery date": "2026-11-24"},
        refunds=(
            Refund(
                external_id="gid://shopify/Refund/90011",
                amount=Decimal("11.6"),
                reason="One mug arrived broken",
                refunded_at=datetime(2026, 11, 20, 10, 0, 5, tzinfo=UTC),
                lines=(RefundLine("gid://shopify/LineItem/13311", "MUG-FIKA-BL-L", 1),),
            ),
        ),
    )


def test_a_cancelled_order_carries_when_and_why() -> None:
    order = mapping.parse_order(
        _order(cancelledAt="2026-11-21T08:00:00+01:00", cancelReason="INVENTORY")
    )

    assert (order.status, order.cancelled_at, order.cancel_reason) == (
        OrderStatus.CANCELLED,
        datetime(2026, 11, 21, 7, 0, tzinfo=UTC),
        "inventory",
    )


@pytest.mark.parametrize(
    ("financial", "fulfilment", "status"),
    [
        ("PAID", "FULFILLED", OrderStatus.SHIPPED),
        ("PAID", "PARTIALLY_FULFILLED", OrderStatus.PARTIALLY_SHIPPED),
        ("PAID", "ON_HOLD", OrderStatus.ON_HOLD),
        ("AUTHORIZED", "UNFULFILLED", OrderStatus.PAID),
        ("PENDING", "UNFULFILLED", OrderStatus.UNPAID),
        ("REFUNDED", "UNFULFILLED", OrderStatus.ON_HOLD),
    ],
)
def test_statuses_follow_fulfilment_then_payment(
    financial: str, fulfilment: str, status: OrderStatus
) -> None:
    order = _order(displayFinancialStatus=financial, displayFulfillmentStatus=fulfilment)

    assert mapping.parse_order(order).status == status


def test_a_bad_order_is_a_problem_naming_the_field_not_a_failed_page() -> None:
    bad = _order(shippingAddress={**_order()["shippingAddress"], "countryCodeV2": "XX"})

    pulled = mapping.pulled_order(bad, "order")

    assert pulled.data is None
    assert pulled.problem.startswith("shippingAddress.countryCodeV2: ")


def test_an_order_with_more_lines_than_read_is_a_problem_not_a_short_order() -> None:
    order = _order()
    order["lineItems"]["pageInfo"]["hasNextPage"] = True

    pulled = mapping.pulled_order(order, "order")

    assert (
        pulled.problem == "the order has more than 25 lines, more than Crossdock reads from Shopify"
    )


def test_the_change_list_gives_ids_times_and_the_next_cursor() -> None:
    changed, cursor = mapping.parse_changed_orders(_golden("orders_page.json"))

    assert changed == (
        mapping.ChangedOrder(
            "gid://shopify/Order/5512345678900", datetime(2026, 11, 20, 9, 58, 2, tzinfo=UTC)
        ),
        mapping.ChangedOrder(
            "gid://shopify/Order/5512345678901", datetime(2026, 11, 20, 10, 2, 31, tzinfo=UTC)
        ),
    )
    assert cursor == _golden("orders_page.json")["orders"]["pageInfo"]["endCursor"]


def test_the_orders_search_is_inclusive_and_in_utc() -> None:
    since = datetime.fromisoformat("2026-11-20T10:00:00.750+01:00")

    assert mapping.orders_search(since) == "updated_at:>='2026-11-20T09:00:00Z'"
    assert mapping.orders_search(None) is None


def _shipment(**changes: Any) -> ShipmentData:
    values: dict[str, Any] = {
        "order_external_id": "gid://shopify/Order/5512345678901",
        "carrier": "USPS",
        "service": "Priority Mail",
        "tracking_number": "9405511899223197428490",
        "ship_date": None,
        "lines": (
            ShippedLine("gid://shopify/LineItem/13311", "MUG-FIKA-BL-L", 1),
            ShippedLine("gid://shopify/LineItem/13312", "TEA-TIN-9", 1),
        ),
        "tracking_url": "https://tools.usps.com/go/TrackConfirmAction?tLabels=9405511899223197428490",
        "notify_buyer": False,
    }
    values.update(changes)
    return ShipmentData(**values)


def test_shipped_lines_go_to_their_open_fulfilment_orders_one_request_per_location() -> None:
    state = mapping.parse_fulfillment_orders(_golden("fulfillment_orders.json"), "unused")
    shipment = _shipment()

    plan = mapping.allocate(shipment.lines, state.open_orders)

    assert [mapping.render_fulfillment(shipment, groups) for groups in plan.values()] == _golden(
        "fulfillment_input.json"
    )
    assert state.tracked == {"00370000000000000001": "gid://shopify/Fulfillment/70001"}
    assert [fo.id for fo in state.open_orders] == [
        "gid://shopify/FulfillmentOrder/80001",
        "gid://shopify/FulfillmentOrder/80002",
    ]


def test_a_line_not_open_anywhere_is_refused_by_name() -> None:
    state = mapping.parse_fulfillment_orders(_golden("fulfillment_orders.json"), "unused")

    with pytest.raises(ValidationError) as refused:
        mapping.allocate((ShippedLine("gid://shopify/LineItem/999", "GONE", 1),), state.open_orders)

    assert str(refused.value) == (
        "line 'gid://shopify/LineItem/999' is not open for fulfilment on Shopify"
    )


def test_an_unknown_carrier_travels_by_name_and_none_at_all_is_left_out() -> None:
    posten = _shipment(carrier="Other", carrier_name="PostNord", tracking_url="")
    unnamed = _shipment(carrier="Other", carrier_name="", tracking_url="")

    assert mapping.render_fulfillment(posten, [])["trackingInfo"] == {
        "number": "9405511899223197428490",
        "company": "PostNord",
    }
    assert mapping.render_fulfillment(unnamed, [])["trackingInfo"] == {
        "number": "9405511899223197428490"
    }


def test_a_created_fulfilment_gives_its_id_and_user_errors_give_shopifys_message() -> None:
    assert (
        mapping.parse_fulfillment_created(_golden("fulfillment_create.json"))
        == "gid://shopify/Fulfillment/70002"
    )
    with pytest.raises(ValidationError) as refused:
        mapping.parse_fulfillment_created(_golden("fulfillment_create_refused.json"))
    assert str(refused.value) == (
        "Shopify refused the fulfilment: fulfillment.lineItemsByFulfillmentOrder.0."
        "fulfillmentOrderLineItems.0.quantity: Invalid fulfillment order line item quantity "
        "requested."
    )


def test_variants_are_listings_keyed_by_their_inventory_item() -> None:
    listings, cursor = mapping.parse_variant_page(_golden("variants.json"))

    assert cursor is None
    assert listings == (
        ListingData(
            external_id="gid://shopify/InventoryItem/46001",
            sku="MUG-FIKA-BL-L",
            title="Stoneware mug “Fika” - Blue / Large",
            quantity=12,
            extra={
                "variant_id": "gid://shopify/ProductVariant/44001",
                "price": "14.50",
                "barcode": "7350012345678",
                "tracked": "true",
            },
        ),
        ListingData(
            external_id="gid://shopify/InventoryItem/46002",
            sku="TEA-TIN-9",
            title="Tea tin - Default Title",
            quantity=-2,
            extra={
                "variant_id": "gid://shopify/ProductVariant/44002",
                "price": "9.90",
                "barcode": "",
                "tracked": "false",
            },
        ),
    )


def test_available_quantities_are_read_back_and_unknown_items_skipped() -> None:
    assert mapping.parse_available(_golden("inventory_levels.json")) == {
        "gid://shopify/InventoryItem/46002": 4
    }


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("nordic-crafts", "nordic-crafts.myshopify.com"),
        ("Nordic-Crafts.myshopify.com", "nordic-crafts.myshopify.com"),
        (" https://nordic-crafts.myshopify.com/admin/orders?x=1 ", "nordic-crafts.myshopify.com"),
    ],
)
def test_a_shop_domain_is_normalised(typed: str, domain: str) -> None:
    assert normalise_shop_domain(typed) == domain


@pytest.mark.parametrize(
    "typed", ["", "shop.nordic-crafts.se", "nordic crafts", "-x.myshopify.com"]
)
def test_a_shop_domain_that_is_not_myshopify_is_refused(typed: str) -> None:
    with pytest.raises(ShopDomainError):
        normalise_shop_domain(typed)


def test_a_throttled_answer_waits_until_the_bucket_holds_the_requested_cost() -> None:
    answer = {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {
            "cost": {
                "requestedQueryCost": 786,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": 386,
                    "restoreRate": 100.0,
                },
            }
        },
    }

    with pytest.raises(RetryableError) as raised:
        raise_for_errors(answer)

    assert raised.value.retry_after == 4.0
