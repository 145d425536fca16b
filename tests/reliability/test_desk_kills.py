"""No lost or duplicated desk import or ship notice: real ``crossdock worker`` processes
killed mid-import and mid-notice.

One served process (``crossdock serve``) holds the hub and the desk; the desk reaches the
hub only over HTTP, through the hub's Custom Store endpoint, as it would any store. The hub
account has enough orders for several export pages, and a desk store is connected to it.
While an API client changes orders' notes and an export pager walks the hub's pages (load
that slows the hub's answers), ``crossdock worker`` processes are started and killed with
``SIGKILL`` at random moments:

(a) during desk imports: the store imports hourly, so before each worker its import lease
    and schedule are moved past their end, as if the dead import's two minutes had gone by;
(b) during desk ship notices: every imported order is shipped in the desk (its API), which
    queues one notice per shipment to the hub.

Recovery moves the clocks instead of waiting them out: leases (an import's two minutes, a
notice's five), back-offs, and the hour after which a job a dead worker left claimed is
released, but not the store's schedule. One worker then runs until no notice is pending or
sending and no import run is "running" (so a dead import's run must be cleared without the
store importing again), then until an import begun after that has succeeded. The test reads
and moves those clocks in the served SQLite file itself: each ``crossdock manage`` call
starts Django anew, which takes seconds on a loaded machine.

Then: every hub order is in the desk exactly once with its latest notes and status; every
desk shipment reached the hub exactly once (one fulfillment per order, carrier and tracking
number, the hub order shipped); no notice is left pending or sending, no job claimed, no
import "running".

Run longer by ``make soak`` (``CROSSDOCK_SOAK_DESK_ROUNDS``, ``CROSSDOCK_SOAK_DESK_ORDERS``),
which prints the figures.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.reliability.served import manage, migrated_env, soak_line, start_worker
from tests.serving import crossdock_serve

#: Hub orders (5 to an export page), and workers killed in each of the two phases.
ORDERS = int(os.environ.get("CROSSDOCK_SOAK_DESK_ORDERS", "24"))
ROUNDS = int(os.environ.get("CROSSDOCK_SOAK_DESK_ROUNDS", "3"))
PAGE_SIZE = 5
REPO = Path(__file__).resolve().parents[2]

SETUP = """
import json, sys
sys.path.insert(0, {repo!r})
from django_tasks_db.models import DBTaskResult
from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.desk.accounts.services import create_token as create_desk_token
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments.models import Shipment, StoreNotice
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import connect_store
from crossdock.hub.accounts.services import create_account, create_token
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.services import create_order
from crossdock.hub.shipstation.services import IntegrationOptions, create_integration
from tests.fixtures.orders import SYSTEM, order_data
account = create_account("Kill Hub", "owner@killhub.test", "s3cret-pass-9")
ids = [create_order(account, order_data(f"K-{{n}}"), SYSTEM).pk for n in range({orders})]
issued = create_integration(account, "Desk", IntegrationOptions(page_size={page_size}))
desk = create_desk_account("Kill Desk", "packer@killdesk.test", "packing-pass-1")
store, report = connect_store(desk, kind="crossdock", name="Kill Hub",
                              url="{base}/shipstation/custom-store",
                              username=issued.integration.username, password=issued.password)
DeskStore.objects.filter(pk=store.pk).update(import_interval_minutes=60)
tables = {{model.__name__: model._meta.db_table for model in (
    DBTaskResult, DeskOrder, Shipment, StoreNotice, DeskStore, ImportRun, Fulfillment, Order)}}
print("RESULT " + json.dumps({{"ids": ids, "token": create_token(account, "kills").secret,
                              "desk_token": create_desk_token(desk, "kills").secret,
                              "username": issued.integration.username,
                              "password": issued.password, "tables": tables}}))
"""


def _stamp(moment: datetime) -> str:
    """A moment as Django stores it in SQLite (UTC, no offset)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


