"""Reading channels back: the listing pull and reconciliation jobs, and their periodic tick.

Reconciliation reads a channel's listings, compares each linked listing's quantity with
what the hub computes for it, records a :class:`DriftRecord` for each difference and heals
it by queueing a push. Listings with a push in flight, paused listings and channels whose
merchant has not decided which side wins are not healed (the drift is still recorded for
paused ones). The tick enqueues channels whose ``next_reconcile_at`` has passed, and a
first listing read of each newly connected channel that lists its listings.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from crossdock.connectors.base import Capability, ConnectorError
from crossdock.connectors.registry import UnknownConnector
from crossdock.core.actors import SYSTEM
from crossdock.core.stock import ListingStatus
from crossdock.hub.catalog.listings import ListingSync, pull_failed, pull_listings
from crossdock.hub.catalog.models import ChannelStock, DriftRecord, Listing, StockPush
from crossdock.hub.catalog.quantities import targets
from crossdock.hub.catalog.tasks import mark_listings_changed
from crossdock.hub.channels.connections import spec_of
from crossdock.hub.channels.models import Channel
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

#: How often each channel's listings are read back and compared.
RECONCILE_EVERY = timedelta(minutes=15)


def reconcile_channel(
    channel_id: int, *, client: httpx.Client | None = None, now: datetime | None = None
) -> list[DriftRecord]:
    """Read the channel's listings back, record drift and queue pushes that heal it."""
    moment = now or timezone.now()
    channel = Channel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None:
        return []
    ChannelStock.objects.filter(channel=channel).update(
        reconciled_at=moment, next_reconcile_at=moment + RECONCILE_EVERY
    )
    try:
        pull_listings(channel.pk, SYSTEM, client=client)
    except (ConnectorError, UnknownConnector, SecretUnreadable) as error:
        logger.warning("reading listings of channel %s failed: %s", channel_id, error)
        pull_failed(channel, ConnectorError(str(error)))
        return []
    state = ChannelStock.objects.get(channel=channel)
    decided = state.winner != ChannelStock.Winner.UNDECIDED
    listings = list(
        Listing.objects.filter(
            channel=channel, product__isnull=False, quantity_read__isnull=False
        ).filter(push__state=StockPush.State.IDLE)
    )
    computed = targets(listings)
    drift: list[DriftRecord] = []
    heal: list[int] = []
    for listing in listings:
        explanation = computed.get(listing.pk)
        if explanation is None or listing.quantity_read == explanation.result:
            continue
        if not decided:
            action = DriftRecord.Action.UNDECIDED
        elif listing.status == ListingStatus.PAUSED:
            action = DriftRecord.Action.PAUSED
        else:
            action = DriftRecord.Action.HEALED
            heal.append(listing.pk)
        drift.append(
            DriftRecord(
                account_id=channel.account_id,
                channel=channel,
                listing=listing,
                product_id=listing.product_id,
                sku=listing.sku,
                expected=explanation.result,
                found=listing.quantity_read or 0,
                action=action,
            )
        )
    if not decided:
        # The differences are the connect-time question, not drift: nothing is recorded.
        return []
    with transaction.atomic():
        DriftRecord.objects.bulk_create(drift)
        mark_listings_changed(heal)
    return drift


@task(queue_name="stock")
def pull_channel_listings(channel_id: int) -> int:
    """Read a channel's listings now (on connecting, or "read listings" from a page).

    A channel that cannot answer is recorded on its stock state (shown on its Stock page)
    and read again by the next reconciliation; the job itself ends normally.
    """
    try:
        result: ListingSync = pull_listings(channel_id, SYSTEM)
    except (ConnectorError, UnknownConnector, SecretUnreadable) as error:
        logger.warning("reading listings of channel %s failed: %s", channel_id, error)
        channel = Channel.objects.filter(pk=channel_id).first()
        if channel is not None:
            pull_failed(channel, ConnectorError(str(error)))
        return 0
    return result.read


@task(queue_name="stock")
def reconcile_stock(channel_id: int) -> int:
    """Reconcile one channel; the number of drifted listings found."""
    return len(reconcile_channel(channel_id))


def _reconcilable(channel: Channel) -> bool:
    spec = spec_of(channel)
    return (
        spec is not None and spec.can(Capability.PULL_LISTINGS) and spec.can(Capability.SET_STOCK)
    )


def enqueue_first_listing_reads(limit: int = 100) -> int:
    """Channels connected since the last tick that can list their listings get a stock state
    (undecided: nothing is pushed) and a first read, so their differences can be shown."""
    fresh = Channel.objects.filter(is_active=True, stock_state__isnull=True).order_by("pk")
    count = 0
    for channel in fresh[:limit]:
        spec = spec_of(channel)
        if spec is None or not spec.can(Capability.PULL_LISTINGS):
            continue
        _, created = ChannelStock.objects.get_or_create(channel=channel)
        if created:
            pull_channel_listings.enqueue(channel.pk)
            count += 1
    return count


def enqueue_due_reconciliations(now: datetime | None = None, limit: int = 100) -> int:
    """Periodic tick: a first listing read for newly connected channels, and reconciliation
    of decided channels whose time has come. Returns how many jobs were enqueued."""
    moment = now or timezone.now()
    first_reads = enqueue_first_listing_reads(limit)
    due = list(
        ChannelStock.objects.filter(channel__is_active=True)
        .exclude(winner=ChannelStock.Winner.UNDECIDED)
        .filter(Q(next_reconcile_at__isnull=True) | Q(next_reconcile_at__lte=moment))
        .select_related("channel")
        .order_by("next_reconcile_at")[:limit]
    )
    count = 0
    for state in due:
        if not _reconcilable(state.channel):
            continue
        # Claimed by moving the time first: two ticks at once enqueue it once.
        if ChannelStock.objects.filter(
            pk=state.pk, next_reconcile_at=state.next_reconcile_at
        ).update(next_reconcile_at=moment + RECONCILE_EVERY):
            reconcile_stock.enqueue(state.channel_id)
            count += 1
    return first_reads + count
