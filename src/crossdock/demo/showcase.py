"""The import features a showcase order uses at once, and which of them an order uses.

These are the parts of an order that the Custom Store ``<Orders>`` document carries to a
shipping app (``docs/custom-store-protocol`` §5) beyond the bare minimum. The demo's
showcase orders (one hand-entered, one per sandbox marketplace) use all thirteen, so the
whole import can be shown without editing anything. Pure: no database.
"""

from __future__ import annotations

from crossdock.core.dto import OrderData

#: Each feature and what it takes, in the order the desk's order page shows them.
SHOWCASE_FEATURES: dict[str, str] = {
    "multiple_lines": "two lines or more",
    "item_options": "a line with options (size, colour, engraving …)",
    "item_images": "every line with a picture",
    "item_locations": "every line with a bin location",
    "item_weights": "every line with a unit weight",
    "discounts": "a coupon or discount (an adjustment line)",
    "tax_and_shipping": "a tax amount and a shipping amount",
    "gift": "a gift with a gift message",
    "customer_notes": "notes from the buyer",
    "internal_notes": "internal notes for the shipper",
    "requested_service": "the shipping service the buyer chose",
    "company_and_phones": "companies and phone numbers on both addresses",
    "custom_field_sources": "a payment method and a marketplace order id (CustomField1–3)",
}


def features_of(order: OrderData) -> frozenset[str]:
    """The showcase features ``order`` uses."""
    lines = order.lines
    checks = {
        "multiple_lines": len(lines) >= 2,
        "item_options": any(line.options for line in lines),
        "item_images": bool(lines) and all(line.image_url for line in lines),
        "item_locations": bool(lines) and all(line.location for line in lines),
        "item_weights": bool(lines) and all(line.weight is not None for line in lines),
        "discounts": any(discount.amount > 0 for discount in order.discounts),
        "tax_and_shipping": order.tax > 0 and order.shipping_paid > 0,
        "gift": order.gift and bool(order.gift_message),
        "customer_notes": bool(order.customer_notes),
        "internal_notes": bool(order.internal_notes),
        "requested_service": bool(order.requested_shipping_service),
        "company_and_phones": all(
            address.company and address.phone for address in (order.ship_to, order.bill_to)
        ),
        "custom_field_sources": bool(order.payment_method and order.marketplace_order_id),
    }
    return frozenset(name for name, used in checks.items() if used)
