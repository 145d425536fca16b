"""Background jobs of orders (``django-tasks`` on the database backend, queue ``sync``).

This module owns the enqueueing of order pulls ("sync now", the periodic tick);
:mod:`crossdock.hub.orders.pull` only pulls.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import lock_pullable
from crossdock.hub.orders.pull import pull_orders


@task(queue_name="sync")
def pull_channel_orders(channel_id: int) -> int | None:
    """Pull a channel's changed orders; returns the sync run id (``None``: another pull ran)."""
    run = pull_orders(channel_id)
    return run.pk if run is not None else None


def request_sync(account: Account, channel_id: int) -> Channel:
    """ "Sync now": enqueue an order pull of the channel in this transaction."""
    with transaction.atomic():
        channel = lock_pullable(account, channel_id)
        pull_channel_orders.enqueue(channel.pk)
        return channel


def enqueue_due_pulls(now: datetime | None = None) -> int:
    """Periodic tick: enqueue a pull for every active channel whose sync time has come.

    Each channel's ``next_sync_at`` is moved with a conditional update before its job is
    enqueued (in the same transaction), so workers ticking at once enqueue it once.
    """
    moment = now or timezone.now()
    due = Channel.objects.filter(is_active=True, next_sync_at__lte=moment).values_list(
        "pk", "next_sync_at", "sync_interval"
    )
    enqueued = 0
    for channel_id, scheduled, interval in due:
        with transaction.atomic():
            moved = Channel.objects.filter(pk=channel_id, next_sync_at=scheduled).update(
                next_sync_at=moment + timedelta(seconds=interval)
            )
            if moved:
                pull_channel_orders.enqueue(channel_id)
                enqueued += 1
    return enqueued
