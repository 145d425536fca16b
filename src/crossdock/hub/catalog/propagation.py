"""Delivering stock pushes: claim a channel's pending listings, compute, push, finish fenced.

::

    idle ──change──▶ pending ──claim──▶ sending ──finish, generation unchanged──▶ idle
                        ▲                  │
                        └──────────────────┘ generation moved during the push, or a
                                             retryable refusal (backed off)

A claim is a conditional ``UPDATE`` (``pending`` and due, or ``sending`` whose lease ran
out) that stamps a fresh ``claim_token`` and copies ``generation`` into
``claimed_generation``; no transaction is held across the HTTP call. The quantity is
computed *after* the claim, from the levels as they are then, so it is at least as new as
the claimed generation. The finish only touches rows still carrying the token, and turns
a row ``idle`` only when ``generation`` did not move meanwhile; otherwise the row goes back
to ``pending`` and is pushed again with the newer value. This is the write-back outbox's
claim-with-lease and fenced finish, so the queue can move onto the shared outbox engine
(``crossdock.platform.outbox``) once it exists.

Pushes are grouped per channel up to ``spec.stock_batch_size`` levels per call, and each
call spends from the channel's shared rate-limit bucket (the client comes from
:func:`~crossdock.hub.channels.connections.connected`, whose limiter every worker
shares). Listings fed only by marketplace fulfilment, unlinked or paused ones are never
pushed; a channel whose merchant has not chosen which side wins is not pushed at all.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone

from crossdock.connectors.base import (
    ConnectorError,
    RetryableError,
    SetStock,
    StockLevel,
    StockResult,
)
from crossdock.connectors.registry import UnknownConnector
from crossdock.core.stock import ListingEvent, ListingStatus, transition
from crossdock.hub.catalog.models import ChannelStock, Listing, StockPush
from crossdock.hub.catalog.quantities import targets
from crossdock.hub.channels.connections import connected, spec_of
from crossdock.hub.channels.models import Channel
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

State = StockPush.State
Clock = Callable[[], datetime]
#: Enqueues the channel's next push job at a time (the task module passes it).
Retry = Callable[[int, datetime], None]
#: Hands a batch of levels to the channel; tests and the benchmark may pass their own.
Sender = Callable[[Sequence[StockLevel]], Sequence[StockResult]]

#: Rows claimed at once (then pushed in batches of the channel's batch size).
CLAIM_SIZE = 1000
#: Claim rounds per job; a channel still busy after them gets a fresh job.
MAX_ROUNDS = 20


@dataclass(frozen=True, slots=True)
class PushPolicy:
    """Back-off of retryable refusals (``base · 2^(attempt-1)``, capped, times 0.5–1) and the
    lease a claim holds its rows for."""

    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=30)
    lease: timedelta = timedelta(minutes=2)


DEFAULT_POLICY = PushPolicy()


def retry_delay(attempt: int, retry_after: float | None, policy: PushPolicy) -> timedelta:
    """How long a refused push waits; never less than the channel's ``Retry-After``."""
    exponential = min(policy.cap, policy.base * (1 << min(max(attempt - 1, 0), 20)))
    delay = exponential * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


# ---------------------------------------------------------------------------------------------
# Claim and finish


@dataclass(slots=True)
class _ListingView:
    """The listing columns a push needs, read without building model instances."""

    pk: int
    account_id: int
    channel_id: int
    product_id: int | None
    sku: str
    external_id: str
    status: str
    quantity_pushed: int | None
    quantity_read: int | None
    pushed_at: datetime | None
    read_at: datetime | None


@dataclass(slots=True)
class _Claimed:
    pk: int
    attempts: int
    listing: _ListingView


_CLAIMED_COLUMNS = (
    "pk",
    "attempts",
    "listing_id",
    "account_id",
    "channel_id",
    "listing__product_id",
    "listing__sku",
    "listing__external_id",
    "listing__status",
    "listing__quantity_pushed",
    "listing__quantity_read",
    "listing__pushed_at",
    "listing__read_at",
)


