"""Order reads, always scoped by account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from crossdock.core.statuses import OrderStatus
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


#: Orders still to ship: paid and waiting, or shipped in part.
TO_SHIP_STATUSES = frozenset({OrderStatus.PAID.value, OrderStatus.PARTIALLY_SHIPPED.value})


@dataclass(frozen=True, slots=True)
class OrderSearch:
    """The filters of the merchant's order list; empty values filter nothing.

    ``statuses`` keeps orders in any of them (one status, or a group such as
    :data:`TO_SHIP_STATUSES`).
    """

    text: str = ""
    statuses: frozenset[str] = frozenset()
    channel_id: int | None = None
    custom_status_id: int | None = None
    placed_from: date | None = None
    placed_to: date | None = None


def search_orders(account: Account, search: OrderSearch) -> QuerySet[Order]:
    """Orders matching ``search``, newest first, with channel, custom status and lines loaded.

    ``text`` matches the order number, the buyer (name or e-mail, on the order or on either
    address) or a line's SKU, case-insensitively. Dates are the placed date in UTC, inclusive.
    """
    found = (
        Order.objects.filter(account=account)
        .select_related("channel", "custom_status")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("position", "id")))
    )
    text = search.text.strip()
    if text:
        with_sku = OrderLine.objects.filter(order=OuterRef("pk"), sku__icontains=text)
        found = found.filter(
            Q(number__icontains=text)
            | Q(marketplace_order_id__icontains=text)
            | Q(customer_name__icontains=text)
            | Q(customer_email__icontains=text)
            | Q(ship_to_name__icontains=text)
            | Q(bill_to_name__icontains=text)
            | Q(Exists(with_sku))
        )
    if search.statuses:
        found = found.filter(status__in=sorted(search.statuses))
    if search.channel_id is not None:
        found = found.filter(channel_id=search.channel_id)
    if search.custom_status_id is not None:
        found = found.filter(custom_status_id=search.custom_status_id)
    if search.placed_from is not None:
        found = found.filter(placed_at__date__gte=search.placed_from)
    if search.placed_to is not None:
        found = found.filter(placed_at__date__lte=search.placed_to)
    return found.order_by("-placed_at", "-id")


def orders_to_ship(account: Account) -> QuerySet[Order]:
    """Orders still to ship, oldest first: the order that has waited longest ships next."""
    return search_orders(account, OrderSearch(statuses=TO_SHIP_STATUSES)).order_by(
        "placed_at", "id"
    )


def status_counts(account: Account) -> dict[str, int]:
    """How many of the account's orders are in each status (statuses with none are absent)."""
    rows = (
        Order.objects.filter(account=account)
        .values("status")
        .annotate(count=Count("id"))
        .order_by("status")
    )
    return {row["status"]: row["count"] for row in rows}


def custom_status_usage(account: Account) -> QuerySet[CustomStatus]:
    """The account's custom statuses, each annotated with ``order_count``."""
    return custom_statuses(account).annotate(order_count=Count("orders"))
