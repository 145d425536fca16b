"""Orders for UI tests, built through the orders service like any real source would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from crossdock.core.actors import Actor, ActorKind
from crossdock.core.dto import Address, Customer, Discount, LineData, LineOption, OrderData
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.services import create_order

SYSTEM = Actor(ActorKind.SYSTEM, "tests")

SHIP_TO = Address(
    name="Zoë Ångström",
    company="Ångström & Co <AB>",
    phone="+46 70 000 00 00",
    email="zoe@example.com",
    address1="Kungsgatan 2",
    address2="Lgh 1102",
    city="Göteborg",
    state="O",
    postal_code="411 19",
    country="SE",
)

BILL_TO = replace(SHIP_TO, address1="Drottninggatan 1", address2="", city="Stockholm")


def order_data(number: str, **changes: Any) -> OrderData:
    """An order that uses every field; ``changes`` replace any of them."""
    data = OrderData(
        number=number,
        external_id=f"ext-{number}",
        status=OrderStatus.PAID,
        placed_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        currency="EUR",
        customer=Customer(code="C-77", name="Zoë Ångström", email="zoe@example.com", phone="+46"),
        bill_to=BILL_TO,
        ship_to=SHIP_TO,
        lines=(
            LineData(
                sku="MUG-1",
                name="Mug “Fika”",
                quantity=2,
                unit_price=Decimal("12.50"),
                weight=Weight(Decimal("350"), WeightUnit.GRAM),
                image_url="https://images.example.com/mug-1.jpg",
                options=(LineOption("Colour", "Sea green"),),
                location="A-01-02",
                external_id="L1",
                upc="012345678905",
            ),
            LineData(
                sku="TEE-M",
                name="Tee",
                quantity=1,
                unit_price=Decimal("20.00"),
                weight=Weight(Decimal("6"), WeightUnit.OUNCE),
                external_id="L2",
            ),
        ),
        payment_method="Klarna",
        requested_shipping_service="PostNord MyPack Home",
        shipping_paid=Decimal("5.90"),
        tax=Decimal("12.35"),
        discounts=(Discount("WINTER5", "Winter sale", Decimal("5.00")),),
        gift=True,
        gift_message="Grattis på födelsedagen!",
        customer_notes="Ring the bell twice",
        internal_notes="Fragile — pack with care",
        weight=Weight(Decimal("1.25"), WeightUnit.KILOGRAM),
        marketplace_order_id="MP-99",
    )
    return replace(data, **changes)


def make_order(
    account: Account,
    number: str,
    *,
    channel: Channel | None = None,
    custom_status: str | None = None,
    **changes: Any,
) -> Order:
    return create_order(
        account,
        order_data(number, **changes),
        SYSTEM,
        channel=channel,
        custom_status=custom_status,
    )
