"""No lost or duplicated order: real ``crossdock worker`` processes killed mid-pull.

A served hub (``crossdock serve``, its sandbox marketplace on loopback) has a sandbox
channel whose shop holds several pages of orders; the shop's SKUs are catalog products in
the hub with plenty of stock, so every paid order the hub stores reserves its lines. The
shop then fails a share of calls (503, 429, slow answers) while buyers keep placing,
changing and cancelling orders. ``crossdock worker`` processes are started and killed with
``SIGKILL`` at random moments, several times over; before each one the clock of the
channel is moved past the dead worker's pull lease and its next sync time.

Recovery: the faults stop, the clocks are moved past leases and abandoned-job release, one
worker pulls until a pull succeeds. Then every shop order is in the hub exactly once with
the shop's latest content, each order holds reserved exactly its open lines, the stock
levels agree with the reservations and the ledger, no sync run is left "running" and no
job is left claimed.

Run longer by ``make soak`` (``CROSSDOCK_SOAK_PULL_ORDERS``, ``CROSSDOCK_SOAK_PULL_ROUNDS``).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from pathlib import Path

import httpx
import pytest

from crossdock.connectors.sandbox.client import PAGE_SIZE
from tests.reliability.served import (
    ManageShell,
    answered_lists,
    faults_met,
    kill_worker,
    migrated_env,
    running_worker,
    soak_line,
    start_worker,
    stocked_channel_setup,
)
from tests.serving import crossdock_serve

#: Orders in the shop before the first pull (pages of 100), and workers killed, per run.
ORDERS = int(os.environ.get("CROSSDOCK_SOAK_PULL_ORDERS", "210"))
ROUNDS = int(os.environ.get("CROSSDOCK_SOAK_PULL_ROUNDS", "4"))

#: The shop's faults while workers are killed: 503 to 20 %, 429 to 10 %, every call slow.
FAULTS = {"error_rate": "0.2", "rate_limit_rate": "0.1", "retry_after_seconds": "1"}
DELAY_MS = 150

#: After the shop, its stocked catalog and its channel: what the test needs of them.
SETUP = """
print("RESULT " + json.dumps({"token": created.token, "channel": channel.pk,
                             "api": create_token(account, "pull kills").secret,
                             "ids": [order.public_id for order in orders]}))
"""

#: Faults on (or off), and the clock moved: the dead worker's pull lease has run out, the
#: channel's next pull is due and a job it left claimed is old enough to be released.
CLOCK = """
from datetime import timedelta
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from crossdock.hub.channels.models import Channel
from crossdock.sandbox.models import SandboxShop
from crossdock.sandbox import services
shop = SandboxShop.objects.get()
services.configure_faults(shop, {faults})
past = timezone.now() - timedelta(minutes=15)
Channel.objects.filter(kind="sandbox").update(sync_lease_until=past, next_sync_at=past)
DBTaskResult.objects.filter(status="RUNNING").update(started_at=past - timedelta(hours=1))
"""

#: What the hub holds against what the shop serves (read through the real connector).
CHECK = """
import json
from collections import Counter, defaultdict
from django_tasks_db.models import DBTaskResult
from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import OrderReservation, OrderShortage, Product, StockLevel
from crossdock.hub.catalog.services import rebuild_levels
from crossdock.hub.channels.connections import connected
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.orders.models import Order
from crossdock.core.digests import order_digest
channel = Channel.objects.get(kind="sandbox")
served = {}
with connected(channel) as connector:
    page = None
    while True:
        batch = connector.fetch_orders(None, page)
        served.update((pulled.external_id, order_digest(pulled.data)) for pulled in batch.orders)
        if batch.next_page is None:
            break
        page = batch.next_page
stored = Order.objects.filter(channel=channel)
per_id = Counter(stored.values_list("external_id", flat=True))
digests = dict(stored.values_list("external_id", "payload_digest"))
products = dict(Product.objects.values_list("sku", "pk"))
holding = (OrderStatus.PAID, OrderStatus.PARTIALLY_SHIPPED)
wrong_reservations = []
wanted_total = defaultdict(int)
for order in stored.prefetch_related("lines"):
    wanted = defaultdict(int)
    if order.status in holding or (
        order.status == OrderStatus.ON_HOLD and order.status_before_hold != OrderStatus.UNPAID
    ):
        for line in order.lines.all():
            if line.sku in products:
                wanted[products[line.sku]] += line.quantity - line.quantity_shipped
    held = defaultdict(int)
    for product_id, quantity in OrderReservation.objects.filter(order_id=order.pk).values_list(
        "product_id", "quantity"
    ):
        held[product_id] += quantity
    if {p: q for p, q in wanted.items() if q} != dict(held):
        wrong_reservations.append(order.external_id)
    for product_id, quantity in wanted.items():
        wanted_total[product_id] += quantity
