"""Concurrency on PostgreSQL: workers, pulls and write-backs never do the same work twice.

Real threads with their own connections race for the same rows; only PostgreSQL runs
them truly in parallel (``SELECT … FOR UPDATE SKIP LOCKED`` for jobs, conditional updates
for channel leases and write-back claims).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import httpx
import pytest
from django.db import connection, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from crossdock.core.actors import SYSTEM
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.writeback import deliver_write_back
from crossdock.hub.orders.pull import pull_orders
from crossdock.hub.orders.services import create_order
from crossdock.sandbox.models import SandboxShop, SandboxStockUpdate
from tests.fixtures.channels import ship
from tests.fixtures.jobs import leave_a_mark
from tests.fixtures.sandbox import BASE_URL, make_shop
from tests.fixtures.shipstation import order_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers, so there is no race",
    ),
    pytest.mark.usefixtures("transactional_db"),
]
T = TypeVar("T")


def _in_threads(count: int, work: Callable[[int], T | None]) -> list[T]:
    """Run ``work(i)`` in ``count`` threads released at once; each uses its own connection."""
    start = threading.Barrier(count)
    results: list[T | None] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except BaseException as error:  # a failure in a thread must fail the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return [result for result in results if result is not None]


def test_two_workers_never_run_the_same_job() -> None:
    shop, _ = make_shop()
    for number in range(80):
        leave_a_mark.enqueue(shop.pk, number)

    def work(index: int) -> int:
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"worker-{index}",
            excluded_queue_names=[],
        ).run()
        return index

    _in_threads(2, work)

    marks = Counter(SandboxStockUpdate.objects.values_list("sku", flat=True))
    assert marks == Counter({f"job-{number}": 1 for number in range(80)})
    jobs = list(DBTaskResult.objects.all())
    assert {job.status for job in jobs} == {"SUCCESSFUL"}
    assert all(len(job.worker_ids) == 1 for job in jobs)
    by_worker = Counter(job.worker_ids[0] for job in jobs)
    assert sum(by_worker.values()) == 80


def test_two_workers_pulling_one_channel_make_one_run(shop: tuple[SandboxShop, str]) -> None:
    account = create_account("Race", "race@example.com", "race-pass-1")
    channel = add_channel(account, "sandbox", "Race", {"base_url": BASE_URL, "api_token": shop[1]})
    inside = threading.Event()
    release = threading.Event()

    def slow_sandbox(request: httpx.Request) -> httpx.Response:
        inside.set()
        release.wait(timeout=30)
        return httpx.Response(200, json={"orders": [], "next_page_token": None})

    def work(index: int) -> SyncRun | None:
        if index == 1:
            # The second worker arrives while the first is mid-pull.
            inside.wait(timeout=30)
            try:
                return pull_orders(channel.pk, client=httpx.Client())
            finally:
                release.set()
        client = httpx.Client(transport=httpx.MockTransport(slow_sandbox))
        return pull_orders(channel.pk, client=client)

    runs = _in_threads(2, work)

    assert len(runs) == 1
    assert SyncRun.objects.filter(channel=channel).count() == 1
    assert Channel.objects.get(pk=channel.pk).sync_lease_owner == ""


def test_two_workers_delivering_one_write_back_send_it_once(
    shop: tuple[SandboxShop, str],
) -> None:
    account = create_account("Race", "race@example.com", "race-pass-1")
    channel = add_channel(account, "sandbox", "Race", {"base_url": BASE_URL, "api_token": shop[1]})
    ship(create_order(account, order_data("R-1"), SYSTEM, channel=channel))
    row_id = WriteBack.objects.get().pk
    posts: list[str] = []
    lock = threading.Lock()

    def channel_api(request: httpx.Request) -> httpx.Response:
        with lock:
            posts.append(request.method)
        return httpx.Response(201, json={"id": "SHP-1"})

    def work(index: int) -> WriteBack | None:
        client = httpx.Client(transport=httpx.MockTransport(channel_api))
        return deliver_write_back(row_id, client=client)

    delivered = _in_threads(4, work)

    assert [row.state for row in delivered] == ["accepted"]
    assert posts == ["POST"]
    assert WriteBack.objects.get().attempts == 1
