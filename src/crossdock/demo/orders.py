"""Demo orders that together use every order field (gift, coupons, options, images, notes).

Product pictures are this server's own static files (``demo/static/demo/products``): the
Custom Store export needs absolute image URLs, so they are built on the serving address.
One order, the showcase, uses every import feature at once (see :mod:`crossdock.demo.showcase`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from crossdock.core.dto import Address, Customer, Discount, LineData, LineOption, OrderData
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit
from crossdock.demo.address import serving_url

#: Where a product's picture is served, under the server's base URL.
IMAGE_PATH = "/static/demo/products/{sku}.svg"
SHOWCASE_NUMBER = "DEMO-SHOWCASE"

_PEOPLE = (
    (
        "Ada Lovelace",
        "ada@example.com",
        "+44 20 7946 0018",
        "12 St James's Square",
        "",
        "London",
        "",
        "SW1Y 4JH",
        "GB",
    ),
    (
        "José Müller-Øster",
        "jose@example.de",
        "+49 30 901820",
        "Friedrichstraße 43",
        "3. OG",
        "Berlin",
        "BE",
        "10117",
        "DE",
    ),
    (
        "Grace Hopper",
        "grace@example.com",
        "+1 212-555-0142",
        "350 Fifth Avenue",
        "Suite 5100",
        "New York",
        "NY",
        "10118",
        "US",
    ),
    (
        "Mei Tanaka",
        "mei@example.jp",
        "+81 3-1234-5678",
        "1-1 Chiyoda",
        "",
        "Tokyo",
        "",
        "100-0001",
        "JP",
    ),
    (
        "Liam O'Brien & Sons",
        "liam@example.ie",
        "+353 1 555 0199",
        "7 Grafton Street",
        "Unit <B>",
        "Dublin",
        "",
        "D02 X285",
        "IE",
    ),
)

_PRODUCTS = (
    (
        "TEE-ORG-M",
        "Organic cotton tee",
        Decimal("24.00"),
        Decimal("180"),
        WeightUnit.GRAM,
        (("Size", "M"), ("Colour", "Forest green")),
        "A-01-03",
    ),
    (
        "MUG-ENAMEL",
        "Enamel camp mug",
        Decimal("14.50"),
        Decimal("0.3"),
        WeightUnit.KILOGRAM,
        (("Colour", "Cream"),),
        "B-02-11",
    ),
    (
        "SOCK-WOOL-L",
        "Merino hiking socks",
        Decimal("18.00"),
        Decimal("3.5"),
        WeightUnit.OUNCE,
        (("Size", "L"),),
        "A-04-01",
    ),
    (
        "LANTERN-01",
        "Solar lantern",
        Decimal("39.90"),
        Decimal("1.2"),
        WeightUnit.POUND,
        (),
        "C-01-02",
    ),
    (
        "KNIFE-ENGR",
        "Engraved pocket knife",
        Decimal("55.00"),
        Decimal("95"),
        WeightUnit.GRAM,
        (("Engraving", "À bientôt ✨"),),
        "D-00-07",
    ),
)


def image_url(sku: str, base_url: str) -> str:
    return base_url.rstrip("/") + IMAGE_PATH.format(sku=sku.lower())


def demo_orders(base_url: str | None = None) -> list[tuple[OrderData, str | None]]:
    """Twelve orders spread over the last days; each comes with its custom status or None.

    Pictures are served under ``base_url`` (default: the serving address)."""
    base = base_url if base_url is not None else serving_url()
    now = timezone.now().replace(second=0, microsecond=0)
    made: list[tuple[OrderData, str | None]] = []
    for index in range(12):
        person = _PEOPLE[index % len(_PEOPLE)]
        name, email, phone, address1, address2, city, state, postal, country = person
        address = Address(
            name=name,
            company="Lovelace Analytical" if index % 4 == 0 else "",
            phone=phone,
            email=email,
            address1=address1,
            address2=address2,
            city=city,
            state=state,
            postal_code=postal,
            country=country,
        )
        lines = []
        for offset in range(1 + index % 3):
            sku, title, price, weight, unit, options, location = _PRODUCTS[
                (index + offset) % len(_PRODUCTS)
            ]
            lines.append(
                LineData(
                    sku=sku,
                    name=title,
                    quantity=1 + (index + offset) % 2,
                    unit_price=price,
                    weight=Weight(weight, unit),
                    image_url=image_url(sku, base),
                    options=tuple(LineOption(n, v) for n, v in options),
                    location=location,
                    external_id=f"L{1000 + index * 10 + offset}",
                )
            )
        gift = index % 4 == 1
        coupon = index % 3 == 0
        status = OrderStatus.UNPAID if index == 5 else OrderStatus.PAID
        custom_status = "Ready to pack" if index == 2 else None
        if index == 7:
            status, custom_status = OrderStatus.ON_HOLD, "Awaiting engraving"
        made.append(
            (
                OrderData(
                    number=f"DEMO-{1001 + index}",
                    external_id=f"DEMO-{1001 + index}",
                    status=status,
                    placed_at=now - timedelta(hours=6 * (12 - index)),
                    currency="EUR"
                    if country in {"DE", "IE"}
                    else ("GBP" if country == "GB" else "USD"),
                    customer=Customer(code=email, name=name, email=email, phone=phone),
                    bill_to=address,
                    ship_to=address,
                    lines=tuple(lines),
                    payment_method="Credit card" if index % 2 else "PayPal",
                    requested_shipping_service="Express" if index % 3 == 1 else "Standard",
                    shipping_paid=Decimal("4.95"),
                    tax=Decimal("3.10") if index % 2 else Decimal("0.00"),
                    discounts=(Discount("WELCOME10", "10% off first order", Decimal("5.00")),)
                    if coupon
                    else (),
                    gift=gift,
                    gift_message="Happy birthday! Love, M. 🎁" if gift else "",
                    customer_notes="Please leave at the back door." if index % 5 == 0 else "",
                    internal_notes="VIP customer — add a sticker." if index % 4 == 2 else "",
                    weight=Weight(Decimal("0.75"), WeightUnit.KILOGRAM) if index == 0 else None,
                ),
                custom_status,
            )
        )
    return made


def showcase_order(base_url: str | None = None, now: datetime | None = None) -> OrderData:
    """One hand-entered order that uses every import feature at once."""
    base = base_url if base_url is not None else serving_url()
    placed = (now or timezone.now()).replace(second=0, microsecond=0) - timedelta(minutes=30)
    ship_to = Address(
        name="Ada Lovelace",
        company="Lovelace Analytical",
        phone="+44 20 7946 0018",
        email="ada@example.com",
        address1="12 St James's Square",
        address2="Floor 3",
        city="London",
        postal_code="SW1Y 4JH",
        country="GB",
    )
    bill_to = Address(
        name="Charles Babbage",
        company="Difference Engines Ltd",
        phone="+44 20 7946 0991",
        email="accounts@example.com",
        address1="1 Dorset Street",
        city="London",
        postal_code="W1U 4EG",
        country="GB",
    )
    lines = []
    for index, (sku, title, price, weight, unit, options, location) in enumerate(_PRODUCTS[:3]):
        lines.append(
            LineData(
                sku=sku,
                name=title,
                quantity=1 + index % 2,
                unit_price=price,
                weight=Weight(weight, unit),
                image_url=image_url(sku, base),
                options=tuple(LineOption(n, v) for n, v in options),
                location=location,
                external_id=f"LS{index + 1}",
            )
        )
    return OrderData(
        number=SHOWCASE_NUMBER,
        external_id=SHOWCASE_NUMBER,
        status=OrderStatus.PAID,
        placed_at=placed,
        currency="GBP",
        customer=Customer(code="ada@example.com", name="Ada Lovelace", email="ada@example.com"),
        bill_to=bill_to,
        ship_to=ship_to,
        lines=tuple(lines),
        payment_method="Credit card",
        requested_shipping_service="Express",
        shipping_paid=Decimal("6.95"),
        tax=Decimal("8.40"),
        discounts=(Discount("WELCOME10", "10% off first order", Decimal("5.00")),),
        gift=True,
        gift_message="Happy birthday, Ada! 🎂 From all of us.",
        customer_notes="Please ring the bell twice.",
        internal_notes="Showcase order: every import feature at once.",
        marketplace_order_id="SHOW-1001",
    )
