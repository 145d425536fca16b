"""The stock push queue: marking listings changed and the ``stock`` lane's push job.

Every service that changes what a listing should show calls :func:`mark_products_changed`
(or :func:`mark_listings_changed`) inside its transaction: the listings' push rows get a new
generation and turn ``pending``, and once the transaction commits one ``push_stock`` job
delivers all the channels it touched together (one claim and one computation for all).
Many changes in a short time touch the same rows, so they become one push of the latest
value (see ``propagation.py`` for the claim and the fenced finish).
The periodic sweep re-enqueues channels whose pending rows lost their job.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django_tasks import task

from crossdock.hub.catalog.models import KitComponent, StockPush
from crossdock.hub.catalog.propagation import deliver_channels

State = StockPush.State


@task(queue_name="stock")
def push_stock(*channel_ids: int) -> int:
    """Push every due pending listing of these channels (a change's, together; a retry's or
    the sweep's, one); returns how many were handed over."""
    return deliver_channels(channel_ids, retry=_retry_at)


def _retry_at(channel_id: int, due: datetime) -> None:
    push_stock.using(run_after=due).enqueue(channel_id)


def _enqueue_on_commit(channel_ids: Iterable[int]) -> None:
    wanted = sorted(set(channel_ids))
    if wanted:
        transaction.on_commit(partial(_enqueue_push, wanted))


def _enqueue_push(channel_ids: list[int]) -> None:
    push_stock.enqueue(*channel_ids)


def kits_containing(product_ids: Iterable[int]) -> set[int]:
    """``product_ids`` and every kit that contains one of them, directly or through a kit."""
    found = set(product_ids)
    frontier = set(found)
    while frontier:
        kits = set(
            KitComponent.objects.filter(component_id__in=frontier).values_list("kit_id", flat=True)
        )
        frontier = kits - found
        found |= kits
    return found


def _bump(pushes: Q) -> set[int]:
    now = timezone.now()
    rows = StockPush.objects.filter(pushes)
    channel_ids = set(rows.values_list("channel_id", flat=True).distinct())
    if channel_ids:
        rows.update(
            generation=F("generation") + 1,
            # A row being pushed stays ``sending``: its fenced finish sees the new
            # generation and queues it again, so the newer value follows.
            state=Case(
                When(state=State.SENDING, then=Value(State.SENDING)), default=Value(State.PENDING)
            ),
            next_attempt_at=now,
        )
    return channel_ids


def mark_products_changed(product_ids: Iterable[int]) -> None:
    """Queue pushes for every listing of these products and of the kits containing them.

    Call inside the transaction that changed their stock; the jobs start after commit.
    """
    products = kits_containing(product_ids)
    if products:
        _enqueue_on_commit(_bump(Q(listing__product_id__in=products)))


def mark_listings_changed(listing_ids: Iterable[int]) -> None:
    """Queue pushes for these listings (a rule, a link or a decision changed them)."""
    wanted = set(listing_ids)
    if wanted:
        _enqueue_on_commit(_bump(Q(listing_id__in=wanted)))


def mark_channel_changed(channel_id: int) -> None:
    """Queue pushes for every listing of a channel (its rule, sources or decision changed)."""
    _enqueue_on_commit(_bump(Q(channel_id=channel_id)))


def sweep_stock_pushes(grace: timedelta = timedelta(seconds=60)) -> int:
    """Periodic tick: enqueue channels with pushes overdue by ``grace`` (lost jobs, dead
    workers' leases). Delivery claims rows itself, so a channel enqueued twice is harmless."""
    moment = timezone.now() - grace
    due = Q(state=State.PENDING, next_attempt_at__lte=moment) | Q(
        state=State.SENDING, lease_until__lte=moment
    )
    # Undecided channels wait for the merchant: their pending rows are not overdue.
    decided = StockPush.objects.filter(due).exclude(channel__stock_state__winner="")
    channel_ids = sorted(set(decided.values_list("channel_id", flat=True)))
    for channel_id in channel_ids:
        push_stock.enqueue(channel_id)
    return len(channel_ids)
