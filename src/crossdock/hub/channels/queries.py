"""Channel reads, always scoped by account: channels and their sync runs.

A channel's health (which counts its write-backs) is read in
:mod:`crossdock.hub.fulfillment.queries`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.errors import ChannelNotFound
from crossdock.hub.channels.models import Channel, SyncRun


def channels(account: Account) -> QuerySet[Channel]:
    return Channel.objects.filter(account=account)


def get_channel(account: Account, channel_id: int) -> Channel:
    channel = Channel.objects.filter(account=account, pk=channel_id).first()
    if channel is None:
        raise ChannelNotFound(f"no channel {channel_id}")
    return channel


def sync_runs(account: Account, channel_id: int) -> QuerySet[SyncRun]:
    get_channel(account, channel_id)
    return SyncRun.objects.filter(account=account, channel_id=channel_id)
