"""Stock propagation: from one stock change to every affected push handed to the connectors.

- ``crossdock``: a receipt through ``catalog.services.receive`` (level lock, ledger row, push
  rows bumped in the same transaction), then each channel's push job
  (``propagation.deliver_channel``: claim, compute every listing's quantity with its
  channel's rule, hand batches of 100 levels to the connector, fenced finish). The
  connector is a counting stand-in, so the figure is the hub's own work.
- ``bare sqlite3``: the least code computing the same quantities: one ``UPDATE`` of the
  level, one ``SELECT`` of the listings joined to it and the rule, the same batches handed
  to the same stand-in, in an in-memory database.

Sizes: 1, 100 and 10,000 listings of one product spread over up to ten channels, each
channel with a 50 % rule. Targets: ≤ 100 ms for one listing, ≤ 2 s for 10,000.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.management import call_command
from django.test.utils import setup_test_environment

from crossdock.connectors.base import StockLevel, StockResult
from crossdock.core.actors import SYSTEM
from crossdock.core.stock import Rule
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account
from crossdock.hub.catalog.models import ChannelStock, InventorySource, Listing, StockPush
from crossdock.hub.catalog.propagation import deliver_channel
from crossdock.hub.catalog.services import (
    create_product,
    create_source,
    receive,
    set_stock_rule,
)
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel

SIZES = (1, 100, 10_000)
BATCH = 100
TARGETS = {1: 0.100, 10_000: 2.0}


@dataclass(frozen=True, slots=True)
class Row:
    listings: int
    crossdock_seconds: float
    baseline_seconds: float
    handed: int

    @property
    def ratio(self) -> float:
        return self.crossdock_seconds / self.baseline_seconds if self.baseline_seconds else 0.0


class Counter:
    """The connector stand-in: counts the levels handed over and answers ok."""

    def __init__(self) -> None:
        self.handed = 0

    def __call__(self, levels: Sequence[StockLevel]) -> list[StockResult]:
        self.handed += len(levels)
        return [StockResult(level.sku, level.external_id, ok=True) for level in levels]


def _setup(size: int) -> tuple[Account, InventorySource, list[Channel]]:
    account = create_account(f"Bench Stock {size}", f"stock{size}@example.com", "bench-pass-1")
    source = create_source(account, "Main warehouse")
    product = create_product(account, "MUG-1", "Mug")
    receive(account, "MUG-1", source, 1000, SYSTEM)
    channels = []
    for index in range(min(size, 10)):
        channel = add_channel(
            account,
            "sandbox",
            f"Market {index}",
            {"base_url": "http://127.0.0.1:9/sandbox/api/v1", "api_token": "bench"},
        )
        ChannelStock.objects.create(channel=channel, winner=ChannelStock.Winner.HUB)
        set_stock_rule(channel, Rule(percent=50))
        channels.append(channel)
    listings = Listing.objects.bulk_create(
        Listing(
            account=account,
            channel=channels[index % len(channels)],
            product=product,
            sku=f"MUG-1-{index}",
            external_id=f"L{index}",
        )
        for index in range(size)
    )
    StockPush.objects.bulk_create(
        StockPush(account=account, channel_id=row.channel_id, listing=row) for row in listings
    )
    # A first push of everything, so the timed change starts from listings in sync.
    for channel in channels:
        deliver_channel(channel.pk, send=Counter())
    return account, source, channels


def _crossdock(size: int) -> tuple[float, int]:
    account, source, channels = _setup(size)
    sender = Counter()
    started = time.perf_counter()
    receive(account, "MUG-1", source, 7, SYSTEM)
    for channel in channels:
        deliver_channel(channel.pk, send=sender)
    return time.perf_counter() - started, sender.handed


def _baseline(size: int) -> float:
    db = sqlite3.connect(":memory:")
    db.executescript(
        """
        CREATE TABLE level (product INTEGER, source INTEGER, on_hand INTEGER, reserved INTEGER,
                            PRIMARY KEY (product, source));
        CREATE TABLE rule (channel INTEGER PRIMARY KEY, percent INTEGER);
        CREATE TABLE listing (id INTEGER PRIMARY KEY, channel INTEGER, product INTEGER,
                              sku TEXT, external_id TEXT, pushed INTEGER);
        CREATE INDEX listing_product ON listing (product);
        """
    )
    db.execute("INSERT INTO level VALUES (1, 1, 1000, 0)")
    db.executemany("INSERT INTO rule VALUES (?, 50)", [(c,) for c in range(min(size, 10))])
    db.executemany(
        "INSERT INTO listing VALUES (?, ?, 1, ?, ?, 500)",
        [(i, i % min(size, 10), f"MUG-1-{i}", f"L{i}") for i in range(size)],
    )
    db.commit()
    sender = Counter()
    started = time.perf_counter()
    with db:
        db.execute("UPDATE level SET on_hand = on_hand + 7 WHERE product = 1 AND source = 1")
    rows: Iterable[tuple[str, str, int]] = db.execute(
        """SELECT l.sku, l.external_id, ((v.on_hand - v.reserved) * r.percent) / 100
           FROM listing l JOIN level v ON v.product = l.product JOIN rule r ON r.channel = l.channel
           WHERE l.product = 1 ORDER BY l.channel"""
    ).fetchall()
    levels = [StockLevel(sku, quantity, external_id) for sku, external_id, quantity in rows]
    for start in range(0, len(levels), BATCH):
        sender(levels[start : start + BATCH])
    with db:
        db.executemany(
            "UPDATE listing SET pushed = ? WHERE id = ?",
            [(quantity, int(external_id[1:])) for _, external_id, quantity in rows],
        )
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def scenario(sizes: Sequence[int] = SIZES) -> list[Row]:
    """One row per size: seconds from the change to all pushes handed over, and the baseline."""
    rows = []
    for size in sizes:
        seconds, handed = _crossdock(size)
        rows.append(Row(size, seconds, _baseline(size), handed))
    return rows


def run() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"{'listings':>9} {'crossdock':>11} {'bare sqlite3':>13} {'ratio':>7}  target")
    for row in scenario():
        target = TARGETS.get(row.listings)
        met = target is not None and row.crossdock_seconds <= target
        verdict = "" if target is None else f"≤ {target * 1000:.0f} ms {'met' if met else 'MISSED'}"
        print(
            f"{row.listings:>9} {row.crossdock_seconds * 1000:>9.1f} ms "
            f"{row.baseline_seconds * 1000:>10.2f} ms {row.ratio:>6.0f}×  {verdict}"
            f"  ({row.handed} handed over)"
        )
