"""Channel reads, always scoped by account: channels with their health, runs, write-backs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from crossdock.core.ids import storable_id
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.errors import ChannelNotFound
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.fulfillment.models import WriteBack

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


def channels(account: Account) -> QuerySet[Channel]:
    return Channel.objects.filter(account=account)


def get_channel(account: Account, channel_id: int) -> Channel:
    channel = Channel.objects.filter(account=account, pk=channel_id).first()
    if channel is None:
        raise ChannelNotFound(f"no channel {channel_id}")
    return channel


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


def sync_runs(account: Account, channel_id: int) -> QuerySet[SyncRun]:
    get_channel(account, channel_id)
    return SyncRun.objects.filter(account=account, channel_id=channel_id)


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
