"""Delivering stock pushes: claim channels' pending listings, compute, push, finish fenced.

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

One claim serves all the channels a change touched (one job names them all): their rows
are claimed, read and computed together, then each channel's share is pushed in groups of
up to its ``spec.stock_batch_size`` levels per call, and each call spends from the
channel's shared rate-limit bucket (the client comes from
:func:`~crossdock.hub.channels.connections.connected`, whose limiter every worker shares).
Listings fed only by marketplace fulfilment, unlinked or paused ones are never pushed; a
channel whose merchant has not chosen which side wins is not pushed at all.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.db import connection, transaction
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
from crossdock.hub.catalog.quantities import targets as targets_of
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
CLAIM_SIZE = 10_000
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
# Claim and finish: the hot statements, written as plain SQL over tuples (the ORM's compiling
# of them was most of a push's cost; see docs/performance.md)

_PUSH = StockPush._meta.db_table
_LISTING = Listing._meta.db_table
#: Due: pending and its time has come, or sent by a claim whose lease ran out.
_DUE = "((state = %s AND next_attempt_at <= %s) OR (state = %s AND lease_until <= %s))"


def _sql(text: str, *lists: int, **parts: str) -> str:
    """``text`` with the tables' names (``{push}``, ``{listing}``), ``{due}``, the fixed
    ``parts`` of this module, and for ``{0}``, ``{1}`` … an ``IN`` list of that many
    placeholders. Only names and ``%s`` are put in: every value is a parameter."""
    marks = [", ".join(["%s"] * count) for count in lists]
    return text.format(*marks, push=_PUSH, listing=_LISTING, due=_DUE, **parts)


def _when(moment: datetime) -> Any:
    """``moment`` as the database driver takes it (the ORM's own conversion)."""
    return connection.ops.adapt_datetimefield_value(moment)


def _execute(sql: str, params: Sequence[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count: int = cursor.rowcount
    return max(count, 0)


@dataclass(slots=True)
class _ListingView:
    """The listing columns a push needs, read as a tuple (no model instance)."""

    pk: int
    account_id: int
    channel_id: int
    product_id: int | None
    sku: str
    external_id: str
    status: str
    quantity_pushed: int | None
    quantity_read: int | None
    #: The channel was read after the last push (its quantity may differ from it).
    read_after_push: bool

    def __post_init__(self) -> None:
        self.read_after_push = bool(self.read_after_push)  # SQLite answers 0 or 1


@dataclass(slots=True)
class _Claimed:
    pk: int
    attempts: int
    listing: _ListingView


def _claim(
    channel_ids: Sequence[int], now: datetime, policy: PushPolicy
) -> tuple[str, list[_Claimed]]:
    """Claim up to ``CLAIM_SIZE`` due rows of any of the channels: one ``UPDATE`` choosing
    them inside itself, one ``SELECT`` of their listings by the claim's token."""
    token = uuid.uuid4().hex
    due = [State.PENDING, _when(now), State.SENDING, _when(now)]
    claimed = _execute(
        _sql(
            "UPDATE {push} SET state = %s, claim_token = %s, claimed_generation = generation,"
            " lease_until = %s, attempts = attempts + 1"
            " WHERE id IN (SELECT id FROM {push} WHERE channel_id IN ({0}) AND {due}"
            " ORDER BY next_attempt_at, id LIMIT %s) AND {due}",
            len(channel_ids),
        ),
        [State.SENDING, token, _when(now + policy.lease), *channel_ids, *due, CLAIM_SIZE, *due],
    )
    if not claimed:
        return "", []
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "SELECT p.id, p.attempts, l.id, l.account_id, p.channel_id, l.product_id,"
                " l.sku, l.external_id, l.status, l.quantity_pushed, l.quantity_read,"
                " CASE WHEN l.read_at IS NOT NULL"
                " AND (l.pushed_at IS NULL OR l.read_at > l.pushed_at) THEN 1 ELSE 0 END"
                " FROM {push} p JOIN {listing} l ON l.id = p.listing_id"
                " WHERE p.claim_token = %s ORDER BY p.channel_id, l.id"
            ),
            [token],
        )
        rows = [
            _Claimed(push_id, attempts, _ListingView(*listing))
            for push_id, attempts, *listing in cursor.fetchall()
        ]
    return token, rows


def _keep_lease(token: str, now: datetime, policy: PushPolicy) -> None:
    """Renew a claim's lease (a long push of many batches), so no other worker takes it."""
    _execute(
        _sql("UPDATE {push} SET lease_until = %s WHERE claim_token = %s AND state = %s"),
        [_when(now + policy.lease), token, State.SENDING],
    )


def _finish(token: str, now: datetime) -> None:
    """One statement: rows still ours go idle when nothing changed meanwhile, else back to
    pending, due now, to be pushed again with the newer value. The token is one claim's."""
    _execute(
        _sql(
            "UPDATE {push} SET"
            " state = CASE WHEN generation = claimed_generation THEN %s ELSE %s END,"
            " pushed_generation = CASE WHEN generation = claimed_generation"
            " THEN claimed_generation ELSE pushed_generation END,"
            " next_attempt_at = CASE WHEN generation = claimed_generation"
            " THEN NULL ELSE %s END,"
            " attempts = CASE WHEN generation = claimed_generation THEN 0 ELSE attempts END,"
            " last_error = CASE WHEN generation = claimed_generation THEN '' ELSE last_error END,"
            " claim_token = '', lease_until = NULL"
            " WHERE claim_token = %s AND state = %s"
        ),
        [State.IDLE, State.PENDING, _when(now), token, State.SENDING],
    )


def _back_off(
    token: str,
    rows: Sequence[_Claimed],
    error: str,
    retry_after: float | None,
    now: datetime,
    policy: PushPolicy,
) -> datetime | None:
    """Rows refused for now wait (never less than ``retry_after``): one ``UPDATE`` per
    attempt count among them; the latest due time."""
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_attempts[row.attempts].append(row.pk)
    latest: datetime | None = None
    for attempts, ids in by_attempts.items():
        due = now + retry_delay(attempts + 1, retry_after, policy)
        latest = due if latest is None or due > latest else latest
        for start in range(0, len(ids), _CHUNK):
            StockPush.objects.filter(
                pk__in=ids[start : start + _CHUNK], claim_token=token, state=State.SENDING
            ).update(
                state=State.PENDING,
                claim_token="",
                lease_until=None,
                next_attempt_at=due,
                last_error=error[:2000],
            )
    return latest


# ---------------------------------------------------------------------------------------------
# Delivery

#: Ids per ``IN`` list (well under every database's limit of parameters).
_CHUNK = 500


@dataclass(slots=True)
class _Target:
    """One channel of a delivery: where its levels go, and whether it asked to wait."""

    channel_id: int
    send: Sender
    batch_size: int
    #: Set when the channel answered "later" (429, Retry-After …): (reason, retry after).
    waiting: tuple[str, float | None] | None = None
    retry_at: datetime | None = None

    def later(self, due: datetime | None) -> None:
        if due is not None and (self.retry_at is None or due < self.retry_at):
            self.retry_at = due


@dataclass(slots=True)
class _Outcome:
    pushed: list[_ListingView] = field(default_factory=list)
    failed: list[tuple[_ListingView, str]] = field(default_factory=list)
    retry: list[tuple[_Claimed, str]] = field(default_factory=list)


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


def _store_listings(outcome: _Outcome, token: str, rows: Sequence[_Claimed], now: datetime) -> None:
    """Store each listing's new quantity and status: one ``UPDATE`` per distinct outcome
    (listings of one product on one channel share it), not one per listing. An outcome
    every claimed listing of some channels shares selects them by the claim's token."""
    statuses: dict[tuple[str, ListingEvent, int], ListingStatus] = {}

    def status_after(current: str, event: ListingEvent, quantity: int) -> ListingStatus:
        key = (current, event, quantity if quantity <= 0 else 1)
        if key not in statuses:
            statuses[key] = transition(ListingStatus(current), event, quantity)
        return statuses[key]

    groups: dict[tuple[int | None, ListingStatus, str, bool], list[_ListingView]] = defaultdict(
        list
    )
    for listing in outcome.pushed:
        status = status_after(listing.status, ListingEvent.PUSHED, listing.quantity_pushed or 0)
        groups[(listing.quantity_pushed, status, "", True)].append(listing)
    for listing, reason in outcome.failed:
        status = status_after(listing.status, ListingEvent.FAILED, 0)
        groups[(listing.quantity_pushed, status, reason[:2000], False)].append(listing)
    claimed: dict[int, int] = defaultdict(int)
    for row in rows:
        claimed[row.listing.channel_id] += 1
    at = _when(now)
    for (quantity, new_status, reason, pushed), listings in groups.items():
        assign = "status = %s, status_reason = %s, updated_at = %s"
        values: list[object] = [new_status.value, reason, at]
        if pushed:
            assign += ", quantity_pushed = %s, pushed_at = %s"
            values += [quantity, at]
        channels = sorted({listing.channel_id for listing in listings})
        if sum(claimed[channel_id] for channel_id in channels) == len(listings):
            _execute(
                _sql(
                    "UPDATE {listing} SET {assign} WHERE id IN (SELECT listing_id"
                    " FROM {push} WHERE claim_token = %s AND channel_id IN ({0}))",
                    len(channels),
                    assign=assign,
                ),
                [*values, token, *channels],
            )
            continue
        ids = [listing.pk for listing in listings]
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            _execute(
                _sql("UPDATE {listing} SET {assign} WHERE id IN ({0})", len(chunk), assign=assign),
                [*values, *chunk],
            )


def _needs_push(listing: _ListingView, quantity: int) -> bool:
    """Whether the channel may show something other than ``quantity``."""
    if listing.status in (ListingStatus.PENDING, ListingStatus.ERROR):
        return True
    if listing.quantity_pushed != quantity:
        return True
    return listing.read_after_push and listing.quantity_read != quantity


def _push_channel(
    target: _Target,
    token: str,
    to_push: Sequence[tuple[_Claimed, int]],
    outcome: _Outcome,
    lease: Callable[[], None],
    clock: Clock,
    policy: PushPolicy,
) -> int:
    """Hand one channel's share of a claim to it in batches; the number handed over. Once
    it answers "later", the rest of its share waits as well (its ``Retry-After`` honoured)."""
    handed = 0
    for start in range(0, len(to_push), target.batch_size):
        batch = to_push[start : start + target.batch_size]
        if target.waiting is not None:
            reason, retry_after = target.waiting
            target.later(
                _back_off(token, [row for row, _ in batch], reason, retry_after, clock(), policy)
            )
            continue
        lease()
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
            results = target.send(levels)
        except RetryableError as error:
            target.waiting = (str(error), error.retry_after)
            target.later(
                _back_off(
                    token, [row for row, _ in batch], str(error), error.retry_after, clock(), policy
                )
            )
            continue
        except (ConnectorError, UnknownConnector, SecretUnreadable) as error:
            reason = f"{type(error).__name__}: {error}"
            outcome.failed.extend((row.listing, reason) for row, _ in batch)
            continue
        handed += len(batch)
        _apply_results(batch, results, outcome)
    return handed


def _round(targets: Mapping[int, _Target], clock: Clock, policy: PushPolicy) -> tuple[int, int]:
    """One claim of up to ``CLAIM_SIZE`` rows over every channel, one computation of their
    quantities, each channel's share handed to it, one transaction storing the listings
    and finishing the claim: (rows claimed, levels handed over)."""
    claimed_at = clock()
    token, rows = _claim(sorted(targets), claimed_at, policy)
    if not rows:
        return 0, 0
    renewed = [claimed_at]

    def lease() -> None:
        now = clock()
        if now - renewed[0] >= policy.lease / 2:
            _keep_lease(token, now, policy)
            renewed[0] = now

    computed = targets_of([row.listing for row in rows])
    shares: dict[int, list[tuple[_Claimed, int]]] = defaultdict(list)
    for row in rows:
        explanation = computed.get(row.listing.pk)
        if explanation is None or row.listing.status == ListingStatus.PAUSED:
            continue
        if _needs_push(row.listing, explanation.result):
            shares[row.listing.channel_id].append((row, explanation.result))
    outcome = _Outcome()
    handed = 0
    for channel_id, to_push in shares.items():
        handed += _push_channel(targets[channel_id], token, to_push, outcome, lease, clock, policy)
    refused: dict[int, list[tuple[_Claimed, str]]] = defaultdict(list)
    for row, problem in outcome.retry:
        refused[row.listing.channel_id].append((row, problem))
    for channel_id, found in refused.items():
        targets[channel_id].later(
            _back_off(
                token,
                [row for row, _ in found],
                "; ".join(problem for _, problem in found[:3]),
                None,
                clock(),
                policy,
            )
        )
    now = clock()
    with transaction.atomic():
        _store_listings(outcome, token, rows, now)
        _finish(token, now)
    return len(rows), handed


def deliver_channels(
    channel_ids: Iterable[int],
    *,
    client: httpx.Client | None = None,
    send: Sender | None = None,
    clock: Clock = timezone.now,
    policy: PushPolicy = DEFAULT_POLICY,
    retry: Retry | None = None,
) -> int:
    """Push every due pending listing of these channels; the number of levels handed over.

    All of a change's channels are delivered together: one claim (of up to ``CLAIM_SIZE``
    rows at a time) and one computation for all of them, then each channel's share goes to
    its own connector in its batch size, and each channel fails or waits on its own.
    ``send`` replaces every connector's ``set_stock`` (tests, the benchmark). Retryable
    refusals are backed off and ``retry`` (the task module's enqueue) is called per
    channel with its earliest due time; without it the periodic sweep picks them up.
    """
    # Connecting never overwrites silently: nothing moves until the merchant decides.
    channels = list(
        Channel.objects.filter(pk__in=sorted(set(channel_ids)), is_active=True)
        .exclude(stock_state__winner=ChannelStock.Winner.UNDECIDED)
        .filter(stock_state__isnull=False)
        .order_by("pk")
    )
    with ExitStack() as stack:
        targets: dict[int, _Target] = {}
        for channel in channels:
            spec = spec_of(channel)
            if spec is None:
                continue
            batch_size = max(spec.stock_batch_size, 1)
            if send is not None:
                targets[channel.pk] = _Target(channel.pk, send, batch_size)
                continue
            try:
                connector = stack.enter_context(connected(channel, client))
            except (ConnectorError, UnknownConnector, SecretUnreadable) as error:
                logger.warning("channel %s cannot be reached to push stock: %s", channel.pk, error)
                continue
            if not isinstance(connector, SetStock):
                logger.info("channel %s cannot set stock; pushes stay pending", channel.pk)
                continue
            targets[channel.pk] = _Target(channel.pk, connector.set_stock, batch_size)
        if not targets:
            return 0
        return _deliver(targets, clock, policy, retry)


def deliver_channel(
    channel_id: int,
    *,
    client: httpx.Client | None = None,
    send: Sender | None = None,
    clock: Clock = timezone.now,
    policy: PushPolicy = DEFAULT_POLICY,
    retry: Retry | None = None,
) -> int:
    """:func:`deliver_channels` of one channel."""
    return deliver_channels(
        [channel_id], client=client, send=send, clock=clock, policy=policy, retry=retry
    )


def _deliver(
    targets: Mapping[int, _Target], clock: Clock, policy: PushPolicy, retry: Retry | None
) -> int:
    """Claim rounds until a claim finds nothing due (rows whose generation moved during
    their push are due again at once); channels still busy after ``MAX_ROUNDS`` get a fresh
    job now."""
    handed = 0
    for _ in range(MAX_ROUNDS):
        claimed, count = _round(targets, clock, policy)
        handed += count
        if not claimed:
            break
    else:
        for target in targets.values():
            target.later(clock())
    if retry is not None:
        for target in targets.values():
            if target.retry_at is not None:
                retry(target.channel_id, target.retry_at)
    return handed
