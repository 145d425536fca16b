"""Export over HTTP: ``crossdock serve`` paged like ShipStation, beside a bare WSGI app.

The hub serves ``options.orders`` orders (three lines each) through the real endpoint and
auth, 100 a page; one client walks the whole window, then four at once (four stores, as
four ShipStation connections would be). The baseline (:func:`~crossdock.bench.baseline.
export_app`) runs under the same gunicorn settings on the same database, signing in the
same four integrations. Before timing, one walk of each is kept in full and the two must
be equal byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import httpx
from django.conf import settings

from crossdock.bench.client import Walk, concurrently, median, walk
from crossdock.bench.dataset import Store, migrate, new_shop, new_store, seed_orders, window
from crossdock.bench.harness import Case, Figure, Options
from crossdock.bench.serving import Served, serve_baseline, serve_hub

NAME = "export"
SUMMARY = "export pages over HTTP (100 a page), 1 and 4 clients, hub beside a bare WSGI app"
ENDPOINT = "/shipstation/custom-store"


def database_target() -> str:
    """What the baselines connect to: the SQLite file or the PostgreSQL URL."""
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or str(settings.DATABASES["default"]["NAME"])


def baseline_env() -> dict[str, str]:
    """What the bare apps read: the database, and the hash key they check credentials with."""
    return {
        "BENCH_DB": database_target(),
        "BENCH_HASH_KEY": settings.HASH_KEY,
        "BENCH_PAGE_SIZE": "100",
    }


def _walks(url: str, stores: list[Store], span: tuple[str, str], expected: int) -> Figure:
    def one(store: Store) -> Walk:
        with httpx.Client(timeout=120) as client:
            return walk(client, url, store, span)

    def job(store: Store) -> Callable[[], Walk]:
        return lambda: one(store)

    walks = [found for found in concurrently([job(s) for s in stores]) if isinstance(found, Walk)]
    seconds = max(found.seconds for found in walks)
    orders = sum(found.orders for found in walks)
    if orders != expected * len(stores):
        raise RuntimeError(f"a walk read {orders} orders, expected {expected * len(stores)}")
    pages = [second for found in walks for second in found.page_seconds]
    return Figure(orders / seconds, {"ms/page": median(pages) * 1000})


def same_documents(hub: Served, baseline: Served, store: Store, span: tuple[str, str]) -> int:
    """Walk both once, keeping every page: they must be equal byte for byte. Answers the
    number of orders read."""
    with httpx.Client(timeout=120) as client:
        ours = walk(client, hub.url + ENDPOINT, store, span, keep=True)
        bare = walk(client, baseline.url + "/", store, span, keep=True)
    for page, (mine, theirs) in enumerate(zip(ours.bodies, bare.bodies, strict=False), start=1):
        if mine != theirs:
            at = next(
                (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b),
                min(len(mine), len(theirs)),
            )
            raise AssertionError(
                f"page {page} differs at byte {at}: hub {mine[max(0, at - 60) : at + 60]!r}, "
                f"baseline {theirs[max(0, at - 60) : at + 60]!r}"
            )
    if len(ours.bodies) != len(bare.bodies):
        raise AssertionError(
            f"the hub served {len(ours.bodies)} pages, the baseline {len(bare.bodies)}"
        )
    return ours.orders


def prepare(options: Options, stack: ExitStack) -> list[Case]:
    migrate()
    shop = new_shop("export")
    seed_orders(shop, options.orders)
    stores = [new_store(shop) for _ in range(4)]
    span = window(options.orders)
    data_dir = Path(options.data_dir)
    hub = serve_hub(stack, options.port_for(0), options.workers, data_dir)
    baseline = serve_baseline(
        stack,
        "crossdock.bench.baseline:export_app",
        options.port_for(1),
        options.workers,
        data_dir,
        baseline_env(),
    )
    count = same_documents(hub, baseline, stores[0], span)
    if count != options.orders:
        raise AssertionError(f"the walk read {count} orders of {options.orders}")
    ours, bare = hub.url + ENDPOINT, baseline.url + "/"
    n = options.orders
    return [
        Case(
            "hub, 1 client", "orders/s", lambda: _walks(ours, stores[:1], span, n), "bare, 1 client"
        ),
        Case("bare, 1 client", "orders/s", lambda: _walks(bare, stores[:1], span, n)),
        Case(
            "hub, 4 clients", "orders/s", lambda: _walks(ours, stores, span, n), "bare, 4 clients"
        ),
        Case("bare, 4 clients", "orders/s", lambda: _walks(bare, stores, span, n)),
    ]
