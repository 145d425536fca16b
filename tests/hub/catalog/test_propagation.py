"""Stock pushes: coalesced, never stale, per channel rules and decisions, refusals recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossdock.connectors.base import RetryableError, StockLevel, StockResult, TerminalError
from crossdock.core.stock import Rule
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.listings import decide_winner, set_paused
from crossdock.hub.catalog.models import ChannelStock, InventorySource, Listing, StockPush
from crossdock.hub.catalog.propagation import PushPolicy, deliver_channel, deliver_channels
from crossdock.hub.catalog.quantities import pushed_sources
from crossdock.hub.catalog.services import (
    create_source,
    receive,
    set_channel_sources,
    set_stock_rule,
)
from crossdock.hub.catalog.tasks import sweep_stock_pushes
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from tests.fixtures.catalog import CLERK, listing, stocked, warehouse

pytestmark = pytest.mark.django_db


class Recorder:
    """A channel's ``set_stock`` that records each batch and answers ok (or as told)."""

    def __init__(self, answer: str = "ok") -> None:
        self.batches: list[list[tuple[str, int]]] = []
        self.answer = answer
        self.during: list[object] = []

    def __call__(self, levels: Sequence[StockLevel]) -> list[StockResult]:
        self.batches.append([(level.sku, level.quantity) for level in levels])
        while self.during:
            action = self.during.pop(0)
            assert callable(action)
            action()
        if self.answer == "terminal":
            raise TerminalError("listing deleted on the marketplace")
        return [
            StockResult(
                sku=level.sku,
                external_id=level.external_id,
                ok=self.answer == "ok",
                problem="" if self.answer == "ok" else "locked, try again",
                retryable=self.answer == "retry",
            )
            for level in levels
        ]


def _channel(account: Account, name: str = "North", *, decided: bool = True) -> Channel:
    channel = add_channel(
        account, "sandbox", name, {"base_url": "http://testserver/sandbox/api/v1", "api_token": "t"}
    )
    ChannelStock.objects.create(channel=channel, winner="hub" if decided else "")
    return channel


def _listing_of(account: Account, channel: Channel, sku: str) -> Listing:
    return listing(channel, account.products.get(sku=sku), sku)


def test_many_changes_become_one_push_of_the_latest_value(account: Account) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 5)
    channel = _channel(account)
    _listing_of(account, channel, "MUG-1")

    # when
    for _ in range(3):
        receive(account, "MUG-1", main, 1, CLERK)
    sent = Recorder()
    handed = deliver_channel(channel.pk, send=sent)

    # then
    assert handed == 1
    assert sent.batches == [[("MUG-1", 8)]]
    assert StockPush.objects.get().state == "idle"


def test_a_change_during_a_push_is_pushed_again_never_left_stale(account: Account) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 10)
    channel = _channel(account)
    row = _listing_of(account, channel, "MUG-1")
    sent = Recorder()
    sent.during.append(lambda: receive(account, "MUG-1", main, 5, CLERK))

    # when
    deliver_channel(channel.pk, send=sent)

    # then
    assert sent.batches == [[("MUG-1", 10)], [("MUG-1", 15)]]
    row.refresh_from_db()
    assert (row.quantity_pushed, row.status) == (15, "in_sync")
    push = StockPush.objects.get()
    assert (push.state, push.pushed_generation) == ("idle", push.generation)


def test_each_channel_shows_its_rule(account: Account) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 25)
    plain, halved, capped = (_channel(account, name) for name in ("A", "B", "C"))
    for channel in (plain, halved, capped):
        _listing_of(account, channel, "MUG-1")
    set_stock_rule(halved, Rule(percent=50))
    set_stock_rule(capped, Rule(maximum=10))

    # when
    shown = {}
    for channel in (plain, halved, capped):
        sent = Recorder()
        deliver_channel(channel.pk, send=sent)
        shown[channel.name] = sent.batches

    # then
    assert shown == {"A": [[("MUG-1", 25)]], "B": [[("MUG-1", 12)]], "C": [[("MUG-1", 10)]]}


def test_a_listing_override_beats_its_channels_rule_for_that_listing_only(
    account: Account,
) -> None:
    # given two listings of a 50 % channel, one with its own fixed quantity
    main = warehouse(account)
    stocked(account, "MUG-1", main, 20)
    stocked(account, "LID-1", main, 20)
    channel = _channel(account)
    _listing_of(account, channel, "MUG-1")
    lid = _listing_of(account, channel, "LID-1")
    set_stock_rule(channel, Rule(percent=50))
    set_stock_rule(channel, Rule(fixed=3), listing_id=lid.pk)

    # when the channel is pushed
    sent = Recorder()
    deliver_channel(channel.pk, send=sent)

    # then the override shows on its listing only
    assert sorted(pair for batch in sent.batches for pair in batch) == [
        ("LID-1", 3),
        ("MUG-1", 10),
    ]


