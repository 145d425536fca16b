"""Desk order reads, always scoped by desk account."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from crossdock.core.ids import storable_id
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine


def orders(
    account: DeskAccount, *, store_id: int | None = None, status: str | None = None
) -> QuerySet[DeskOrder]:
    found = (
        DeskOrder.objects.filter(account=account, store__is_active=True)
        .select_related("store")
        .prefetch_related(Prefetch("lines", queryset=DeskOrderLine.objects.order_by("position")))
    )
    if store_id is not None:
        found = found.filter(store_id=store_id) if storable_id(store_id) else found.none()
    if status:
        found = found.filter(status=status)
    return found


def order(account: DeskAccount, order_id: int) -> DeskOrder | None:
    return (
        DeskOrder.objects.filter(account=account, pk=order_id)
        .select_related("store")
        .prefetch_related(Prefetch("lines", queryset=DeskOrderLine.objects.order_by("position")))
        .first()
    )


def status_counts(account: DeskAccount) -> dict[str, int]:
    rows = (
        DeskOrder.objects.filter(account=account, store__is_active=True)
        .values("status")
        .annotate(total=Count("id"))
    )
    return {row["status"]: row["total"] for row in rows}
