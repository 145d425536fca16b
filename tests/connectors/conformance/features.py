"""The order features a connector must map, each as a test on the orders it pulled.

A feature counts as mapped when at least one order of the fake's seed shows it. A platform
that lacks a feature names it in its fake's ``absent_features`` (where ``"refunds"`` may
stand too: refunds have a check of their own).
"""

from __future__ import annotations

from collections.abc import Callable

from crossdock.core.dto import OrderData

FEATURES: dict[str, Callable[[OrderData], bool]] = {
    "buyer_email": lambda order: bool(order.customer.email),
    "ship_to_phone": lambda order: bool(order.ship_to.phone),
    "bill_to_phone": lambda order: bool(order.bill_to.phone),
    "ship_to_address": lambda order: bool(
        order.ship_to.address1 and order.ship_to.city and order.ship_to.country
    ),
    "requested_shipping": lambda order: bool(order.requested_shipping_service),
    "shipping_paid": lambda order: order.shipping_paid > 0,
    "payment_method": lambda order: bool(order.payment_method),
    "discount_code": lambda order: any(d.code and d.amount > 0 for d in order.discounts),
    "gift": lambda order: order.gift and bool(order.gift_message),
    "buyer_notes": lambda order: bool(order.customer_notes),
    "line_image": lambda order: any(line.image_url for line in order.lines),
    "variant_options": lambda order: any(line.options for line in order.lines),
    "weight": lambda order: (
        order.weight is not None or any(line.weight is not None for line in order.lines)
    ),
    "tax": lambda order: order.tax > 0,
    "line_ids": lambda order: all(line.external_id for line in order.lines),
    "line_sku": lambda order: all(line.sku for line in order.lines),
    "fulfilment_location": lambda order: any(line.location for line in order.lines),
}
