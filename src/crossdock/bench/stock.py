"""Stock propagation: from one stock change to every affected push handed to the connectors.

For 1, 100 and 10,000 listings of one product (spread over up to ten channels, each with a
50 % rule), each round is one change and what follows it:

- **hub**: a receipt through ``catalog.services.receive`` (level lock, ledger row, push rows
  bumped in the same transaction), then the one push job it enqueues for all the channels
  it touched (``propagation.deliver_channels``: claim, compute every listing's quantity
  with its channel's rule, hand each channel its batches, fenced finish). The connector is
  a counting stand-in, so the figure is the hub's own work.
- **bare**: the least code computing the same quantities with plain ``sqlite3`` in memory:
  one ``UPDATE`` of the level, one ``SELECT`` of the listings joined to it and the rule,
  the same batches handed to the same stand-in, one ``UPDATE`` of what was pushed.

Each round checks that both handed over every listing, with the same quantities.
Figures: milliseconds from the change to the last push handed over (lower is better).
Targets (issue 16): ≤ 100 ms for one listing, ≤ 2 s for 10,000.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from contextlib import ExitStack

from crossdock.bench.dataset import migrate, new_shop
from crossdock.bench.harness import Case, Figure, Options
from crossdock.connectors.base import StockLevel, StockResult
from crossdock.core.actors import SYSTEM
from crossdock.core.stock import Rule
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import ChannelStock, InventorySource, Listing, StockPush
from crossdock.hub.catalog.propagation import deliver_channels
from crossdock.hub.catalog.services import create_product, create_source, receive, set_stock_rule
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel

NAME = "stock"
SUMMARY = "one stock change to all pushes handed over: 1, 100, 10,000 listings, hub beside bare"

#: Levels handed to the connector per call (the bare side's batch).
BATCH = 100
#: Units on hand before the first round; every round receives :data:`RECEIVED` more.
ON_HAND = 1_000
RECEIVED = 7
PERCENT = 50
SKU = "MUG-1"


class Counter:
    """The connector stand-in: keeps the levels handed over and answers ok."""

    def __init__(self) -> None:
        self.levels: dict[str, int] = {}

    def __call__(self, levels: Sequence[StockLevel]) -> list[StockResult]:
        for level in levels:
            self.levels[level.external_id] = level.quantity
        return [StockResult(level.sku, level.external_id, ok=True) for level in levels]


class _Hub:
    """One account with ``size`` listings of one product, in sync before the first round."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.account: Account = new_shop(f"stock {size}").account
        self.source: InventorySource = create_source(self.account, "Main warehouse")
        product = create_product(self.account, SKU, "Mug")
        receive(self.account, SKU, self.source, ON_HAND, SYSTEM)
        self.channels: list[Channel] = []
        for index in range(min(size, 10)):
            channel = add_channel(
                self.account,
                "sandbox",
                f"Market {index}",
                {"base_url": "http://127.0.0.1:9/sandbox/api/v1", "api_token": "bench"},
            )
            ChannelStock.objects.create(channel=channel, winner=ChannelStock.Winner.HUB)
            set_stock_rule(channel, Rule(percent=PERCENT))
            self.channels.append(channel)
        listings = Listing.objects.bulk_create(
            Listing(
                account=self.account,
                channel=self.channels[index % len(self.channels)],
                product=product,
                sku=f"{SKU}-{index}",
                external_id=f"L{index}",
            )
            for index in range(size)
        )
        StockPush.objects.bulk_create(
            StockPush(account=self.account, channel_id=row.channel_id, listing=row)
            for row in listings
        )
        self.push()
        self.last: dict[str, int] = {}

    def push(self) -> Counter:
        sender = Counter()
        deliver_channels([channel.pk for channel in self.channels], send=sender)
        return sender

    def round(self) -> Figure:
        started = time.perf_counter()
        receive(self.account, SKU, self.source, RECEIVED, SYSTEM)
        sender = self.push()
        seconds = time.perf_counter() - started
        if len(sender.levels) != self.size:
            raise AssertionError(f"the hub handed over {len(sender.levels)} of {self.size}")
        self.last = sender.levels
        return Figure(seconds * 1000)


class _Bare:
    """The same listings and rule as plain rows in an in-memory SQLite database."""

    def __init__(self, size: int, hub: _Hub) -> None:
        self.size = size
        self.hub = hub
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.executescript(
            """
            CREATE TABLE level (product INTEGER, source INTEGER, on_hand INTEGER,
                                reserved INTEGER, PRIMARY KEY (product, source));
            CREATE TABLE rule (channel INTEGER PRIMARY KEY, percent INTEGER);
            CREATE TABLE listing (id INTEGER PRIMARY KEY, channel INTEGER, product INTEGER,
                                  sku TEXT, external_id TEXT, pushed INTEGER);
            CREATE INDEX listing_product ON listing (product);
            """
        )
        channels = min(size, 10)
        self.db.execute("INSERT INTO level VALUES (1, 1, ?, 0)", (ON_HAND,))
        self.db.executemany(
            "INSERT INTO rule VALUES (?, ?)", [(c, PERCENT) for c in range(channels)]
        )
        self.db.executemany(
            "INSERT INTO listing VALUES (?, ?, 1, ?, ?, ?)",
            [
                (i, i % channels, f"{SKU}-{i}", f"L{i}", ON_HAND * PERCENT // 100)
                for i in range(size)
            ],
        )
        self.db.commit()

    def round(self) -> Figure:
        sender = Counter()
        started = time.perf_counter()
        with self.db:
            self.db.execute(
                "UPDATE level SET on_hand = on_hand + ? WHERE product = 1 AND source = 1",
                (RECEIVED,),
            )
        rows: list[tuple[int, str, str, int]] = self.db.execute(
            """SELECT l.id, l.sku, l.external_id, ((v.on_hand - v.reserved) * r.percent) / 100
               FROM listing l JOIN level v ON v.product = l.product
               JOIN rule r ON r.channel = l.channel
               WHERE l.product = 1 ORDER BY l.channel, l.id"""
        ).fetchall()
        levels = [StockLevel(sku, quantity, external_id) for _, sku, external_id, quantity in rows]
        for start in range(0, len(levels), BATCH):
            sender(levels[start : start + BATCH])
        with self.db:
            self.db.executemany(
                "UPDATE listing SET pushed = ? WHERE id = ?",
                [(quantity, listing) for listing, _, _, quantity in rows],
            )
        seconds = time.perf_counter() - started
        if len(sender.levels) != self.size:
            raise AssertionError(f"the baseline handed over {len(sender.levels)} of {self.size}")
        # Rounds interleave hub then bare, so both have received the same units by now.
        if self.hub.last and sender.levels != self.hub.last:
            raise AssertionError("the hub and the baseline pushed different quantities")
        return Figure(seconds * 1000)


def prepare(options: Options, stack: ExitStack) -> list[Case]:
    migrate()
    cases = []
    for size in options.stock_listings:
        hub = _Hub(size)
        bare = _Bare(size, hub)
        stack.callback(bare.db.close)
        label = f"{size:,} listing{'' if size == 1 else 's'}"
        cases += [
            Case(f"hub, {label}", "ms", hub.round, f"bare, {label}", higher_is_better=False),
            Case(f"bare, {label}", "ms", bare.round, higher_is_better=False),
        ]
    return cases
