"""Order reads, always scoped by account."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.errors import OrderNotFound
from crossdock.hub.orders.models import CustomStatus, Order, OrderDiscount, OrderEvent, OrderLine


def orders(account: Account) -> QuerySet[Order]:
    """The account's orders with everything an order page or answer shows, in few queries."""
    return (
        Order.objects.filter(account=account)
        .select_related("channel", "custom_status")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")),
            Prefetch("discounts", queryset=OrderDiscount.objects.order_by("position", "id")),
            "fulfillments__lines",
            "fulfillments__write_backs",
        )
    )


def filter_orders(
    account: Account,
    *,
    number: str | None = None,
    status: str | None = None,
    modified_since: datetime | None = None,
) -> QuerySet[Order]:
    found = orders(account)
    if number:
        found = found.filter(number=number)
    if status:
        found = found.filter(status=status)
    if modified_since is not None:
        found = found.filter(modified_at__gte=modified_since)
    return found


def get_order(account: Account, order_id: int) -> Order:
    try:
        return orders(account).get(pk=order_id)
    except Order.DoesNotExist as error:
        raise OrderNotFound(f"no order {order_id}") from error


def order_events(order: Order) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(order=order).order_by("at", "id")


def custom_statuses(account: Account) -> QuerySet[CustomStatus]:
    return CustomStatus.objects.filter(account=account).order_by("name")
