"""Deep windows: a first-time import over ``options.deep_orders`` modified orders.

One client walks the whole window through ``crossdock serve`` (100 a page), once: the
figures are the orders per second over the walk, page 1's time (it counts the window),
the median of the first ten and of the last ten pages after page 1 and their ratio (paging
must not grow with depth), the server's peak resident memory, and the seconds the data set
took to build (``seed s``: not part of the walk). ``--large`` walks a
1,000,000-order window, with as many orders again outside it in the same table.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from crossdock.bench.client import median, walk
from crossdock.bench.dataset import migrate, new_shop, new_store, seed_orders, window
from crossdock.bench.export_http import ENDPOINT
from crossdock.bench.harness import Case, Figure, Options
from crossdock.bench.serving import Served, serve_hub

NAME = "deep-window"
SUMMARY = "one walk of a deep window: depth cost, page 1's count, peak RSS"

#: Above this many orders the table also holds as many outside the window (``--large``).
LARGE = 1_000_000


def _walk(
    hub: Served, store_window: tuple[object, tuple[str, str]], expected: int, seeded: float
) -> Figure:
    store, span = store_window
    with httpx.Client(timeout=600) as client:
        found = walk(client, hub.url + ENDPOINT, store, span)  # type: ignore[arg-type]
    if found.orders != expected:
        raise RuntimeError(f"the walk read {found.orders} orders, expected {expected}")
    pages = found.page_seconds
    tail = pages[1:]
    first, last = median(tail[:10]), median(tail[-10:])
    return Figure(
        expected / found.seconds,
        {
            "seconds": found.seconds,
            "page 1 ms": pages[0] * 1000,
            "first 10 ms": first * 1000,
            "last 10 ms": last * 1000,
            "last/first": last / first if first else 0.0,
            "peak RSS MB": hub.peak_rss_mb(),
            "seed s": seeded,
        },
    )


def prepare(options: Options, stack: ExitStack) -> list[Case]:
    migrate()
    shop = new_shop("deep")
    count = options.deep_orders
    started = time.perf_counter()
    seed_orders(shop, count)
    if count >= LARGE:
        # Orders after the window: the table is twice the window, as in issue 16.
        seed_orders(shop, count, first=count + 3_600)
    seeded = time.perf_counter() - started
    store = new_store(shop)
    span = window(count)
    hub = serve_hub(stack, options.port_for(4), 1, Path(options.data_dir))
    # A fresh server's first answer loads what it loads lazily; page 1 is timed warm.
    with httpx.Client(timeout=600) as client:
        walk(client, hub.url + ENDPOINT, store, ("01/01/2020 00:00", "01/01/2020 00:01"))
    return [
        Case(
            f"walk {count:,} orders",
            "orders/s",
            lambda: _walk(hub, (store, span), count, seeded),
            rounds=1,
            warm_up=False,
        )
    ]
