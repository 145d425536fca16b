"""The order pull: read what changed on a channel since its cursor and store it, once.

One pull of one channel at a time: a pull holds a lease on the channel row (a conditional
``UPDATE``, so it works the same on SQLite and PostgreSQL and no transaction stays open
across HTTP calls); a worker that dies leaves a lease that simply expires.

The window starts at the cursor minus the connector's settle time, so orders a channel
settles late, and orders that changed while the last pull was paging, are read again; the
upsert makes re-reads free. The cursor (the newest channel change time stored) moves only
after a page is stored, and only forward; a database failure (not the order's own fault)
stops the pull before the cursor passes it. A run its killed worker left "running" is closed
as failed by the channel's next pull. An order that cannot be read or stored is
recorded in the run's ``problems`` and skipped; it never blocks the others.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from crossdock.connectors.base import ConnectorError, FetchOrder, OrderBatch, PullOrders
from crossdock.connectors.registry import UnknownConnector
from crossdock.core.actors import Actor, ActorKind
from crossdock.core.digests import digest_matches, is_current, order_digest
from crossdock.core.display import plural
from crossdock.hub.channels.connections import connected, spec_of
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.orders.errors import OrderError
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.upsert import (
    UpsertOutcome,
    create_channel_orders,
    upsert_channel_order,
)
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

#: How long a pull may hold a channel before another worker may take it over.
LEASE = timedelta(minutes=10)
#: How far back the first pull of a channel looks.
INITIAL_LOOKBACK = timedelta(days=30)
#: A safety stop for a channel that keeps answering "there is another page".
MAX_PAGES = 10_000
#: At most this many problems are kept on a run (the count is exact).
MAX_PROBLEMS = 100


@dataclass(slots=True)
class Tally:
    """What a pull did so far, order by order (the run's counts and problems)."""

    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    failed: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def problem(self, external_id: str, error: str) -> None:
        self.failed += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"external_id": external_id, "error": error[:500]})


def claim_channel(channel_id: int, owner: str, now: datetime) -> bool:
    """Take the channel's pull lease unless another live pull holds it."""
    claimed = Channel.objects.filter(
        Q(sync_lease_until__isnull=True) | Q(sync_lease_until__lte=now) | Q(sync_lease_owner=owner),
        pk=channel_id,
        is_active=True,
    ).update(sync_lease_until=now + LEASE, sync_lease_owner=owner)
    return claimed == 1


#: Why a run is closed as failed when the next pull finds it still "running".
ABANDONED_RUN = "the worker running this pull stopped before it finished"


def close_abandoned_runs(channel_id: int, now: datetime) -> int:
    """Close as failed the order pulls of a channel left "running" by a worker that died.

    Called by a pull that holds the channel's lease: no other pull of the channel is live,
    so a run still "running" is one whose worker was killed mid-pull (its lease ran out).
    What it stored stays stored; the cursor is where its last stored page left it.
    """
    return SyncRun.objects.filter(
        channel_id=channel_id, kind=SyncRun.Kind.ORDERS, outcome=SyncRun.Outcome.RUNNING
    ).update(outcome=SyncRun.Outcome.FAILED, finished_at=now, error=ABANDONED_RUN)


def _renew(channel_id: int, owner: str) -> None:
    Channel.objects.filter(pk=channel_id, sync_lease_owner=owner).update(
        sync_lease_until=timezone.now() + LEASE
    )


def window_start(cursor: datetime | None, settle_time: timedelta, now: datetime) -> datetime:
    """Where a pull starts reading: the cursor minus the overlap, or the initial look-back."""
    if cursor is None:
        return now - INITIAL_LOOKBACK
    return cursor - settle_time


def _stored_digests(channel: Channel, batch: OrderBatch) -> dict[str, str]:
    ids = [pulled.external_id for pulled in batch.orders]
    found = Order.objects.filter(channel=channel, external_id__in=ids)
    return dict(found.values_list("external_id", "payload_digest"))