def _claim(channel_id: int, now: datetime, policy: PushPolicy) -> tuple[str, list[_Claimed]]:
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, lease_until__lte=now
    )
    # One statement: the due rows are chosen inside the UPDATE (no id list round trip).
    chosen = (
        StockPush.objects.filter(due, channel_id=channel_id)
        .order_by("next_attempt_at", "id")
        .values("pk")[:CLAIM_SIZE]
    )
    token = uuid.uuid4().hex
    claimed = StockPush.objects.filter(due, pk__in=Subquery(chosen)).update(
        state=State.SENDING,
        claim_token=token,
        claimed_generation=F("generation"),
        lease_until=now + policy.lease,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "", []
    rows = [
        _Claimed(values[0], values[1], _ListingView(*values[2:]))
        for values in StockPush.objects.filter(claim_token=token).values_list(*_CLAIMED_COLUMNS)
    ]
    return token, rows


def _finish(token: str, now: datetime) -> int:
    """Rows still ours go idle when nothing changed meanwhile, else back to pending (the
    count of those, to be pushed again). The token is unique to one claim."""
    mine = StockPush.objects.filter(claim_token=token, state=State.SENDING)
    mine.filter(generation=F("claimed_generation")).update(
        state=State.IDLE,
        pushed_generation=F("claimed_generation"),
        claim_token="",
        lease_until=None,
        next_attempt_at=None,
        attempts=0,
        last_error="",
    )
    return mine.update(state=State.PENDING, claim_token="", lease_until=None, next_attempt_at=now)


def _back_off(
    token: str,
    rows: Sequence[_Claimed],
    error: str,
    retry_after: float | None,
    now: datetime,
    policy: PushPolicy,
) -> datetime | None:
    latest: datetime | None = None
    for row in rows:
        due = now + retry_delay(row.attempts + 1, retry_after, policy)
        latest = due if latest is None or due > latest else latest
        StockPush.objects.filter(pk=row.pk, claim_token=token, state=State.SENDING).update(
            state=State.PENDING,
            claim_token="",
            lease_until=None,
            next_attempt_at=due,
            last_error=error[:2000],
        )
    return latest


# ---------------------------------------------------------------------------------------------
# Delivery


@dataclass(slots=True)
class _Outcome:
    pushed: list[_ListingView]
    failed: list[tuple[_ListingView, str]]
    retry: list[tuple[_Claimed, str]]


def _apply_results(
    batch: Sequence[tuple[_Claimed, int]], results: Sequence[StockResult], outcome: _Outcome
) -> None:
    for (row, quantity), result in zip(batch, results, strict=False):
        listing = row.listing
        if result.ok:
            listing.quantity_pushed = quantity if result.quantity is None else result.quantity
            outcome.pushed.append(listing)
        elif result.retryable:
            outcome.retry.append((row, result.problem or "refused"))
        else:
            outcome.failed.append((listing, result.problem or "refused by the channel"))
    for row, _ in batch[len(results) :]:
        outcome.retry.append((row, "the channel answered no result for this listing"))


def _store_listings(outcome: _Outcome, token: str, claimed: int, now: datetime) -> None:
    """Store each listing's new quantity and status: one ``UPDATE`` per distinct outcome
    (listings of one product on one channel share it), not one per listing."""
    groups: dict[tuple[int | None, ListingStatus, str, bool], list[int]] = defaultdict(list)
    for listing in outcome.pushed:
        status = transition(
            ListingStatus(listing.status), ListingEvent.PUSHED, listing.quantity_pushed or 0
        )
        groups[(listing.quantity_pushed, status, "", True)].append(listing.pk)
    for listing, reason in outcome.failed:
        status = transition(ListingStatus(listing.status), ListingEvent.FAILED)
        groups[(listing.quantity_pushed, status, reason[:2000], False)].append(listing.pk)
    for (quantity, new_status, reason, pushed), ids in groups.items():
        values: dict[str, object] = {
            "status": new_status,
            "status_reason": reason,
            "updated_at": now,
        }
        if pushed:
            values.update(quantity_pushed=quantity, pushed_at=now)
        if len(ids) == claimed:
            # Every claimed listing had this outcome: select them by the claim's token.
            Listing.objects.filter(push__claim_token=token).update(**values)
            continue
        for start in range(0, len(ids), 500):
            Listing.objects.filter(pk__in=ids[start : start + 500]).update(**values)


def _needs_push(listing: _ListingView, quantity: int) -> bool:
    """Whether the channel may show something other than ``quantity``."""
    if listing.status in (ListingStatus.PENDING, ListingStatus.ERROR):
        return True
    if listing.quantity_pushed != quantity:
        return True
    read_after_push = listing.read_at is not None and (
        listing.pushed_at is None or listing.read_at > listing.pushed_at
    )
    return read_after_push and listing.quantity_read != quantity


def _round(
    channel: Channel,
    send: Sender,
    batch_size: int,
    clock: Clock,
    policy: PushPolicy,
) -> tuple[int, int, datetime | None]:
    """One claim of up to ``CLAIM_SIZE`` rows: (whether more may be due — a full claim, or
    rows whose generation moved during the push —, levels handed over, retry at)."""
    token, rows = _claim(channel.pk, clock(), policy)
    if not rows:
        return 0, 0, None
    computed = targets([row.listing for row in rows])
    to_push: list[tuple[_Claimed, int]] = []
    for row in rows:
        explanation = computed.get(row.listing.pk)
        if explanation is None or row.listing.status == ListingStatus.PAUSED:
            continue
        if _needs_push(row.listing, explanation.result):
            to_push.append((row, explanation.result))
    outcome = _Outcome([], [], [])
    retry_at: datetime | None = None
    handed = 0
    for start in range(0, len(to_push), batch_size):
        batch = to_push[start : start + batch_size]
        levels = [
            StockLevel(
                sku=row.listing.sku,
                quantity=quantity,
                external_id=row.listing.external_id,
                expected=row.listing.quantity_read,
            )
            for row, quantity in batch
        ]
        try:
            results = send(levels)
        except RetryableError as error:
            due = _back_off(
                token, [row for row, _ in batch], str(error), error.retry_after, clock(), policy
            )
            retry_at = due if retry_at is None or (due is not None and due < retry_at) else retry_at
            continue
        except (ConnectorError, UnknownConnector, SecretUnreadable) as error:
            reason = f"{type(error).__name__}: {error}"
            outcome.failed.extend((row.listing, reason) for row, _ in batch)
            continue
        handed += len(batch)
        _apply_results(batch, results, outcome)
    if outcome.retry:
        due = _back_off(
            token,
            [row for row, _ in outcome.retry],
            "; ".join(p for _, p in outcome.retry[:3]),
            None,
            clock(),
            policy,
        )
        retry_at = due if retry_at is None or (due is not None and due < retry_at) else retry_at
    now = clock()
    with transaction.atomic():
        _store_listings(outcome, token, len(rows), now)
        again = _finish(token, now)
    return again + (len(rows) >= CLAIM_SIZE), handed, retry_at


def deliver_channel(
    channel_id: int,
    *,
    client: httpx.Client | None = None,
    send: Sender | None = None,
    clock: Clock = timezone.now,
    policy: PushPolicy = DEFAULT_POLICY,
    retry: Retry | None = None,
) -> int:
    """Push every due pending listing of one channel; the number of levels handed over.

    ``send`` replaces the connector's ``set_stock`` (the benchmark's counting sender).
    Retryable refusals are backed off and ``retry`` (the task module's enqueue) is called
    with the earliest due time; without it the periodic sweep picks them up.
    """
    # Connecting never overwrites silently: nothing moves until the merchant decides.
    channel = (
        Channel.objects.filter(pk=channel_id, is_active=True)
        .exclude(stock_state__winner=ChannelStock.Winner.UNDECIDED)
        .filter(stock_state__isnull=False)
        .first()
    )
    if channel is None:
        return 0
    spec = spec_of(channel)
    if spec is None:
        return 0
    batch_size = max(spec.stock_batch_size, 1)
    if send is not None:
        return _deliver(channel, send, batch_size, clock, policy, retry)
    with connected(channel, client) as connector:
        if not isinstance(connector, SetStock):
            logger.info("channel %s cannot set stock; pushes stay pending", channel_id)
            return 0
        return _deliver(channel, connector.set_stock, batch_size, clock, policy, retry)


def _deliver(
    channel: Channel,
    send: Sender,
    batch_size: int,
    clock: Clock,
    policy: PushPolicy,
    retry: Retry | None,
) -> int:
    handed = 0
    earliest: datetime | None = None
    for _ in range(MAX_ROUNDS):
        more, count, retry_at = _round(channel, send, batch_size, clock, policy)
        handed += count
        if retry_at is not None and (earliest is None or retry_at < earliest):
            earliest = retry_at
        if not more:
            break
    else:
        earliest = clock()
    if earliest is not None and retry is not None:
        retry(channel.pk, earliest)
    return handed
