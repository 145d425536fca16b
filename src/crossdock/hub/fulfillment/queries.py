"""Fulfillment reads, always scoped by account: shipments that are a problem to look at, the
write-back outbox, and each channel's health (its sync times and its write-backs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from crossdock.core.ids import storable_id
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.errors import ChannelNotFound
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.orders.models import Order

FAILED_STATES = (WriteBack.State.DEAD, WriteBack.State.REJECTED)
OPEN_STATES = (WriteBack.State.PENDING, WriteBack.State.SENDING)


@dataclass(frozen=True, slots=True)
class ChannelHealth:
    last_sync_at: datetime | None
    last_success_at: datetime | None
    next_sync_at: datetime | None
    last_error: str
    pending_write_backs: int
    failed_write_backs: int


def health(channel: Channel) -> ChannelHealth:
    counts = WriteBack.objects.filter(channel=channel).aggregate(
        pending=Count("pk", filter=Q(state__in=OPEN_STATES)),
        failed=Count("pk", filter=Q(state__in=FAILED_STATES)),
    )
    return ChannelHealth(
        last_sync_at=channel.last_sync_at,
        last_success_at=channel.last_success_at,
        next_sync_at=channel.next_sync_at,
        last_error=channel.last_error,
        pending_write_backs=counts["pending"],
        failed_write_backs=counts["failed"],
    )


def write_backs(
    account: Account, *, state: str | None = None, channel_id: int | None = None
) -> QuerySet[WriteBack]:
    found = WriteBack.objects.filter(account=account).select_related(
        "channel", "fulfillment__order"
    )
    if state:
        found = found.filter(state=state)
    if channel_id is not None:
        found = found.filter(channel_id=channel_id) if storable_id(channel_id) else found.none()
    return found


def get_write_back(account: Account, write_back_id: int) -> WriteBack:
    row = write_backs(account).filter(pk=write_back_id).first()
    if row is None:
        raise ChannelNotFound(f"no write-back {write_back_id}")
    return row


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
