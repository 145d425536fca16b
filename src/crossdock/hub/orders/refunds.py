"""A channel's refunds and cancellation details, stored on the order they belong to.

Called by the upsert (inside its lock on the order) for every changed payload: a refund
is recorded once per channel refund id, with an event naming amount and reason; the
cancellation time and reason follow the channel. Refunds never change what ShipStation
exports (the status does, through the upsert's own rules).
"""

from __future__ import annotations

from crossdock.core.actors import Actor
from crossdock.core.dto import OrderData
from crossdock.core.money import to_money
from crossdock.hub.orders.models import EventKind, Order, OrderRefund
from crossdock.hub.orders.services import record_event


def apply_refunds_and_cancellation(order: Order, data: OrderData, actor: Actor) -> bool:
    """Record the payload's new refunds and its cancellation details; ``True`` if any."""
    known = set(order.refunds.values_list("external_id", flat=True)) if data.refunds else set()
    added = False
    for refund in data.refunds:
        key = refund.external_id[:100]
        if not key or key in known:
            continue
        known.add(key)
        amount = to_money(refund.amount)
        OrderRefund.objects.create(
            order=order,
            external_id=key,
            amount=amount,
            reason=refund.reason[:500],
            refunded_at=refund.refunded_at,
            lines=[
                {"line_id": line.external_line_id, "sku": line.sku, "quantity": line.quantity}
                for line in refund.lines
            ],
        )
        because = f": {refund.reason}" if refund.reason else ""
        record_event(
            order,
            actor,
            EventKind.REFUNDED,
            f"Refunded {amount} {order.currency} on the channel{because}",
            {"refund": key},
        )
        added = True
    cancelled = (data.cancelled_at, data.cancel_reason[:200])
    if (order.cancelled_at, order.cancel_reason) != cancelled and any(cancelled):
        order.cancelled_at, order.cancel_reason = cancelled
        Order.objects.filter(pk=order.pk).update(
            cancelled_at=order.cancelled_at, cancel_reason=order.cancel_reason
        )
        added = True
    return added
