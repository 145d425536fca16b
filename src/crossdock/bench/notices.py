"""Ship notices: 8 clients post notices at once, one in four a duplicate, hub beside bare.

Each round ships fresh orders (a notice for an order already shipped would be a duplicate
of a kind the round did not choose): ``options.notices`` posts, three quarters new and a
quarter repeating one of the round's earlier notices, spread over ``options.clients``
threads. The hub answers through ``crossdock serve`` and its real notice path (parse, find
the order, record the fulfillment once, queue the write-back); the baseline
(:func:`~crossdock.bench.baseline.notice_app`) parses, looks the order up and inserts one
row once. After each round both must have recorded exactly the round's new notices.
Figures: notices per second, and the median and 99th-percentile latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
from django.db import connection

from crossdock.bench.baseline import NOTICE_TABLE
from crossdock.bench.client import concurrently, percentile
from crossdock.bench.dataset import Shop, Store, migrate, new_shop, new_store, seed_orders
from crossdock.bench.export_http import ENDPOINT, baseline_env
from crossdock.bench.harness import Case, Figure, Options
from crossdock.bench.serving import serve_baseline, serve_hub
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order

NAME = "notices"
SUMMARY = "ship notices from 8 clients, a quarter duplicates: hub beside a bare WSGI app"


def notice_xml(order_id: int, number: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><ShipNotice>'
        f"<OrderID>{order_id}</OrderID><OrderNumber>{number}</OrderNumber>"
        "<CustomerCode>buyer@example.com</CustomerCode>"
        "<LabelCreateDate>11/29/2026 10:00</LabelCreateDate><ShipDate>11/29/2026</ShipDate>"
        "<Carrier>USPS</Carrier><Service>Priority Mail</Service>"
        f"<TrackingNumber>9400{order_id:018d}</TrackingNumber><ShippingCost>4.50</ShippingCost>"
        "</ShipNotice>"
    ).encode()


def plan(orders: list[tuple[int, str]], total: int) -> list[bytes]:
    """``total`` notices for ``orders`` (one each), every fourth repeating an earlier one."""
    bodies: list[bytes] = []
    fresh = iter(orders)
    for index in range(total):
        if index % 4 == 3:
            bodies.append(bodies[index // 2])
        else:
            order_id, number = next(fresh)
            bodies.append(notice_xml(order_id, number))
    return bodies


def unique_count(total: int) -> int:
    return total - total // 4


def post_notices(url: str, store: Store, bodies: list[bytes], clients: int) -> Figure:
    latencies: list[float] = []

    def client(share: list[bytes]) -> None:
        with httpx.Client(timeout=120) as http:
            for body in share:
                started = time.perf_counter()
                answer = http.post(
                    url,
                    params={"action": "shipnotify"},
                    content=body,
                    headers={"Content-Type": "application/xml"},
                    auth=(store.username, store.password),
                )
                latencies.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    raise RuntimeError(f"notice answered {answer.status_code}: {answer.text}")

    began = time.perf_counter()

    def job(share: list[bytes]) -> Callable[[], object]:
        return lambda: client(share)

    jobs = [job(bodies[index::clients]) for index in range(clients)]
    concurrently(jobs)
    seconds = time.perf_counter() - began
    return Figure(
        len(bodies) / seconds,
        {"p50 ms": percentile(latencies, 0.5) * 1000, "p99 ms": percentile(latencies, 0.99) * 1000},
    )


class _Rounds:
    """Hands each round its own fresh orders, and checks what the round recorded."""

    def __init__(self, shop: Shop, first: int, per_round: int, rounds: int) -> None:
        seed_orders(shop, per_round * rounds, first=first)
        rows = Order.objects.filter(account=shop.account, number__startswith="B-").values_list(
            "id", "number"
        )
        numbered = sorted(rows, key=lambda row: int(row[1][2:]))
        ours = [row for row in numbered if int(row[1][2:]) >= first]
        self.batches = [ours[i * per_round : (i + 1) * per_round] for i in range(rounds)]

    def next(self) -> list[tuple[int, str]]:
        return self.batches.pop(0)


def _hub_round(url: str, store: Store, rounds: _Rounds, options: Options) -> Figure:
    orders = rounds.next()
    figure = post_notices(url, store, plan(orders, options.notices), options.clients)
    recorded = Fulfillment.objects.filter(order_id__in=[o for o, _ in orders]).count()
    if recorded != unique_count(options.notices):
        raise AssertionError(f"the hub recorded {recorded} shipments")
    return figure


def _bare_round(url: str, store: Store, rounds: _Rounds, options: Options) -> Figure:
    orders = rounds.next()
    figure = post_notices(url, store, plan(orders, options.notices), options.clients)
    marks = ", ".join("%s" for _ in orders)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM bench_notice WHERE order_id IN ({marks})",
            [o for o, _ in orders],
        )
        recorded = cursor.fetchone()[0]
    if recorded != unique_count(options.notices):
        raise AssertionError(f"the baseline recorded {recorded} shipments")
    return figure


def prepare(options: Options, stack: ExitStack) -> list[Case]:
    migrate()
    with connection.cursor() as cursor:
        cursor.execute(NOTICE_TABLE)
    shop = new_shop("notices")
    store = new_store(shop)
    per_round = unique_count(options.notices)
    total_rounds = options.rounds + 1
    ours = _Rounds(shop, 0, per_round, total_rounds)
    bare = _Rounds(shop, per_round * total_rounds, per_round, total_rounds)
    data_dir = Path(options.data_dir)
    hub = serve_hub(stack, options.port_for(2), options.workers, data_dir)
    baseline = serve_baseline(
        stack,
        "crossdock.bench.baseline:notice_app",
        options.port_for(3),
        options.workers,
        data_dir,
        baseline_env(shop, store),
    )
    hub_url, bare_url = hub.url + ENDPOINT, baseline.url + "/"
    return [
        Case(
            f"hub, {options.clients} clients",
            "notices/s",
            lambda: _hub_round(hub_url, store, ours, options),
            f"bare, {options.clients} clients",
        ),
        Case(
            f"bare, {options.clients} clients",
            "notices/s",
            lambda: _bare_round(bare_url, store, bare, options),
        ),
    ]