level_reserved = defaultdict(int)
for product_id, reserved in StockLevel.objects.values_list("product_id", "reserved"):
    level_reserved[product_id] += reserved
orphans = OrderReservation.objects.exclude(order_id__in=stored.values("pk")).count()
print("RESULT " + json.dumps({
    "served": len(served),
    "stored": len(per_id),
    "lost": sorted(set(served) - set(per_id)),
    "extra": sorted(set(per_id) - set(served)),
    "duplicated": sorted(key for key, n in per_id.items() if n > 1),
    "stale": sorted(key for key in served if key in digests and digests[key] != served[key]),
    "wrong reservations": wrong_reservations,
    "orphaned reservations": orphans,
    "shortages": OrderShortage.objects.count(),
    "levels off": {str(p): [level_reserved.get(p, 0), q] for p, q in wanted_total.items()
                   if level_reserved.get(p, 0) != q},
    "ledger off": len(rebuild_levels(Account.objects.get(name="Pullers"), apply=False)),
    "reserved units": sum(level_reserved.values()),
    "runs running": SyncRun.objects.filter(outcome="running").count(),
    "jobs running": DBTaskResult.objects.filter(status="RUNNING").count(),
    "runs": dict(Counter(SyncRun.objects.values_list("outcome", flat=True))),
    "cancelled": stored.filter(status="cancelled").count(),
}))
"""


class Buyers(threading.Thread):
    """Buyers on the shop while workers pull: new orders, changed orders, cancellations."""

    def __init__(self, base: str, token: str, ids: list[str], seed: int) -> None:
        super().__init__(daemon=True)
        self.halt = threading.Event()
        self.ids = list(ids)
        self.placed = self.changed = self.cancelled = 0
        self.gone: set[str] = set()
        self._rng = random.Random(seed)
        self._client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )

    def run(self) -> None:
        while not self.halt.wait(0.5):
            roll = self._rng.random()
            if roll < 0.4:
                answer = self._client.post("/simulate/orders", json={"count": 1})
                assert answer.status_code == 201, answer.text
                self.ids += [order["id"] for order in answer.json()["orders"]]
                self.placed += 1
                continue
            order_id = self._rng.choice(self.ids)
            action = "cancel" if roll > 0.9 else "change"
            answer = self._client.post(f"/simulate/orders/{order_id}/{action}", json={})
            # A cancelled order cannot change again (409): the buyer moves on.
            assert answer.status_code in (200, 409), answer.text
            if answer.status_code == 200 and action == "change":
                self.changed += 1
            elif answer.status_code == 200 and order_id not in self.gone:
                self.gone.add(order_id)
                self.cancelled += 1

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=120)
        self._client.close()


def _runs(api: httpx.Client, channel: object) -> list[dict[str, object]]:
    """The channel's sync runs, newest first, as the REST API lists them."""
    answer = api.get(f"/channels/{channel}/sync-runs")
    assert answer.status_code == 200, answer.text
    runs: list[dict[str, object]] = answer.json()
    return runs


def _stored(api: httpx.Client) -> int:
    """How many orders the hub holds, as the REST API counts them."""
    answer = api.get("/orders", params={"page_size": 1})
    assert answer.status_code == 200, answer.text
    count: int = answer.json()["count"]
    return count


