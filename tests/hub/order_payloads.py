"""Order request bodies for tests: one that uses every field, with hostile and non-ASCII text."""

from __future__ import annotations

import copy
from typing import Any

FULL_ORDER: dict[str, Any] = {
    "number": "A-1001",
    "status": "paid",
    "placed_at": "2026-11-20T09:15:00Z",
    "currency": "EUR",
    "customer": {
        "code": "C-77",
        "name": "Zoë Ångström",
        "email": "zoe@example.com",
        "phone": "+46 8 123 456",
    },
    "bill_to": {
        "name": "Zoë Ångström",
        "company": "Ångström & Co <AB>",
        "phone": "+46 8 123 456",
        "email": "billing@example.com",
        "address1": "Drottninggatan 1",
        "address2": "",
        "city": "Stockholm",
        "state": "",
        "postal_code": "111 51",
        "country": "SE",
    },
    "ship_to": {
        "name": "Zoë Ångström",
        "company": "",
        "phone": "+46 70 000 00 00",
        "email": "zoe@example.com",
        "address1": "Kungsgatan 2",
        "address2": "Lgh 1102",
        "city": "Göteborg",
        "state": "O",
        "postal_code": "411 19",
        "country": "SE",
    },
    "payment_method": "Klarna",
    "requested_shipping_service": "PostNord MyPack Home",
    "shipping_paid": "5.90",
    "tax": "12.35",
    "total": "71.25",
    "discounts": [{"code": "WINTER5", "description": "Winter ]]> sale & more", "amount": "5.00"}],
    "gift": True,
    "gift_message": "Grattis på födelsedagen! 🎂",
    "customer_notes": "Ring the bell twice <b>please</b>",
    "internal_notes": "Fragile — pack with care",
    "weight": {"value": "1.25", "unit": "kg"},
    "lines": [
        {
            "sku": "MUG-1",
            "name": "Mug “Fika”",
            "quantity": 2,
            "unit_price": "12.50",
            "weight": {"value": "350", "unit": "g"},
            "image_url": "https://cdn.example.com/mug-1.jpg",
            "options": [{"name": "Colour", "value": "Blå"}, {"name": "Text", "value": "A&B"}],
            "location": "A-01-02",
        },
        {
            "sku": "TEA-9",
            "name": "Tea tin",
            "quantity": 1,
            "unit_price": "33.00",
            "weight": {"value": "8", "unit": "oz"},
            "image_url": "",
            "options": [],
            "location": "",
        },
    ],
}


def order_payload(**changes: Any) -> dict[str, Any]:
    """A deep copy of :data:`FULL_ORDER` with top-level fields replaced."""
    payload = copy.deepcopy(FULL_ORDER)
    payload.update(changes)
    return payload
