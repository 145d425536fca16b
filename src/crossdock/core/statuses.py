"""The hub's standard order statuses and the rules between them."""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    ON_HOLD = "on_hold"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


#: Statuses after which nothing more will be shipped.
CLOSED_STATUSES = frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED})

#: Statuses a custom status may belong to: the five ShipStation knows.
#: ``partially_shipped`` exports as ShipStation's "awaiting shipment" (``paid``).
MAPPABLE_STATUSES = (
    OrderStatus.UNPAID,
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.CANCELLED,
    OrderStatus.ON_HOLD,
)


def shipment_status(quantity_ordered: int, quantity_shipped: int) -> OrderStatus | None:
    """The status an order takes from its shipped quantities, or ``None`` when nothing shipped."""
    if quantity_shipped <= 0:
        return None
    if quantity_shipped >= quantity_ordered:
        return OrderStatus.SHIPPED
    return OrderStatus.PARTIALLY_SHIPPED
