"""The desk's five order statuses, shared by stores (status mapping) and orders (the queue).

A leaf: it imports nothing of the desk, so every desk app may import it.
"""

from __future__ import annotations

from enum import StrEnum


class DeskStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    ON_HOLD = "on_hold"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


STATUS_LABELS: dict[DeskStatus, str] = {
    DeskStatus.AWAITING_PAYMENT: "Awaiting payment",
    DeskStatus.AWAITING_SHIPMENT: "Awaiting shipment",
    DeskStatus.ON_HOLD: "On hold",
    DeskStatus.SHIPPED: "Shipped",
    DeskStatus.CANCELLED: "Cancelled",
}

#: Statuses an import never reopens from an older ``LastModified``.
CLOSED_STATUSES = frozenset({DeskStatus.SHIPPED, DeskStatus.CANCELLED})
