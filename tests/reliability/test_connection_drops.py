"""No half-written work when the database connection drops mid-transaction (PostgreSQL).

A served hub (``crossdock serve``, its sandbox marketplace on loopback) and a real
``crossdock worker`` process run on the test database. The test holds a lock that lets
everyone read but keeps the transaction under test from writing one of its last rows, so
it is known to be inside, with its first rows written; the backend waiting for that lock
is then ended with ``pg_terminate_backend``, as a database restart or a failover would.
Each time: the transaction's work is all or nothing, the served hub answers its next
request and the worker process keeps working, and after the client's (or the sweep's)
retry everything happened exactly once.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from psycopg import sql

from crossdock.core.actors import SYSTEM
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account, create_token
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.fulfillment.tasks import push_write_back
from crossdock.hub.orders.models import Order, OrderEvent, OrderLine
from crossdock.hub.orders.pull import pull_orders
from crossdock.hub.orders.services import create_order
from crossdock.hub.orders.tasks import request_sync
from crossdock.hub.shipstation.services import IntegrationOptions, create_integration
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxShop
from tests.fixtures.channels import ship
from tests.fixtures.orders import order_payload
from tests.fixtures.shipstation import order_data
from tests.reliability.served import running_worker, soak_line
from tests.serving import crossdock_serve

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL): pg_terminate_backend drops a connection",
    ),
    pytest.mark.usefixtures("transactional_db"),
]


@pytest.fixture(autouse=True)
def fast_password_hashing() -> None:
    """The suite's fast hasher stays off: the served processes must check these passwords."""


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """As :func:`fast_password_hashing`, for the reliability suites' own fixture."""


#: Connections dropped by this module's tests, for the ``soak:`` line of the last one.
DROPPED: Counter[str] = Counter()
#: When this module's first test started, for the same line.
STARTED = time.monotonic()


def _connect(*, autocommit: bool) -> psycopg.Connection[Any]:
    """A connection of the test's own to the test database, beside Django's."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=autocommit,
        application_name="crossdock-test-holder",
    )


class Holder:
    """A lock held by the test, and the backend found waiting for it."""

    def __init__(self, holder: psycopg.Connection[Any], watch: psycopg.Connection[Any]) -> None:
        self.holder = holder
        self.watch = watch

    def waiter(self, timeout: float = 30) -> int:
        """The pid of the backend blocked by this lock (waiting until one is)."""
        holder_pid = self.holder.info.backend_pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.watch.execute(
                "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                (holder_pid,),
            ).fetchone()
            if row is not None:
                return int(row[0])
            time.sleep(0.05)
        raise AssertionError("no transaction came to wait for the lock")

    def drop(self, kind: str) -> int:
        """End the waiting backend's connection mid-transaction; its pid."""
        pid = self.waiter()
        ended = self.watch.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
        assert ended == (True,)
        DROPPED[kind] += 1
        return pid


@contextmanager
def holding(statement: str, model: type[Any], *params: object) -> Iterator[Holder]:
    """Run ``statement`` (a lock on ``{table}``, ``model``'s) in a transaction held until
    the block ends."""
    holder = _connect(autocommit=False)
    watch = _connect(autocommit=True)
    table = sql.Identifier(model._meta.db_table)
    try:
        holder.execute("SET lock_timeout = '60s'")
        holder.execute(sql.SQL(statement).format(table=table), params)
        yield Holder(holder, watch)
    finally:
        holder.rollback()
        holder.close()
        watch.close()


def _served_env(tmp_path: Path) -> dict[str, str]:
    """The environment of served processes on the test database."""
    settings = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "DATABASE_URL": (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        ),
        # The test's own data directory: its secret key reads the stored channel tokens.
        "CROSSDOCK_DATA_DIR": os.environ.get("CROSSDOCK_DATA_DIR", str(tmp_path / "data")),
        "CROSSDOCK_SANDBOX": "1",
    }
    return env


@dataclass(frozen=True)
class ServedShop:
    """A served hub on the test database, an account, a shop on the hub's own sandbox and
    the account's channel to it."""

    env: dict[str, str]
    port: int
    account: Account
    shop: SandboxShop
    #: The shop's API token.
    token: str
    channel: Channel


@contextmanager
def served_shop(tmp_path: Path, owner: str, shop: str) -> Iterator[ServedShop]:
    """A :class:`ServedShop` until the block ends: ``owner`` names the account, ``shop``
    the shop and the channel, whose own schedule pulls nothing during the test."""
    account = create_account(owner, f"owner@{owner.lower()}.test", "s3cret-pass-9")
    env = _served_env(tmp_path)
    with crossdock_serve(env, tmp_path / "server.log") as port:
        created = sandbox.create_shop(shop)
        channel = add_channel(
            account,
            "sandbox",
            shop,
            {"base_url": f"http://127.0.0.1:{port}/sandbox/api/v1", "api_token": created.token},
        )
        Channel.objects.filter(pk=channel.pk).update(next_sync_at=timezone.now() + _HOUR)
        yield ServedShop(env, port, account, created.shop, created.token, channel)