def test_an_undecided_channel_is_not_pushed_until_the_merchant_decides(
    account: Account,
) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 4)
    channel = _channel(account, decided=False)
    _listing_of(account, channel, "MUG-1")
    sent = Recorder()

    # when
    before = deliver_channel(channel.pk, send=sent)
    decide_winner(channel, "hub", CLERK)
    after = deliver_channel(channel.pk, send=sent)

    # then
    assert (before, after) == (0, 1)
    assert sent.batches == [[("MUG-1", 4)]]


def test_a_channel_fed_only_by_marketplace_fulfilment_is_never_pushed(account: Account) -> None:
    # given
    channel = _channel(account)
    fba = create_source(account, "FBA", InventorySource.Kind.MARKETPLACE, channel)
    stocked(account, "MUG-1", fba, 7)
    set_channel_sources(channel, [fba])
    row = _listing_of(account, channel, "MUG-1")
    sent = Recorder()

    # when
    handed = deliver_channel(channel.pk, send=sent)

    # then
    assert (handed, sent.batches) == (0, [])
    row.refresh_from_db()
    assert (row.quantity_pushed, row.status) == (None, "pending")


def test_a_paused_listing_is_not_pushed(account: Account) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 4)
    channel = _channel(account)
    row = _listing_of(account, channel, "MUG-1")
    set_paused(channel, row.pk, paused=True)
    sent = Recorder()

    # when
    deliver_channel(channel.pk, send=sent)

    # then
    assert sent.batches == []
    assert StockPush.objects.get().state == "idle"


def test_a_refused_push_puts_the_listing_in_error_with_the_reason(account: Account) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 4)
    channel = _channel(account)
    row = _listing_of(account, channel, "MUG-1")

    # when
    deliver_channel(channel.pk, send=Recorder("terminal"))

    # then
    row.refresh_from_db()
    assert (row.status, row.status_reason) == (
        "error",
        "TerminalError: listing deleted on the marketplace",
    )
    assert row.quantity_pushed is None


def test_a_retryable_refusal_backs_off_and_asks_for_a_later_job(account: Account) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 4)
    channel = _channel(account)
    _listing_of(account, channel, "MUG-1")
    asked: list[tuple[int, datetime]] = []

    # when
    deliver_channel(channel.pk, send=Recorder("retry"), retry=lambda c, due: asked.append((c, due)))

    # then
    push = StockPush.objects.get()
    assert (push.state, push.last_error) == ("pending", "locked, try again")
    assert push.next_attempt_at is not None
    assert asked == [(channel.pk, push.next_attempt_at)]


class PushesAfterCommit(TestCase):
    def test_a_stock_change_enqueues_one_push_job_for_all_its_channels_on_commit(self) -> None:
        # given
        account = Account.objects.create(name="Commit Goods")
        main = warehouse(account)
        stocked(account, "MUG-1", main, 1)
        north, south = _channel(account, "N"), _channel(account, "S")
        _listing_of(account, north, "MUG-1")
        _listing_of(account, south, "MUG-1")

        # when
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            receive(account, "MUG-1", main, 2, CLERK)

        # then: one job names both channels, so one claim and one computation serve them
        assert len(callbacks) == 1
        assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
            ("crossdock.hub.catalog.tasks.push_stock", {"args": [north.pk, south.pk], "kwargs": {}})
        ]
        assert set(StockPush.objects.values_list("state", flat=True)) == {"pending"}


def test_the_sweep_re_enqueues_overdue_pushes_of_decided_channels_only(account: Account) -> None:
    # given: both channels have a push overdue by an hour
    main = warehouse(account)
    stocked(account, "MUG-1", main, 4)
    decided = _channel(account, "Decided")
    waiting = _channel(account, "Waiting", decided=False)
    _listing_of(account, decided, "MUG-1")
    _listing_of(account, waiting, "MUG-1")
    StockPush.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))

    # when
    swept = sweep_stock_pushes()

    # then
    assert swept == 1
    assert list(DBTaskResult.objects.values_list("args_kwargs", flat=True)) == [
        {"args": [decided.pk], "kwargs": {}}
    ]


class Markets:
    """Every channel's ``set_stock`` at once: records each call by channel (the listing's
    external id starts with it) and answers "later" for the channels told to."""

    def __init__(self, busy: dict[int, float] | None = None) -> None:
        self.calls: list[tuple[int, list[tuple[str, int]]]] = []
        self.busy = busy or {}

    def __call__(self, levels: Sequence[StockLevel]) -> list[StockResult]:
        channel_id = int(levels[0].external_id.split("-")[0])
        self.calls.append((channel_id, [(level.sku, level.quantity) for level in levels]))
        if channel_id in self.busy:
            raise RetryableError("429 Too Many Requests", retry_after=self.busy[channel_id])
        return [StockResult(level.sku, level.external_id, ok=True) for level in levels]


