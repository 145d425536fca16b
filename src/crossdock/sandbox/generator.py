"""Realistic sandbox orders from a seeded random stream: pure functions, no database.

Every generated order draws on the features a shipper meets: gift orders with messages,
coupons, line options, images, phone numbers, buyer and seller notes, several lines and
weights in grams, kilograms, ounces and pounds. The same seed gives the same orders.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
#: Product pictures are the marketplace's own static files; the API serves them as absolute
#: URLs on the address it was reached at (a path here, made absolute by ``queries``).
IMAGE_PATH = "/static/sandbox/products/{}.svg"


def image(name: str) -> str:
    return IMAGE_PATH.format(name)


@dataclass(frozen=True, slots=True)
class ListingSeed:
    sku: str
    title: str
    price: Decimal
    weight_value: Decimal
    weight_unit: str
    quantity: int
    image_url: str = ""
    options: dict[str, list[str]] = field(default_factory=dict)


#: The catalogue every new sandbox shop starts with.
CATALOGUE: tuple[ListingSeed, ...] = (
    ListingSeed(
        "MUG-FIKA",
        "Stoneware mug “Fika”",
        Decimal("14.50"),
        Decimal("350"),
        "g",
        40,
        image("mug"),
        {"Colour": ["Blå", "Sand", "Moss"]},
    ),
    ListingSeed(
        "TEA-TIN-9",
        "Tea tin, smoked lapsang",
        Decimal("9.90"),
        Decimal("8"),
        "oz",
        120,
        image("tea"),
    ),
    ListingSeed(
        "BLANKET-W",
        "Wool blanket 130×170",
        Decimal("89.00"),
        Decimal("1.4"),
        "kg",
        12,
        image("blanket"),
        {"Pattern": ["Herringbone", "Plain"]},
    ),
    ListingSeed(
        "CAST-PAN-26",
        "Cast-iron pan 26 cm",
        Decimal("54.00"),
        Decimal("5.2"),
        "lb",
        7,
        image("pan"),
    ),
    ListingSeed(
        "CANDLE-S",
        "Beeswax candle & holder",
        Decimal("18.25"),
        Decimal("410"),
        "g",
        60,
        image("candle"),
        {"Scent": ["Pine", "None"], "Engraving": ["", "Initials"]},
    ),
    ListingSeed(
        "SOCKS-3",
        "Merino socks, 3 pairs",
        Decimal("24.00"),
        Decimal("0.21"),
        "kg",
        90,
        image("socks"),
        {"Size": ["36–38", "39–41", "42–45"]},
    ),
)

_BUYERS = (
    ("Zoë Ångström", "SE", "Stockholm", "", "111 51", "Drottninggatan 12", "+46 8 555 010 20"),
    ("José Álvarez", "ES", "Sevilla", "SE", "41001", "Calle Sierpes 48, 2º B", "+34 954 00 00 00"),
    ("Mary O'Neil", "US", "Portland", "OR", "97205", "1120 SW 5th Ave", "+1 503-555-0142"),
    ("Björn Müller", "DE", "München", "BY", "80331", "Marienplatz 8", "+49 89 1234567"),
    ("Aiko Tanaka", "JP", "Kyoto", "26", "600-8216", "Shimogyo-ku 8-3", "+81 75-000-0000"),
    ("Chloé Dubois", "FR", "Lyon", "", "69002", "12 Rue de la République", ""),
    ("Liam <Smith> & Sons", "GB", "Leeds", "", "LS1 4AP", "The Headrow 3", "+44 113 496 0000"),
)
_COMPANIES = ("", "", "", "Ångström & Co AB", "Fika Ltd.")
_COUPONS = (
    ("WELCOME10", "Welcome 10 %"),
    ("FREESHIP", "Free shipping weekend"),
    ("VIP-5", "Loyal customer ]]> bonus"),
)
_GIFT_MESSAGES = ("Grattis på födelsedagen! 🎂", "Happy holidays — from all of us", "Für dich ♥")
_NOTES = ("Leave at the back door, please", "Ring twice <b>please</b>", "Call before delivery")
_SELLER_NOTES = ("Repeat buyer", "Check engraving text", "Fragile — pack with care")
_METHODS = ("Standard", "Express", "Economy international", "Next day")
_PAYMENTS = ("card", "paypal", "klarna", "bank_transfer")


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _address(rng: random.Random, buyer: tuple[str, ...], email: str) -> dict[str, str]:
    name, country, city, region, postal_code, line1, phone = buyer
    return {
        "name": name,
        "company": rng.choice(_COMPANIES),
        "phone": phone,
        "email": email,
        "line1": line1,
        "line2": rng.choice(("", "", "Apt 4", "c/o Reception")),
        "city": city,
        "region": region,
        "postal_code": postal_code,
        "country_code": country,
    }


def _line(rng: random.Random, number: str, index: int, listing: ListingSeed) -> dict[str, Any]:
    options = [
        {"name": name, "value": rng.choice(values)}
        for name, values in listing.options.items()
        if rng.random() < 0.9
    ]
    return {
        "id": f"{number}-L{index + 1}",
        "sku": listing.sku,
        "title": listing.title,
        "quantity": rng.choice((1, 1, 1, 2, 3)),
        "unit_price": _money(listing.price),
        "weight": {"value": str(listing.weight_value), "unit": listing.weight_unit},
        "image_url": listing.image_url,
        "options": [option for option in options if option["value"]],
    }


def generate_order(
    rng: random.Random,
    *,
    number: str,
    public_id: str,
    currency: str,
    listings: Sequence[ListingSeed],
    now: datetime,
) -> dict[str, Any]:
    """One new order document (status ``paid`` or ``awaiting_payment``) made at ``now``."""
    if not listings:
        raise ValueError("a shop needs listings to generate orders")
    buyer = rng.choice(_BUYERS)
    email = f"{buyer[0].split()[0].lower().encode('ascii', 'ignore').decode() or 'buyer'}" + (
        f".{rng.randint(1, 999)}@example.com"
    )
    chosen = rng.sample(list(listings), k=min(len(listings), rng.choice((1, 2, 2, 3, 4))))
    lines = [_line(rng, number, index, listing) for index, listing in enumerate(chosen)]
    goods = sum(Decimal(line["unit_price"]) * line["quantity"] for line in lines)
    coupons = []
    if rng.random() < 0.4:
        code, description = rng.choice(_COUPONS)
        coupons.append({"code": code, "description": description, "amount": _money(goods / 10)})
    shipping = rng.choice((Decimal("0"), Decimal("4.90"), Decimal("9.50"), Decimal("19.00")))
    tax = (goods - sum((Decimal(c["amount"]) for c in coupons), Decimal(0))) * Decimal("0.08")
    is_gift = rng.random() < 0.3
    ship_to = _address(rng, buyer, email)
    bill_to = ship_to if rng.random() < 0.7 else _address(rng, rng.choice(_BUYERS), email)
    stamp = now.isoformat().replace("+00:00", "Z")
    document: dict[str, Any] = {
        "id": public_id,
        "number": number,
        "status": "paid" if rng.random() < 0.9 else "awaiting_payment",
        "created_at": stamp,
        "updated_at": stamp,
        "currency": currency,
        "buyer": {
            "id": f"B-{rng.randint(100, 999)}",
            "name": buyer[0],
            "email": email,
            "phone": buyer[6],
        },
        "shipping_address": ship_to,
        "billing_address": bill_to,
        "payment_method": rng.choice(_PAYMENTS),
        "shipping_method": rng.choice(_METHODS),
        "shipping_price": _money(shipping),
        "tax": _money(tax),
        "coupons": coupons,
        "gift": {"is_gift": is_gift, "message": rng.choice(_GIFT_MESSAGES) if is_gift else ""},
        "buyer_note": rng.choice(_NOTES) if rng.random() < 0.4 else "",
        "seller_note": rng.choice(_SELLER_NOTES) if rng.random() < 0.3 else "",
        "total_weight": None,
        "lines": lines,
    }
    document["total"] = order_total(document)
    return document


#: Bin locations of the showcase order's lines, by SKU.
_BINS = ("A-01-03", "B-02-11", "C-04-01", "D-00-07", "E-03-02", "F-01-09")


def showcase_order(
    *,
    number: str,
    public_id: str,
    currency: str,
    listings: Sequence[ListingSeed],
    now: datetime,
) -> dict[str, Any]:
    """One paid order using every feature at once: several lines with options, pictures,
    weights and bin locations, a coupon, tax and shipping, a gift message, buyer and seller
    notes, a chosen service, and companies and phones on two different addresses."""
    chosen = [listing for listing in listings if listing.options][:2] + [
        listing for listing in listings if not listing.options
    ][:1]
    if len(chosen) < 2:
        chosen = list(listings)[:3]
    if not chosen:
        raise ValueError("a shop needs listings to generate orders")
    lines: list[dict[str, Any]] = []
    for index, listing in enumerate(chosen):
        options = [
            {"name": name, "value": next((value for value in values if value), "")}
            for name, values in listing.options.items()
        ]
        lines.append(
            {
                "id": f"{number}-L{index + 1}",
                "sku": listing.sku,
                "title": listing.title,
                "quantity": 1 + index % 2,
                "unit_price": _money(listing.price),
                "weight": {"value": str(listing.weight_value), "unit": listing.weight_unit},
                "image_url": listing.image_url,
                "location": _BINS[index % len(_BINS)],
                "options": [option for option in options if option["value"]],
            }
        )
    goods = sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal(0))
    coupon = {"code": "WELCOME10", "description": "Welcome 10 %", "amount": _money(goods / 10)}
    stamp = now.isoformat().replace("+00:00", "Z")
    ship_to = {
        "name": "Zoë Ångström",
        "company": "Ångström & Co AB",
        "phone": "+46 8 555 010 20",
        "email": "zoe@example.com",
        "line1": "Drottninggatan 12",
        "line2": "c/o Reception",
        "city": "Stockholm",
        "region": "",
        "postal_code": "111 51",
        "country_code": "SE",
    }
    bill_to = {
        **ship_to,
        "name": "Fika Ltd. Accounts",
        "company": "Fika Ltd.",
        "phone": "+46 8 555 010 99",
        "email": "accounts@example.com",
        "line1": "Sveavägen 44",
        "line2": "",
        "postal_code": "111 34",
    }
    document: dict[str, Any] = {
        "id": public_id,
        "number": number,
        "status": "paid",
        "created_at": stamp,
        "updated_at": stamp,
        "currency": currency,
        "buyer": {
            "id": "B-100",
            "name": ship_to["name"],
            "email": ship_to["email"],
            "phone": ship_to["phone"],
        },
        "shipping_address": ship_to,
        "billing_address": bill_to,
        "payment_method": "card",
        "shipping_method": "Express",
        "shipping_price": _money(Decimal("9.50")),
        "tax": _money((goods - Decimal(coupon["amount"])) * Decimal("0.08")),
        "coupons": [coupon],
        "gift": {"is_gift": True, "message": _GIFT_MESSAGES[0]},
        "buyer_note": _NOTES[0],
        "seller_note": "Showcase order: every import feature at once",
        "total_weight": None,
        "lines": lines,
    }
    document["total"] = order_total(document)
    return document


def order_total(document: dict[str, Any]) -> str:
    """Lines less coupons plus shipping and tax, as the marketplace shows it."""
    goods = sum(
        (Decimal(line["unit_price"]) * line["quantity"] for line in document["lines"]), Decimal(0)
    )
    coupons = sum((Decimal(coupon["amount"]) for coupon in document["coupons"]), Decimal(0))
    total = goods - coupons + Decimal(document["shipping_price"]) + Decimal(document["tax"])
    return _money(total)


def modify_order(rng: random.Random, document: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A copy of ``document`` with something a shipper cares about changed by the buyer."""
    changed = {**document, "updated_at": now.isoformat().replace("+00:00", "Z")}
    choice = rng.choice(("address", "note", "quantity"))
    if choice == "address":
        changed["shipping_address"] = {
            **document["shipping_address"],
            "line2": f"Floor {rng.randint(2, 9)}",
        }
    elif choice == "note":
        changed["buyer_note"] = f"Changed my mind: {rng.choice(_NOTES).lower()}"
    else:
        lines = [dict(line) for line in document["lines"]]
        lines[0]["quantity"] = lines[0]["quantity"] + 1
        changed["lines"] = lines
    changed["total"] = order_total(changed)
    return changed