def store_batch(channel: Channel, batch: OrderBatch, tally: Tally, actor: Actor) -> None:
    """Store one page of a pull: new orders in one batch, changed ones one by one."""
    # Re-reads of the overlap window are most of a steady-state pull: one query tells which
    # orders are unchanged, so they cost no lock and no transaction.
    # New orders are created together, in one transaction of a few statements.
    stored = _stored_digests(channel, batch)
    created = create_channel_orders(
        channel,
        [
            pulled.data
            for pulled in batch.orders
            if pulled.data is not None and pulled.external_id not in stored
        ],
        actor,
    )
    for pulled in batch.orders:
        tally.fetched += 1
        if pulled.data is None:
            tally.problem(pulled.external_id, pulled.problem or "unreadable order")
            continue
        if (pulled.data.external_id or pulled.data.number) in created:
            tally.created += 1
            created.pop(pulled.data.external_id or pulled.data.number)
            continue
        digest = stored.get(pulled.external_id)
        if digest is not None and digest_matches(digest, pulled.data):
            tally.unchanged += 1
            if not is_current(digest):
                # Stored before the digest's current form: kept in the new one, once.
                Order.objects.filter(channel=channel, external_id=pulled.external_id).update(
                    payload_digest=order_digest(pulled.data)
                )
            continue
        try:
            _, outcome = upsert_channel_order(channel, pulled.data, actor)
        except (OperationalError, InterfaceError):
            # The database failed, not the order (locked, connection lost): the pull stops
            # here, before the cursor passes an order it could not store.
            raise
        except (OrderError, ValueError, ArithmeticError, DatabaseError) as error:
            # ArithmeticError (decimal's InvalidOperation, OverflowError) says little itself.
            reason = (
                f"an amount or quantity is out of range ({type(error).__name__})"
                if isinstance(error, ArithmeticError)
                else str(error)
            )
            logger.warning(
                "channel %s: order %s skipped: %s", channel.pk, pulled.external_id, reason
            )
            tally.problem(pulled.external_id, reason)
            continue
        if outcome == UpsertOutcome.CREATED:
            tally.created += 1
        elif outcome == UpsertOutcome.UPDATED:
            tally.updated += 1
        elif outcome == UpsertOutcome.CANCELLED:
            tally.cancelled += 1
        else:
            tally.unchanged += 1


def _advance_cursor(channel: Channel, batch: OrderBatch, owner: str) -> None:
    """Move the cursor to the newest change stored, never backwards, while still leased."""
    newest = max((pulled.updated_at for pulled in batch.orders), default=None)
    if newest is None or (channel.order_cursor is not None and newest <= channel.order_cursor):
        return
    Channel.objects.filter(pk=channel.pk, sync_lease_owner=owner).update(order_cursor=newest)
    channel.order_cursor = newest


def _pull_pages(
    channel: Channel, connector: PullOrders, since: datetime, tally: Tally, owner: str
) -> None:
    actor = Actor(ActorKind.CHANNEL, channel.name)
    page: str | None = None
    for _ in range(MAX_PAGES):
        batch = connector.fetch_orders(since, page)
        store_batch(channel, batch, tally, actor)
        _advance_cursor(channel, batch, owner)
        _renew(channel.pk, owner)
        if batch.next_page is None:
            return
        page = batch.next_page
    raise ConnectorError(f"more than {MAX_PAGES} pages; stopped")


