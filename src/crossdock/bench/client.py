"""The benchmark's ShipStation: pages through an export window, posts ship notices.

The pages are read with the desk's lenient reader, and :func:`projection` reduces an order
to what both the hub and the baselines send, so the scenarios can assert that they serve
the same documents.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from crossdock.bench.dataset import Store
from crossdock.customstore.reader import ReadOrder, parse_orders

Projection = tuple[object, ...]

_PAGES = re.compile(rb'<Orders pages="(\d+)"')


def projection(order: ReadOrder) -> Projection:
    """The content every server sends alike (the baselines leave out weights and options)."""
    ship = order.ship_to
    return (
        order.order_number,
        order.order_status,
        order.order_total,
        order.customer_notes,
        ship.name,
        ship.address1,
        ship.address2,
        ship.city,
        ship.postal_code,
        ship.country,
        tuple(
            (item.sku, item.name, item.quantity, Decimal(item.unit_price)) for item in order.items
        ),
    )


@dataclass(slots=True)
class Walk:
    """One walk of a window: what was read and how long each page took."""

    orders: list[Projection] = field(default_factory=list)
    page_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0


def walk(
    client: httpx.Client,
    url: str,
    store: Store,
    window: tuple[str, str],
    keep: bool = False,
    on_page: Callable[[int], None] | None = None,
) -> Walk:
    """Every page of the window, as ShipStation asks for them (page 1 first, then on)."""
    found = Walk()
    page, pages = 1, 1
    began = time.perf_counter()
    while page <= pages:
        started = time.perf_counter()
        answer = client.get(
            url,
            params={
                "action": "export",
                "start_date": window[0],
                "end_date": window[1],
                "page": str(page),
            },
            auth=(store.username, store.password),
        )
        body = answer.read()
        found.page_seconds.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise RuntimeError(f"page {page}: {answer.status_code} {body[:200]!r}")
        if keep:
            read = parse_orders(body, max_bytes=len(body) + 1)
            pages = read.pages
            found.orders.extend(projection(order) for order in read.orders)
        else:
            # Timed walks only count: the client's parsing would take the server's CPU.
            head = _PAGES.search(body[:200])
            pages = int(head.group(1)) if head else 0
            found.orders.extend(() for _ in range(body.count(b"<Order>")))
        if on_page is not None:
            on_page(page)
        page += 1
    found.seconds = time.perf_counter() - began
    return found


def concurrently(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs on one thread each; their answers in order (an error is raised here)."""
    answers: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            answers[index] = jobs[index]()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return answers


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` fall (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