def _kill_mid_pull(
    env: dict[str, str], api: httpx.Client, channel: object, rng: random.Random
) -> bool:
    """Start a worker, kill it at a random moment of a pull; whether a pull was running.

    The moment is random in the pull's progress, not in seconds (so it falls in every part
    of a pull on a fast or a loaded machine): in the first page, or a random while after
    one or two more pages of new orders were stored. A pull the shop's faults end early is
    asked again ("Sync now"), so the kill lands in a pull rather than in an idle worker.
    """
    known = {run["id"] for run in _runs(api, channel)}
    target = _stored(api) + rng.choice((0, 1, 2)) * PAGE_SIZE
    worker = start_worker(env)
    deadline: float | None = None
    running = False
    try:
        for _ in range(3000):
            fresh = [run for run in _runs(api, channel) if run["id"] not in known]
            running = any(run["outcome"] == "running" for run in fresh)
            if deadline is None and running and _stored(api) >= target:
                deadline = time.monotonic() + rng.uniform(0.2, 3.0)
            if deadline is not None and time.monotonic() >= deadline:
                break
            if fresh and not running:
                if any(run["outcome"] == "succeeded" for run in fresh):
                    # Every order is stored already: kill the next pull in its first page.
                    target = 0
                answer = api.post(f"/channels/{channel}/sync")
                assert answer.status_code == 202, answer.text
                known |= {run["id"] for run in fresh}
            time.sleep(0.1)
    finally:
        kill_worker(worker)
    return running


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the served processes share one SQLite file"
)
def test_workers_killed_mid_pull_lose_and_duplicate_no_order(tmp_path: Path) -> None:
    # given a served hub whose sandbox channel has several pages of orders to pull, with
    # the shop's SKUs stocked in the hub's catalog
    started = time.monotonic()
    env = migrated_env(tmp_path)
    rng = random.Random(1414)
    seed = rng.randrange(1000)
    with (
        crossdock_serve(env, tmp_path / "server.log") as port,
        ManageShell(env, tmp_path / "shell.log") as manage,
    ):
        base = f"http://127.0.0.1:{port}"
        made = manage(
            stocked_channel_setup(
                shop="Pull Kill Shop",
                code="PK",
                account="Pullers",
                base=f"{base}/sandbox/api/v1",
                seed=seed,
                orders=ORDERS,
                stock=100000,
            )
            + SETUP
        )
        assert isinstance(made["ids"], list)
        channel = made["channel"]
        api = httpx.Client(
            base_url=f"{base}/api/v1",
            headers={"Authorization": f"Bearer {made['api']}"},
            timeout=60,
        )
        on = json.dumps({**FAULTS, "delay_ms": DELAY_MS})
        manage(CLOCK.format(faults=on))
        buyers = Buyers(f"{base}/sandbox/api/v1", str(made["token"]), made["ids"], seed)
        buyers.start()

        # when workers are killed at random moments of their pulls from a failing shop
        # while buyers keep changing it
        killed_mid_pull = 0
        try:
            for round_ in range(ROUNDS):
                if round_:
                    manage(CLOCK.format(faults=on))
                killed_mid_pull += _kill_mid_pull(env, api, channel, rng)
        finally:
            buyers.stop()
        # ... then the faults stop, the clocks move past every lease, and one worker pulls
        # until a pull started after that succeeds
        off = json.dumps({"error_rate": "0", "rate_limit_rate": "0", "delay_ms": "0"})
        manage(CLOCK.format(faults=off))
        before = {run["id"] for run in _runs(api, channel)}
        with running_worker(env):
            for _ in range(600):
                fresh = [run for run in _runs(api, channel) if run["id"] not in before]
                if any(run["outcome"] == "succeeded" for run in fresh):
                    break
                time.sleep(0.5)
        api.close()
        found = manage(CHECK)
        faults = len(faults_met(f"{base}/sandbox/api/v1", str(made["token"])))

    # then every shop order is stored exactly once, as the shop now has it, with exactly
    # its open lines reserved, and nothing is left running
    lost, duplicated = answered_lists(found, "lost", "duplicated")
    soak_line(
        "pull kills",
        faults=ROUNDS + faults,
        operations=int(str(found["served"])),
        lost=len(lost),
        duplicated=len(duplicated),
        seconds=time.monotonic() - started,
        workers_killed=ROUNDS,
        killed_mid_pull=killed_mid_pull,
        calls_failed=faults,
        placed=buyers.placed,
        changed=buyers.changed,
        cancelled=buyers.cancelled,
        reserved_units=found["reserved units"],
        runs=found["runs"],
    )
    assert [run["outcome"] for run in fresh].count("succeeded") == 1
    assert killed_mid_pull > 0
    assert found["served"] == ORDERS + buyers.placed
    assert lost == []
    assert duplicated == []
    assert found["extra"] == []
    assert found["stale"] == []
    assert found["wrong reservations"] == []
    assert found["orphaned reservations"] == 0
    assert found["shortages"] == 0
    assert found["levels off"] == {}
    assert found["ledger off"] == 0
    assert found["runs running"] == 0
    assert found["jobs running"] == 0