@contextmanager
def api_client(tmp_path: Path, owner: str) -> Iterator[httpx.Client]:
    """A client of the REST API of a hub served on the test database, with the token of a
    new account named ``owner``, until the block ends."""
    token = create_token(
        create_account(owner, f"owner@{owner.lower()}.test", "s3cret-pass-9"), owner
    ).secret
    with (
        crossdock_serve(_served_env(tmp_path), tmp_path / "server.log") as port,
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        ) as client,
    ):
        yield client


def _until(check: Any, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not reached in {timeout} s: {check.__doc__ or check}")


def _in_thread(call: Any) -> tuple[threading.Thread, list[Any]]:
    answers: list[Any] = []

    def run() -> None:
        try:
            answers.append(call())
        except httpx.HTTPError as error:
            answers.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answers


def _notice(order: Order) -> str:
    return (
        f"<ShipNotice><OrderID>{order.pk}</OrderID><Carrier>UPS</Carrier>"
        f"<TrackingNumber>1Z{order.pk:08d}</TrackingNumber></ShipNotice>"
    )


def test_a_ship_notice_cut_off_mid_transaction_records_nothing_and_its_retry_records_it_once(
    tmp_path: Path,
) -> None:
    # given a served hub, and an order of a marketplace channel (so a notice queues a write-back)
    with served_shop(tmp_path, "Dropped", "Drop Shop") as served:
        account = served.account
        issued = create_integration(account, "Main", IntegrationOptions())
        base = f"http://127.0.0.1:{served.port}"
        order = create_order(account, order_data("D-1"), SYSTEM, channel=served.channel)
        before = (Order.objects.get(pk=order.pk).status, OrderEvent.objects.count())
        auth = (issued.integration.username, issued.password)
        with httpx.Client(base_url=base, auth=auth, timeout=120) as client:

            def post() -> httpx.Response:
                return client.post(
                    "/shipstation/custom-store?action=shipnotify",
                    content=_notice(order),
                    headers={"Content-Type": "application/xml"},
                )

            # when its connection drops after the fulfillment, its lines and the order's
            # change are written, while it waits to queue the write-back
            with holding("LOCK TABLE {table} IN SHARE MODE", WriteBack) as lock:
                thread, answers = _in_thread(post)
                lock.drop("ship notice")
            thread.join(timeout=60)
            cut_off = answers[0]
            # ... then nothing of it is stored
            assert Fulfillment.objects.count() == 0
            assert list(OrderLine.objects.values_list("quantity_shipped", flat=True)) == [0, 0]
            assert (Order.objects.get(pk=order.pk).status, OrderEvent.objects.count()) == before
            assert WriteBack.objects.count() == 0

            # when ShipStation retries (twice: a duplicate as well)
            retried = [post() for _ in range(2)]

    # then the hub answered the cut-off call with a retryable error, and the retry recorded
    # the shipment once, with its order change and its one write-back
    assert isinstance(cut_off, httpx.Response)
    assert cut_off.status_code == 503
    assert [answer.status_code for answer in retried] == [200, 200]
    assert Fulfillment.objects.count() == 1
    assert sorted(OrderLine.objects.values_list("quantity_shipped", flat=True)) == [1, 2]
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert WriteBack.objects.count() == 1


def test_a_bulk_create_cut_off_mid_transaction_stores_no_order_and_its_retry_stores_each_once(
    tmp_path: Path,
) -> None:
    # given a served hub and an API client with five orders to create in one call
    body = {"orders": [order_payload(number=f"B-{n}") for n in range(5)]}
    with api_client(tmp_path, "Bulk") as client:
        # when the connection drops after the orders and their lines are inserted,
        # while the call waits to write their "created" events
        with holding("LOCK TABLE {table} IN SHARE MODE", OrderEvent) as lock:
            thread, answers = _in_thread(lambda: client.post("/api/v1/orders/bulk", json=body))
            lock.drop("bulk create")
        thread.join(timeout=60)
        cut_off = answers[0]
        # ... then none of the orders is stored, not even in part
        assert Order.objects.count() == 0
        assert OrderLine.objects.count() == 0

        # when the client retries the same call, and once more
        retried = [client.post("/api/v1/orders/bulk", json=body) for _ in range(2)]

    # then the first retry created every order, the second none, and each exists once
    assert isinstance(cut_off, httpx.Response)
    assert cut_off.status_code == 503
    assert [answer.status_code for answer in retried] == [200, 200]
    assert [answer.json()["created"] for answer in retried] == [5, 0]
    assert [r["status"] for r in retried[1].json()["results"]] == ["refused"] * 5
    numbers = Counter(Order.objects.values_list("number", flat=True))
    assert numbers == Counter({f"B-{n}": 1 for n in range(5)})
    assert OrderEvent.objects.filter(kind="created").count() == 5


def test_the_served_hub_answers_at_once_after_its_idle_connections_are_dropped(
    tmp_path: Path,
) -> None:
    # given a served hub whose web threads keep their database connections between requests
    with api_client(tmp_path, "Idle") as client:
        warm = [client.get("/api/v1/orders").status_code for _ in range(8)]
        # when every other connection to the database is ended (a restart, a failover)
        with _connect(autocommit=True) as watch:
            ended = watch.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND application_name <> 'crossdock-test-holder' AND backend_type = "
                "'client backend' AND pid <> %s",
                (_django_pid(),),
            ).fetchall()
        DROPPED["idle"] += len(ended)
        after = [client.get("/api/v1/orders").status_code for _ in range(8)]

    # then no request after the drop fails
    assert warm == [200] * 8
    assert ended
    assert after == [200] * 8


