"""Fulfillment reads, always scoped by account: shipments that are a problem to look at."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order


def over_shipments(account: Account, since: datetime | None = None) -> QuerySet[Fulfillment]:
    """Shipments that reported more units than were left to ship, newest first."""
    found = Fulfillment.objects.filter(account=account, over_shipped_units__gt=0)
    if since is not None:
        found = found.filter(created_at__gte=since)
    return found.select_related("order").order_by("-created_at", "-id")


def over_shipped_units(order: Order) -> int:
    """Units reported shipped on ``order`` beyond what it had left (0: no problem)."""
    return sum(
        Fulfillment.objects.filter(order=order, over_shipped_units__gt=0).values_list(
            "over_shipped_units", flat=True
        )
    )