def pull_orders(
    channel_id: int, *, client: httpx.Client | None = None, owner: str | None = None
) -> SyncRun | None:
    """Run one order pull of a channel; ``None`` when another pull holds it (or it is off)."""
    owner = owner or uuid.uuid4().hex
    started_at = timezone.now()
    if not claim_channel(channel_id, owner, started_at):
        return None
    clock = time.monotonic()
    close_abandoned_runs(channel_id, started_at)
    channel = Channel.objects.get(pk=channel_id)
    spec = spec_of(channel)
    since = window_start(
        channel.order_cursor, spec.settle_time if spec else timedelta(0), started_at
    )
    run = SyncRun.objects.create(
        account_id=channel.account_id,
        channel=channel,
        kind=SyncRun.Kind.ORDERS,
        started_at=started_at,
        since=since,
    )
    tally = Tally()
    error = ""
    try:
        with connected(channel, client) as connector:
            if not isinstance(connector, PullOrders):
                raise ConnectorError(f"{channel.kind} channels do not pull orders")
            _pull_pages(channel, connector, since, tally, owner)
    except (ConnectorError, UnknownConnector, SecretUnreadable) as failure:
        error = f"{type(failure).__name__}: {failure}"
        logger.warning("channel %s: order pull failed: %s", channel.pk, error)
    except Exception as failure:
        # A bug or an outage: the run is recorded as failed (never as a success) and the
        # job fails too, with its traceback.
        error = f"unexpected {type(failure).__name__}: {failure}"
        raise
    finally:
        _finish(channel, run, tally, error, owner, clock)
    return run


def _finish(
    channel: Channel, run: SyncRun, tally: Tally, error: str, owner: str, clock: float
) -> None:
    finished_at = timezone.now()
    if error:
        outcome = SyncRun.Outcome.FAILED
    elif tally.failed:
        outcome = SyncRun.Outcome.PARTIAL
    else:
        outcome = SyncRun.Outcome.SUCCEEDED
    counts: dict[str, Any] = {
        "fetched": tally.fetched,
        "created": tally.created,
        "updated": tally.updated,
        "unchanged": tally.unchanged,
        "cancelled": tally.cancelled,
        "failed": tally.failed,
    }
    with transaction.atomic():
        SyncRun.objects.filter(pk=run.pk).update(
            outcome=outcome,
            finished_at=finished_at,
            duration_ms=int((time.monotonic() - clock) * 1000),
            problems=tally.problems,
            error=error,
            **counts,
        )
        health: dict[str, Any] = {
            "last_sync_at": finished_at,
            "next_sync_at": finished_at + timedelta(seconds=channel.sync_interval),
            "sync_lease_until": None,
            "sync_lease_owner": "",
        }
        if outcome == SyncRun.Outcome.FAILED:
            health["last_error"] = error
        else:
            health["last_success_at"] = finished_at
            health["last_error"] = (
                f"{plural(tally.failed, 'order')} could not be stored; see sync run {run.pk}"
                if tally.failed
                else ""
            )
        Channel.objects.filter(pk=channel.pk, sync_lease_owner=owner).update(**health)
    run.refresh_from_db()


def pull_one_order(channel_id: int, external_id: str, *, client: httpx.Client | None = None) -> str:
    """Read one order now (the webhook fast path) and store it like a pull would.

    Without the connector's ``fetch_order`` the channel's usual pull runs instead. A
    failure is logged, never raised: polling stays the source of truth and reads the order
    again. Returns what happened, in words, for the delivery log.
    """
    channel = Channel.objects.filter(pk=channel_id, is_active=True).first()
    if channel is None:
        return "channel inactive"
    tally = Tally()
    try:
        with connected(channel, client) as connector:
            if not isinstance(connector, FetchOrder):
                run = pull_orders(channel_id, client=client)
                return "channel pulled" if run is not None else "a pull was already running"
            pulled = connector.fetch_order(external_id)
            if pulled is None:
                return "no such order on the channel"
            store_batch(
                channel, OrderBatch((pulled,)), tally, Actor(ActorKind.CHANNEL, channel.name)
            )
    except (ConnectorError, UnknownConnector, SecretUnreadable) as failure:
        logger.warning("channel %s: order %s not read: %s", channel.pk, external_id, failure)
        return f"not read: {type(failure).__name__}"
    if tally.failed:
        return f"not stored: {tally.problems[0]['error']}"
    return "stored"