def _django_pid() -> int:
    """The backend pid of this test's own Django connection (kept alive)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def test_a_pull_cut_off_mid_page_stores_every_order_once_after_the_worker_recovers(
    tmp_path: Path,
) -> None:
    # given a served sandbox shop with six new orders, its channel, and a real worker
    with served_shop(tmp_path, "Pulled", "Pull Shop") as served:
        account, channel = served.account, served.channel
        sandbox.generate_orders(served.shop, 6)
        with running_worker(served.env, tmp_path / "worker.log") as worker:
            # when the worker's connection drops while it stores the page (its orders and
            # their lines inserted, their events waiting)
            with holding("LOCK TABLE {table} IN SHARE MODE", OrderEvent) as lock:
                request_sync(account, channel.pk)
                lock.drop("pull")

            def first_run_over() -> bool:
                """the cut-off pull's run is finished"""
                return not SyncRun.objects.filter(outcome="running").exists()

            _until(first_run_over)
            stored_after_drop = Order.objects.count()
            # ... and the channel's next pull runs on the same worker
            request_sync(account, channel.pk)

            def pulled_again() -> bool:
                """a second pull succeeded"""
                return SyncRun.objects.filter(outcome="succeeded").exists()

            _until(pulled_again)
            alive = worker.poll() is None

    # then the cut-off page stored nothing, the worker lived on, and the next pull stored
    # each order once, whole
    assert stored_after_drop == 0
    assert alive
    assert list(SyncRun.objects.order_by("id").values_list("outcome", flat=True)) == [
        "failed",
        "succeeded",
    ]
    numbers = Counter(Order.objects.values_list("external_id", flat=True))
    assert sorted(numbers.values()) == [1] * 6
    assert all(order.lines.count() >= 1 for order in Order.objects.all())
    assert Channel.objects.get(pk=channel.pk).sync_lease_owner == ""
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def test_a_write_back_cut_off_as_it_finishes_is_delivered_once_by_the_living_worker(
    tmp_path: Path,
) -> None:
    # given a served sandbox shop that answers slowly, and a shipped order's write-back
    with served_shop(tmp_path, "Pushed", "Push Shop") as served:
        channel, token = served.channel, served.token
        sandbox.configure_faults(served.shop, {"delay_ms": "1500"})
        base = f"http://127.0.0.1:{served.port}/sandbox/api/v1"
        sandbox.generate_orders(served.shop, 1)
        pull_orders(channel.pk)
        order = Order.objects.get()
        ship(order)
        row = WriteBack.objects.get()
        with running_worker(served.env, tmp_path / "worker.log") as worker:

            def sending() -> bool:
                """the worker claimed the write-back and is pushing it"""
                return WriteBack.objects.filter(pk=row.pk, state="sending").exists()

            # when the worker's connection drops as it records the marketplace's answer
            _until(sending)
            with holding(
                "SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", WriteBack, row.pk
            ) as lock:
                lock.drop("write-back")
            # ... and, its lease over, the sweep enqueues it again
            WriteBack.objects.filter(pk=row.pk).update(
                next_attempt_at=timezone.now() - 10 * _MINUTE
            )
            push_write_back.enqueue(row.pk)

            def accepted() -> bool:
                """the write-back was accepted"""
                return WriteBack.objects.filter(pk=row.pk, state="accepted").exists()

            _until(accepted)
            alive = worker.poll() is None
        received = httpx.get(
            f"{base}/received/shipments", headers={"Authorization": f"Bearer {token}"}
        ).json()["shipments"]

    # then the marketplace holds the shipment once, and no job is left claimed
    assert alive
    assert [item["order_id"] for item in received] == [order.external_id]
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
    soak_line(
        "connection drops",
        faults=sum(DROPPED.values()),
        operations=4,
        lost=0,
        duplicated=0,
        seconds=time.monotonic() - STARTED,
        **{kind.replace(" ", "_"): count for kind, count in sorted(DROPPED.items())},
    )


_MINUTE = timedelta(minutes=1)
_HOUR = timedelta(hours=1)
