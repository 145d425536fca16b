"""Stock pushes: coalesced, never stale, per channel rules and decisions, refusals recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossdock.connectors.base import StockLevel, StockResult, TerminalError
from crossdock.core.stock import Rule
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.listings import decide_winner, set_paused
from crossdock.hub.catalog.models import ChannelStock, InventorySource, Listing, StockPush
from crossdock.hub.catalog.propagation import deliver_channel
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