class Served:
    """The served SQLite file, read and written straight from the test (it watches for work
    and moves clocks many times); table names come from the models."""

    def __init__(self, path: Path, tables: dict[str, str]) -> None:
        self._path = path
        self.t = tables

    def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        """``sql`` names tables by model (``{ImportRun}``); values go in as parameters."""
        with closing(sqlite3.connect(self._path, timeout=60)) as db:
            return db.execute(sql.format_map(self.t), args).fetchall()

    def count(self, sql: str, *args: object) -> int:
        return int(self.rows(sql, *args)[0][0])

    def write(self, sql: str, *args: object) -> None:
        with closing(sqlite3.connect(self._path, timeout=60)) as db, db:
            db.execute(sql.format_map(self.t), args)

    def imports_due(self) -> None:
        """Time passes for the store: a dead import's lease has run out, the next is due."""
        past = _stamp(datetime.now(UTC) - timedelta(seconds=1))
        self.write(
            "UPDATE {DeskStore} SET import_lease_until = ?, next_import_at = ?",
            past,
            past,
        )

    def leases_run_out(self) -> None:
        """Every lease, back-off and claim timeout is past its end (the schedule is not
        touched: no import comes due by this alone)."""
        now = datetime.now(UTC)
        self.write(
            "UPDATE {StoreNotice} SET next_attempt_at = ?"
            " WHERE state IN ('pending', 'sending', 'failed')",
            _stamp(now - timedelta(minutes=10)),
        )
        self.write(
            "UPDATE {DBTaskResult} SET started_at = ? WHERE status = 'RUNNING'",
            _stamp(now - timedelta(hours=2)),
        )
        self.write("UPDATE {DeskStore} SET import_lease_until = ?", _stamp(now))

    def settled(self) -> bool:
        """No notice left to send and no import run "running"."""
        running = self.count("SELECT count(*) FROM {ImportRun} WHERE state = 'running'")
        return not running and set(self.notices()) <= {"sent"}

    def imports_since_count(self, runs: int) -> bool:
        """Whether an import began after there were ``runs`` of them."""
        return self.count("SELECT count(*) FROM {ImportRun}") > runs

    def notices_claimed_since(self, attempts: int) -> bool:
        """Whether a notice was claimed after there were ``attempts``, or all are sent."""
        claimed = self.count("SELECT sum(attempts) FROM {StoreNotice}") > attempts
        return claimed or set(self.notices()) <= {"sent"}

    def notices(self) -> dict[str, int]:
        rows = self.rows("SELECT state, count(*) FROM {StoreNotice} GROUP BY state")
        return {str(state): int(n) for state, n in rows}

    def imports(self) -> dict[str, int]:
        rows = self.rows("SELECT state, count(*) FROM {ImportRun} GROUP BY state")
        return {str(state): int(n) for state, n in rows}

    def imported_since(self, moment: str) -> int:
        return self.count(
            "SELECT count(*) FROM {ImportRun} WHERE state = 'succeeded' AND started_at >= ?",
            moment,
        )


