"""Concurrency on PostgreSQL: the last unit, the ledger and pushes under real parallel writers.

Threads with their own connections race for the same levels and push rows; only
PostgreSQL runs them truly in parallel (SQLite serialises writers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from django.db import connection

from crossdock.connectors.base import StockLevel, StockResult
from crossdock.hub.accounts.services import create_account
from crossdock.hub.catalog.models import (
    ChannelStock,
    MovementKind,
    StockMovement,
    StockPush,
)
from crossdock.hub.catalog.models import (
    StockLevel as Level,
)
from crossdock.hub.catalog.propagation import deliver_channel
from crossdock.hub.catalog.services import rebuild_levels, receive
from crossdock.hub.channels.services import add_channel
from crossdock.hub.orders.services import create_order
from tests.fixtures.catalog import CLERK, listing, order_data, stocked, warehouse
from tests.hub.channels.test_workers_postgres import _in_threads

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers, so there is no race",
    ),
    pytest.mark.usefixtures("transactional_db"),
]


def test_parallel_orders_for_the_last_unit_never_drive_available_negative() -> None:
    # given: one mug left, eight buyers at once, and receipts arriving meanwhile elsewhere
    account = create_account("Race Goods", "owner@race.test", "owner-pass-1")
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 1)
    stocked(account, "TEA-9", main, 1)

    def work(index: int) -> int:
        if index % 3 == 2:
            receive(account, "TEA-9", main, 1, CLERK)
        else:
            create_order(account, order_data(f"R-{index}", {"MUG-1": 1}), CLERK)
        return index

    # when
    _in_threads(12, work)

    # then
    row = Level.objects.get(product=mug, source=main)
    assert (row.on_hand, row.reserved) == (1, 1)
    assert StockMovement.objects.filter(kind=MovementKind.RESERVATION).count() == 1
    assert Level.objects.get(product__sku="TEA-9").on_hand == 5
    assert rebuild_levels(account, apply=False) == []


def test_parallel_pushes_never_leave_a_listing_at_a_stale_value() -> None:
    # given: a marketplace that shows whatever arrived last
    account = create_account("Push Goods", "owner@push.test", "owner-pass-1")
    main = warehouse(account)
    stocked(account, "MUG-1", main, 10)
    channel = add_channel(
        account, "sandbox", "North", {"base_url": "http://127.0.0.1:9/sandbox", "api_token": "t"}
    )
    ChannelStock.objects.create(channel=channel, winner="hub")
    row = listing(channel, account.products.get(sku="MUG-1"), "MUG-1")
    shown: dict[str, int] = {}
    lock = threading.Lock()

    def marketplace(levels: Sequence[StockLevel]) -> list[StockResult]:
        time.sleep(0.01)  # a slow channel widens the window for a newer change
        with lock:
            for level in levels:
                shown[level.sku] = level.quantity
        return [StockResult(level.sku, level.external_id, ok=True) for level in levels]

    changing = threading.Event()
    changing.set()
    changed = threading.Barrier(3, action=changing.clear)

    def work(index: int) -> int:
        if index < 3:
            # Three clerks receive five mugs each, one at a time, while pushes run.
            for _ in range(5):
                receive(account, "MUG-1", main, 1, CLERK)
                time.sleep(0.005)
            changed.wait()
            return 0
        # Three push workers keep draining the queue while the stock changes.
        handed = 0
        while changing.is_set():
            handed += deliver_channel(channel.pk, send=marketplace)
        return handed

    # when: the changes and pushes race, then the queue drains once more
    _in_threads(6, work)
    deliver_channel(channel.pk, send=marketplace)

    # then
    assert shown == {"MUG-1": 25}
    row.refresh_from_db()
    assert row.quantity_pushed == 25
    push = StockPush.objects.get(listing=row)
    assert (push.state, push.pushed_generation) == ("idle", push.generation)
