"""Scale-out: web processes beside separate job workers, ingest and write-backs through them.

The layout production uses to grow: ``crossdock serve --workers W --no-worker`` answering
HTTP, and ``options.job_workers`` separate ``crossdock worker`` processes (N) draining the
job queue. The hub's own sandbox marketplace (served by the same server) stands in for N
channels:

- **ingest through N workers**: each round every one of N sandbox shops takes
  ``options.pull_orders`` new orders (before the clock starts); then one pull job per
  channel is enqueued at once and the clock runs until every order is stored in the hub:
  orders stored per second, each pull by whichever worker claims it (HTTP to the sandbox,
  mapping, the batched upsert).
- **notices with write-backs**: the orders the previous ingest round stored are shipped
  through the Custom Store endpoint by ``options.clients`` clients (a quarter duplicates,
  as in ``notices``); each new notice queues a write-back, which the workers push to the
  sandbox while the notices still arrive. Figures: notices per second, and the
  write-backs delivered per second from the first notice until the queue is empty, with
  the seconds the queue took to empty after the last notice. Each round checks every
  write-back was accepted and the sandbox recorded each shipment once.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from crossdock.bench.dataset import Shop, Store, migrate, new_shop, new_store
from crossdock.bench.export_http import ENDPOINT
from crossdock.bench.harness import Case, Figure, Options
from crossdock.bench.notices import plan, post_notices, unique_count
from crossdock.bench.serving import Served, serve_hub, worker_processes
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.tasks import pull_channel_orders
from crossdock.sandbox.models import SandboxShipment, SandboxShop
from crossdock.sandbox.services import create_shop, generate_orders

NAME = "scale-out"
SUMMARY = "separate job workers: sandbox pulls and notices' write-backs drained during the run"

#: How long a round may wait for the workers before it fails.
PATIENCE = 900.0
#: How often a round looks whether the workers are done.
POLL = 0.05


class _Marketplace:
    """N sandbox shops of the served hub, each connected to one hub account as a channel."""

    def __init__(self, hub: Served, shop: Shop, count: int) -> None:
        tag = secrets.token_hex(3)
        self.shop = shop
        self.sandboxes: list[SandboxShop] = []
        self.channels: list[Channel] = []
        for index in range(count):
            created = create_shop(f"Bench scale {tag} {index}", f"S{tag}{index}".upper())
            self.sandboxes.append(created.shop)
            channel = add_channel(
                shop.account,
                "sandbox",
                f"Scale {tag} {index}",
                {"base_url": f"{hub.url}/sandbox/api/v1", "api_token": created.token},
            )
            self.channels.append(channel)
        # Pulls start only when a round enqueues them, never from the periodic tick.
        Channel.objects.filter(pk__in=[c.pk for c in self.channels]).update(
            next_sync_at=timezone.now() + timedelta(days=365)
        )
        #: Orders the last ingest round stored, for the next notice round: (id, number).
        self.stored: list[list[tuple[int, str]]] = []
        self.seen: set[int] = set()

    def stored_count(self) -> int:
        return Order.objects.filter(channel__in=self.channels).count()

    def ingest_round(self, per_shop: int) -> Figure:
        for sandbox in self.sandboxes:
            generate_orders(sandbox, per_shop)
        expected = self.stored_count() + per_shop * len(self.sandboxes)
        started = time.perf_counter()
        with transaction.atomic():
            for channel in self.channels:
                pull_channel_orders.enqueue(channel.pk)
        _until(lambda: self.stored_count() >= expected, "the pulls")
        seconds = time.perf_counter() - started
        stored = self.stored_count()
        if stored != expected:
            raise AssertionError(f"{stored} orders stored, {expected} expected")
        fresh = [
            row
            for row in Order.objects.filter(channel__in=self.channels)
            .order_by("id")
            .values_list("id", "number")
            if row[0] not in self.seen
        ]
        self.seen.update(order_id for order_id, _ in fresh)
        self.stored.append(fresh)
        return Figure(per_shop * len(self.sandboxes) / seconds)

    def notice_round(self, url: str, store: Store, notices: int, clients: int) -> Figure:
        if not self.stored:
            raise RuntimeError("no pulled orders left to ship")
        orders = self.stored.pop(0)
        unique = unique_count(notices)
        if len(orders) < unique:
            raise RuntimeError(f"{len(orders)} pulled orders for {unique} shipments")
        shipped = orders[:unique]
        ids = [order_id for order_id, _ in shipped]
        started = time.perf_counter()
        figure = post_notices(url, store, plan(shipped, notices), clients)
        posted = time.perf_counter()
        rows = WriteBack.objects.filter(fulfillment__order_id__in=ids)
        _until(
            lambda: (
                rows.count() == unique
                and not rows.filter(
                    state__in=(WriteBack.State.PENDING, WriteBack.State.SENDING)
                ).exists()
            ),
            "the write-backs",
        )
        drained = time.perf_counter()
        accepted = rows.filter(state=WriteBack.State.ACCEPTED).count()
        if accepted != unique:
            raise AssertionError(f"{accepted} of {unique} write-backs accepted")
        recorded = SandboxShipment.objects.filter(
            shop__in=self.sandboxes,
            order__public_id__in=Order.objects.filter(pk__in=ids).values("external_id"),
        ).count()
        if recorded != unique:
            raise AssertionError(f"the sandbox recorded {recorded} of {unique} shipments")
        return Figure(
            figure.value,
            {
                **figure.extra,
                "write-backs/s": unique / (drained - started),
                "drained s after": drained - posted,
            },
        )


def _until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not finish in {PATIENCE:.0f} s")
        time.sleep(POLL)


def prepare(options: Options, stack: ExitStack) -> list[Case]:
    migrate()
    shop = new_shop("scale")
    store = new_store(shop)
    data_dir = Path(options.data_dir)
    hub = serve_hub(stack, options.port_for(5), options.workers, data_dir)
    market = _Marketplace(hub, shop, options.job_workers)
    worker_processes(stack, options.job_workers, data_dir)
    url = hub.url + ENDPOINT
    label = f"{options.workers} web, {options.job_workers} job worker{_s(options.job_workers)}"
    return [
        Case(
            f"ingest, {options.job_workers} shop{_s(options.job_workers)} pulled, {label}",
            "orders/s",
            lambda: market.ingest_round(options.pull_orders),
        ),
        Case(
            f"notices with write-backs, {options.clients} clients, {label}",
            "notices/s",
            lambda: market.notice_round(url, store, options.notices, options.clients),
        ),
    ]


def _s(count: int) -> str:
    return "" if count == 1 else "s"