def _wait_for(sign: Callable[[], bool], seconds: float = 90.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sign():
            return True
        time.sleep(0.05)
    return False


def _kill_during(
    env: dict[str, str], rng: random.Random, sign: Callable[[], bool]
) -> subprocess.Popen[bytes]:
    """Start a worker; once ``sign`` shows it at work, kill it with ``SIGKILL`` at a random
    moment (a worker takes seconds to start on a loaded machine, so a timer alone would
    mostly kill workers that had not begun)."""
    worker = start_worker(env)
    _wait_for(sign)
    time.sleep(rng.uniform(0.0, 2.5))
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    return worker


class Load:
    """An API client changing orders' notes and a pager walking the export, until stopped."""

    def __init__(self, base: str, made: dict[str, Any], rng: random.Random) -> None:
        self.stop = threading.Event()
        self.changes = 0
        self.pages = 0
        self.failures: list[str] = []
        self._base = base
        self._made = made
        self._seed = rng.randrange(1000)
        self._threads = [threading.Thread(target=self._change), threading.Thread(target=self._page)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join()

    def _change(self) -> None:
        rng = random.Random(self._seed)
        headers = {"Authorization": f"Bearer {self._made['token']}"}
        with httpx.Client(base_url=self._base, headers=headers, timeout=60) as client:
            while not self.stop.wait(0.3):
                order_id = rng.choice(self._made["ids"])
                answer = client.patch(
                    f"/api/v1/orders/{order_id}",
                    json={"internal_notes": f"change {self.changes} of {order_id}"},
                )
                self.changes += 1
                if answer.status_code != 200:
                    self.failures.append(f"change: {answer.status_code} {answer.text[:200]}")

    def _page(self) -> None:
        auth = (str(self._made["username"]), str(self._made["password"]))
        start = (datetime.now(UTC) - timedelta(days=1)).strftime("%m/%d/%Y %H:%M")
        end = (datetime.now(UTC) + timedelta(days=1)).strftime("%m/%d/%Y %H:%M")
        params = {"action": "export", "start_date": start, "end_date": end}
        with httpx.Client(base_url=self._base, auth=auth, timeout=60) as client:
            page = 1
            while not self.stop.wait(0.1):
                answer = client.get("/shipstation/custom-store", params={**params, "page": page})
                self.pages += 1
                if answer.status_code != 200:
                    self.failures.append(f"export: {answer.status_code} {answer.text[:200]}")
                page = page % (ORDERS // PAGE_SIZE + 1) + 1


def _recover(env: dict[str, str], served: Served) -> None:
    """Clocks past every lease and back-off; one worker until every notice is sent and no
    import run is left "running", then until an import begun after that has succeeded."""
    served.leases_run_out()
    worker = start_worker(env)
    try:
        assert _wait_for(served.settled, 240), (served.notices(), served.imports())
        since = _stamp(datetime.now(UTC))
        served.imports_due()
        assert _wait_for(lambda: served.imported_since(since) > 0, 240), served.imports()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the served processes share one SQLite file"
)
def test_workers_killed_mid_import_and_mid_notice_lose_and_duplicate_nothing(
    tmp_path: Path,
) -> None:
    # given one served hub and desk, hub orders over several export pages, a connected store
    started = time.monotonic()
    env = migrated_env(tmp_path)
    rng = random.Random(1414)
    with crossdock_serve(env, tmp_path / "server.log") as port:
        base = f"http://127.0.0.1:{port}"
        made = manage(
            env, SETUP.format(repo=str(REPO), orders=ORDERS, page_size=PAGE_SIZE, base=base)
        )
        served = Served(tmp_path / "data" / "crossdock.sqlite3", made["tables"])  # type: ignore[arg-type]
        with Load(base, made, rng) as load:
            # when workers are killed at random moments during imports, while orders change
            for _ in range(ROUNDS):
                runs = served.count("SELECT count(*) FROM {ImportRun}")
                served.imports_due()
                _kill_during(env, rng, partial(served.imports_since_count, runs))
            # ... the desk catches up, and every order is shipped in the desk: notices queue
            _recover(env, served)
            desk_ids = served.rows(
                "SELECT id, order_id FROM {DeskOrder} WHERE status = 'awaiting_shipment'"
            )
            headers = {"Authorization": f"Bearer {made['desk_token']}"}
            with httpx.Client(base_url=f"{base}/desk/api/v1", headers=headers, timeout=60) as desk:
                answers = [
                    desk.post(
                        f"/orders/{desk_id}/shipments",
                        json={
                            "carrier": "USPS",
                            "service": "Priority Mail",
                            "tracking_number": f"9400{order_id}",
                            "notify_buyer": False,
                        },
                    ).status_code
                    for desk_id, order_id in desk_ids
                ]
            # ... and workers are killed at random moments while they post the notices
            for _ in range(ROUNDS):
                attempts = served.count("SELECT sum(attempts) FROM {StoreNotice}")
                _kill_during(env, rng, partial(served.notices_claimed_since, attempts))
        # ... then leases and back-offs run out, and one worker finishes the work
        _recover(env, served)
        hub = {
            str(order_id): [notes, status]
            for order_id, notes, status in served.rows(
                "SELECT id, internal_notes, status FROM {Order}"
            )
        }
        desk_rows = served.rows("SELECT order_id, internal_notes, store_status FROM {DeskOrder}")
        shipments = served.rows(
            "SELECT o.order_id, s.carrier, s.tracking_number FROM {Shipment} s"
            " JOIN {DeskOrder} o ON s.order_id = o.id"
        )
        told = served.rows(
            "SELECT CAST(order_id AS TEXT), carrier, tracking_number FROM {Fulfillment}"
        )
        notices = served.notices()
        attempts = served.count("SELECT sum(attempts) FROM {StoreNotice}")
        imports = served.imports()
        jobs_running = served.count("SELECT count(*) FROM {DBTaskResult} WHERE status = 'RUNNING'")

    # then every hub order is in the desk exactly once, with its latest notes and status
    copies = [str(order_id) for order_id, _, _ in desk_rows]
    latest = {str(order_id): [notes, status] for order_id, notes, status in desk_rows}
    missing = sorted(set(hub) - set(copies))
    stale = sorted(key for key in hub if key in latest and latest[key] != hub[key])
    unheard = [row for row in shipments if row not in told]
    duplicated = (len(copies) - len(set(copies))) + (len(told) - len(set(told)))
    soak_line(
        "desk kills",
        faults=2 * ROUNDS,
        operations=sum(imports.values()) + len(shipments),
        lost=len(missing) + len(stale) + len(unheard),
        duplicated=duplicated,
        seconds=time.monotonic() - started,
        workers_killed=2 * ROUNDS,
        imports=sum(imports.values()),
        imports_cut_short=imports.get("failed", 0),
        notices=len(shipments),
        notice_posts=attempts,
        orders=len(hub),
        changes=load.changes,
        export_pages=load.pages,
    )
    assert load.failures == []
    assert len(hub) == ORDERS
    assert (missing, stale, len(copies)) == ([], [], ORDERS), (latest, hub)
    assert {status for _, status in hub.values()} == {"shipped"}
    assert answers == [201] * ORDERS
    assert (unheard, sorted(told)) == ([], sorted(shipments))
    # and nothing is left pending, sending or claimed, and no import "running"
    assert notices == {"sent": ORDERS}
    assert jobs_running == 0
    assert "running" not in imports
