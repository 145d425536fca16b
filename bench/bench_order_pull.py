"""The order pull: how fast the hub stores sandbox orders, and re-reads unchanged ones.

Figures: orders per second for a first pull of 500 sandbox orders (HTTP through Django's
test client in process, mapping, upsert with lines and events) and for the re-read of the
same 500 (the overlap window: digest compare only), and the digest itself per order.
Runs against the fresh database of ``make bench`` (migrated here).
"""

from __future__ import annotations

import time

import httpx
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from crossdock.connectors.http import build_client
from crossdock.connectors.sandbox.mapping import parse_order
from crossdock.core.digests import order_digest
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.services import add_channel
from crossdock.hub.orders.pull import pull_orders
from crossdock.sandbox.services import create_shop, generate_orders

ORDERS = 500
BASE_URL = "http://testserver/sandbox/api/v1"


def _transport() -> httpx.MockTransport:
    django = Client()

    def handle(request: httpx.Request) -> httpx.Response:
        answer = django.generic(
            request.method,
            request.url.raw_path.decode("ascii"),
            headers={"Authorization": request.headers["Authorization"]},
        )
        return httpx.Response(answer.status_code, content=answer.content)

    return httpx.MockTransport(handle)


def run() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    account = create_account("Bench Goods", "bench@example.com", "bench-pass-1")
    shop = create_shop("Bench Market", "BM")
    generate_orders(shop.shop, ORDERS)
    channel = add_channel(
        account, "sandbox", "Bench Market", {"base_url": BASE_URL, "api_token": shop.token}
    )
    with build_client(transport=_transport()) as client:
        started = time.perf_counter()
        first = pull_orders(channel.pk, client=client)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = pull_orders(channel.pk, client=client)
        again_seconds = time.perf_counter() - started
    if first is None or first.created != ORDERS or again is None or again.unchanged != ORDERS:
        raise RuntimeError(f"unexpected pulls: {first!r}, {again!r}")
    print(f"database: {connection.vendor}")
    print(f"first pull   {ORDERS} orders in {first_seconds:.2f} s: {ORDERS / first_seconds:.0f}/s")
    print(f"re-read      {ORDERS} orders in {again_seconds:.2f} s: {ORDERS / again_seconds:.0f}/s")
    documents = [order.document for order in shop.shop.orders.all()]
    data = [parse_order(document) for document in documents]
    started = time.perf_counter()
    for _ in range(5):
        for item in data:
            order_digest(item)
    digest_seconds = (time.perf_counter() - started) / (5 * len(data))
    print(f"digest       {digest_seconds * 1e6:.0f} µs per order")