def _stocked_on(account: Account, channels: Sequence[Channel], count: int) -> None:
    """``count`` listings of one stocked product on each channel."""
    mug = stocked(account, "MUG-1", warehouse(account), 10)
    for channel in channels:
        for index in range(count):
            listing(channel, mug, f"MUG-1-{index}", f"{channel.pk}-{index}")


def test_one_change_to_many_channels_costs_the_statements_of_one(account: Account) -> None:
    # given a product listed on one channel, and another listed on five
    main = warehouse(account)
    stocked(account, "MUG-1", main, 10)
    stocked(account, "LID-1", main, 20)
    alone = _channel(account, "Alone")
    _listing_of(account, alone, "MUG-1")
    five = [_channel(account, f"Market {index}") for index in range(5)]
    for channel in five:
        _listing_of(account, channel, "LID-1")
    deliver_channels([alone.pk, *(channel.pk for channel in five)], send=Markets())

    # when each product changes and its channels are delivered together
    receive(account, "MUG-1", main, 1, CLERK)
    with CaptureQueriesContext(connection) as one:
        deliver_channels([alone.pk], send=Markets())
    receive(account, "LID-1", main, 1, CLERK)
    sent = Markets()
    with CaptureQueriesContext(connection) as many:
        handed = deliver_channels([channel.pk for channel in five], send=sent)

    # then five channels took one claim and one computation: as many statements as one
    assert handed == 5
    assert sorted(sent.calls) == [(channel.pk, [("LID-1", 21)]) for channel in five]
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_busy_channel_waits_its_retry_after_while_the_others_are_pushed(
    account: Account,
) -> None:
    # given 150 listings on each of two channels (batches of 100); one answers 429
    busy, free = _channel(account, "Busy"), _channel(account, "Free")
    _stocked_on(account, [busy, free], 150)
    sent = Markets(busy={busy.pk: 600})
    asked: list[tuple[int, datetime]] = []
    before = timezone.now()

    # when both are delivered together
    handed = deliver_channels(
        [busy.pk, free.pk], send=sent, retry=lambda c, due: asked.append((c, due))
    )

    # then the busy channel was asked once, not for its second batch; all its rows wait at
    # least its Retry-After, and a job is asked for then; the free channel got everything
    assert handed == 150
    assert [(channel, len(levels)) for channel, levels in sent.calls] == [
        (busy.pk, 100),
        (free.pk, 100),
        (free.pk, 50),
    ]
    waiting = StockPush.objects.filter(channel=busy)
    assert set(waiting.values_list("state", "last_error")) == {("pending", "429 Too Many Requests")}
    due = [moment for moment in waiting.values_list("next_attempt_at", flat=True) if moment]
    assert len(due) == 150
    assert min(due) >= before + timedelta(seconds=600)
    assert [channel for channel, _ in asked] == [busy.pk]
    assert asked[0][1] >= before + timedelta(seconds=600)
    assert set(StockPush.objects.filter(channel=free).values_list("state", flat=True)) == {"idle"}


def test_a_push_longer_than_half_its_lease_renews_it(account: Account) -> None:
    # given 300 listings (three batches) and a clock that moves two minutes a call
    channel = _channel(account)
    _stocked_on(account, [channel], 300)
    start = timezone.now()
    moments = iter(start + timedelta(minutes=2 * step) for step in range(100))
    leases: list[set[datetime | None]] = []

    def watching(levels: Sequence[StockLevel]) -> list[StockResult]:
        leases.append(set(StockPush.objects.values_list("lease_until", flat=True)))
        return Markets()(levels)

    # when
    deliver_channel(channel.pk, send=watching, clock=lambda: next(moments), policy=PushPolicy())

    # then before each batch the lease was renewed to two minutes after that moment (the
    # clock's 2, 4 and 6 minutes), so no other worker could take the rows meanwhile
    assert leases == [{start + timedelta(minutes=minutes)} for minutes in (4, 6, 8)]
    assert set(StockPush.objects.values_list("state", flat=True)) == {"idle"}


def test_every_path_reads_a_channels_sources_from_one_rule(account: Account) -> None:
    # given a channel with its own list (a marketplace source, an inactive one, two
    # warehouses in its order) and a channel with none
    first, second = warehouse(account, "First"), warehouse(account, "Second")
    closed = warehouse(account, "Closed")
    InventorySource.objects.filter(pk=closed.pk).update(is_active=False)
    own, default = _channel(account, "Own"), _channel(account, "Default")
    fba = create_source(account, "FBA", InventorySource.Kind.MARKETPLACE, own)
    set_channel_sources(own, [fba, closed, second, first])

    # when
    found = pushed_sources(account.pk, [own.pk, default.pk])

    # then its own active pushed sources in its order; the other gets every warehouse
    assert found == {own.pk: [second.pk, first.pk], default.pk: [first.pk, second.pk]}
