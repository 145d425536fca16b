"""Ship notices: 8 clients post notices at once, one in four a duplicate, hub beside bare.

Each round ships fresh orders (a notice for an order already shipped would be a duplicate
of a kind the round did not choose): ``options.notices`` posts, three quarters new and a
quarter repeating one of the round's earlier notices, spread over ``options.clients``
threads. The orders come from a marketplace channel, so every new notice also queues a
write-back. The hub answers through ``crossdock serve`` and its real notice path
(authenticate, parse, find the order, record the fulfillment once, queue the write-back);
the baseline (:func:`~crossdock.bench.baseline.notice_app`) does the same observable work
with hand-written SQL on the same tables, for orders of its own. After each round both
must have written the same rows for the round's orders (:func:`recorded`): one
fulfillment per new notice with its lines, every line shipped in full, the order shipped,
one ``shipment_recorded`` event and one pending write-back, and nothing for a repeat.
Figures: notices per second, and the median and 99th-percentile latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from crossdock.bench.client import concurrently, percentile
from crossdock.bench.dataset import Shop, Store, migrate, new_shop, new_store, seed_orders
from crossdock.bench.export_http import ENDPOINT, baseline_env
from crossdock.bench.harness import Case, Figure, Options
from crossdock.bench.serving import serve_baseline, serve_hub
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.fulfillment.tasks import push_write_back
from crossdock.hub.orders.models import Order, OrderEvent, OrderLine

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


#: What one order's rows say after its notices: comparable between the hub and the
#: baseline (ids and the order's own tracking number left out).
Rows = tuple[object, ...]


def recorded(orders: list[tuple[int, str]]) -> dict[Rows, int]:
    """How many of ``orders`` have each set of rows: status, lines, shipments, events."""
    ids = [order_id for order_id, _ in orders]
    shipments: dict[int, list[Fulfillment]] = {}
    for fulfillment in Fulfillment.objects.filter(order_id__in=ids).prefetch_related("lines"):
        shipments.setdefault(fulfillment.order_id, []).append(fulfillment)
    lines: dict[int, list[tuple[int, int]]] = {}
    for order_id, quantity, shipped in (
        OrderLine.objects.filter(order_id__in=ids)
        .order_by("order_id", "position", "id")
        .values_list("order_id", "quantity", "quantity_shipped")
    ):
        lines.setdefault(order_id, []).append((quantity, shipped))
    events: dict[int, list[tuple[str, str, str]]] = {}
    for order_id, kind, message, data in OrderEvent.objects.filter(order_id__in=ids).values_list(
        "order_id", "kind", "message", "data"
    ):
        tracking = str(data.get("tracking_number", ""))
        events.setdefault(order_id, []).append(
            (
                kind,
                message.replace(tracking, "<tracking>") if tracking else message,
                str(sorted(data)),
            )
        )
    write_backs: dict[int, list[tuple[str, int, bool]]] = {}
    for fulfillment_id, state, attempts, key in WriteBack.objects.filter(
        fulfillment__order_id__in=ids
    ).values_list("fulfillment_id", "state", "attempts", "idempotency_key"):
        write_backs.setdefault(fulfillment_id, []).append(
            (state, attempts, key == f"crossdock-fulfillment-{fulfillment_id}")
        )
    statuses = dict(Order.objects.filter(pk__in=ids).values_list("pk", "status"))
    summary: dict[Rows, int] = {}
    for order_id in ids:
        rows: Rows = (
            statuses[order_id],
            tuple(lines.get(order_id, [])),
            tuple(
                (
                    shipment.source,
                    shipment.carrier,
                    shipment.service,
                    shipment.tracking_number == f"9400{order_id:018d}",
                    str(shipment.shipping_cost),
                    shipment.notify_customer,
                    tuple(sorted(line.quantity for line in shipment.lines.all())),
                    tuple(write_backs.get(shipment.pk, [])),
                )
                for shipment in shipments.get(order_id, [])
            ),
            tuple(sorted(events.get(order_id, []))),
        )
        summary[rows] = summary.get(rows, 0) + 1
    return summary


class _Check:
    """Both sides must write the same rows: the first round checked sets what is expected."""

    def __init__(self, notices: int) -> None:
        self.notices = notices
        self.expected: dict[Rows, int] | None = None

    def round(self, side: str, url: str, store: Store, rounds: _Rounds, clients: int) -> Figure:
        orders = rounds.next()
        figure = post_notices(url, store, plan(orders, self.notices), clients)
        shipments = Fulfillment.objects.filter(order_id__in=[o for o, _ in orders]).count()
        if shipments != unique_count(self.notices):
            raise AssertionError(f"the {side} recorded {shipments} shipments")
        found = recorded(orders)
        if len(found) != 1:
            raise AssertionError(f"the {side} wrote different rows for its orders: {found}")
        if self.expected is None:
            self.expected = found
        elif found != self.expected:
            raise AssertionError(f"the {side} wrote {found}, the other side {self.expected}")
        return figure


def _leave_nothing_to_deliver(marketplace: Channel) -> None:
    """Remove the write-backs the rounds queued, and their delivery jobs: they are never to
    be delivered (the marketplace is a stand-in), and a later scenario's job workers on the
    same database (``scale-out``) would otherwise spend its run on them first."""
    ids = list(WriteBack.objects.filter(channel=marketplace).values_list("id", flat=True))
    DBTaskResult.objects.filter(
        task_path=push_write_back.module_path, status=TaskResultStatus.READY
    ).filter(args_kwargs__args__0__in=ids).delete()
    WriteBack.objects.filter(id__in=ids).delete()


def prepare(options: Options, stack: ExitStack) -> list[Case]:
    migrate()
    account = new_shop("notices").account
    # A marketplace's orders, so that a new notice queues a write-back (never delivered:
    # the hub runs without its worker).
    marketplace = Channel.objects.create(
        account=account, kind="sandbox", name="Bench marketplace", is_active=False
    )
    shop = Shop(account=account, channel=marketplace)
    store = new_store(shop)
    # Runs once the servers are stopped (the stack unwinds in reverse).
    stack.callback(_leave_nothing_to_deliver, marketplace)
    check = _Check(options.notices)
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
        baseline_env(),
    )
    hub_url, bare_url = hub.url + ENDPOINT, baseline.url + "/"
    return [
        Case(
            f"hub, {options.clients} clients",
            "notices/s",
            lambda: check.round("hub", hub_url, store, ours, options.clients),
            f"bare, {options.clients} clients",
        ),
        Case(
            f"bare, {options.clients} clients",
            "notices/s",
            lambda: check.round("baseline", bare_url, store, bare, options.clients),
        ),
    ]
