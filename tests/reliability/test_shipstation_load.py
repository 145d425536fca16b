"""ShipStation traffic under load, through a real served hub on SQLite.

Export pagers walk the whole window again and again while 8 notice clients each send the
same ship notice for every order (duplicates racing one another), and an API client changes
orders' notes. Then: no client ever got a 5xx (SQLite's "database is locked" never reaches
a client as an error), each order has exactly one fulfillment for its (carrier, tracking),
and one last export serves every order the API changed. Latencies are printed (not
asserted: timing belongs to ``bench/``), and so is the scenario's ``soak:`` line: the
duplicate notices sent, the calls made, the orders lost or fulfilled twice.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from tests.fixtures.orders import order_payload
from tests.reliability.served import manage, migrated_env, soak_line
from tests.serving import crossdock_serve

ORDERS = int(os.environ.get("CROSSDOCK_SOAK_LOAD_ORDERS", "30"))
NOTICE_CLIENTS = 8
PAGERS = 2

SETUP = """
import json
from crossdock.hub.accounts.services import create_account, create_token
from crossdock.hub.shipstation.services import IntegrationOptions, create_integration
account = create_account("Loaded", "owner@loaded.test", "s3cret-pass-9")
issued = create_integration(account, "Load", IntegrationOptions(page_size=5))
print("RESULT " + json.dumps({"username": issued.integration.username,
    "password": issued.password, "token": create_token(account, "load").secret}))
"""


def order_body(number: str) -> dict[str, object]:
    """A manual order with every field, numbered ``number``, for the API."""
    return order_payload(number=number)


class Record:
    """Every answer's status and latency, per kind of client, shared by the threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.latencies: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def timed(
        self, kind: str, call: Callable[..., httpx.Response], *args: Any, **kwargs: Any
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            answer = call(*args, **kwargs)
        except httpx.HTTPError as error:
            with self.lock:
                self.errors.append(f"{kind}: {error!r}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.statuses[(kind, answer.status_code)] += 1
            self.latencies.setdefault(kind, []).append(elapsed)
            if answer.status_code >= 500:
                self.errors.append(f"{kind}: {answer.status_code} {answer.text[:200]}")
        return answer


def _export_numbers(client: httpx.Client, record: Record, start: str, end: str) -> set[str]:
    """Walk every page of one export window; the order numbers served."""
    numbers: set[str] = set()
    page, pages = 1, 1
    while page <= pages:
        params = {"action": "export", "start_date": start, "end_date": end, "page": str(page)}
        answer = record.timed("export", client.get, "/shipstation/custom-store", params=params)
        if answer is None or answer.status_code != 200:
            return numbers
        root = etree.fromstring(answer.content)
        pages = int(root.get("pages", "1"))
        numbers |= {node.text or "" for node in root.iter("OrderNumber")}
        page += 1
    return numbers


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the served hub runs on its own SQLite file"
)
def test_pagers_duplicate_notices_and_changes_at_once_never_fail_nor_duplicate(
    tmp_path: Path,
) -> None:
    # given a served hub with orders, a ShipStation integration and an API token
    started = time.monotonic()
    env = migrated_env(tmp_path)
    made = manage(env, SETUP)
    record = Record()
    start = (datetime.now(UTC) - timedelta(days=1)).strftime("%m/%d/%Y %H:%M")
    end = (datetime.now(UTC) + timedelta(days=1)).strftime("%m/%d/%Y %H:%M")
    with crossdock_serve(env, tmp_path / "server.log") as port:
        base = f"http://127.0.0.1:{port}"
        auth = (str(made["username"]), str(made["password"]))
        api_headers = {"Authorization": f"Bearer {made['token']}"}
        with httpx.Client(base_url=base, headers=api_headers, timeout=60) as client:
            ids = [
                client.post("/api/v1/orders", json=order_body(f"L-{n}")).json()["id"]
                for n in range(ORDERS)
            ]
        shipped_ids, changed_ids = ids[::2], ids[1::2]
        stop = threading.Event()

        def pager() -> None:
            with httpx.Client(base_url=base, auth=auth, timeout=60) as client:
                while not stop.is_set():
                    _export_numbers(client, record, start, end)

        def notifier() -> None:
            with httpx.Client(base_url=base, auth=auth, timeout=60) as client:
                for order_id in shipped_ids:
                    body = (
                        f"<ShipNotice><OrderID>{order_id}</OrderID><Carrier>UPS</Carrier>"
                        f"<TrackingNumber>1Z{order_id:08d}</TrackingNumber></ShipNotice>"
                    )
                    record.timed(
                        "notice",
                        client.post,
                        "/shipstation/custom-store?action=shipnotify",
                        content=body,
                        headers={"Content-Type": "application/xml"},
                    )

        def changer() -> None:
            with httpx.Client(base_url=base, headers=api_headers, timeout=60) as client:
                for order_id in changed_ids:
                    record.timed(
                        "change",
                        client.patch,
                        f"/api/v1/orders/{order_id}",
                        json={"internal_notes": f"changed {order_id}"},
                    )

        # when pagers, duplicate notices and changes run at once
        pagers = [threading.Thread(target=pager) for _ in range(PAGERS)]
        writers = [threading.Thread(target=notifier) for _ in range(NOTICE_CLIENTS)]
        writers.append(threading.Thread(target=changer))
        for thread in pagers + writers:
            thread.start()
        for thread in writers:
            thread.join()
        stop.set()
        for thread in pagers:
            thread.join()
        with httpx.Client(base_url=base, auth=auth, timeout=60) as client:
            served = _export_numbers(client, record, start, end)
        with httpx.Client(base_url=base, headers=api_headers, timeout=60) as client:
            orders = [client.get(f"/api/v1/orders/{order_id}").json() for order_id in ids]

    # then
    for kind, times in sorted(record.latencies.items()):
        print(
            f"load: {kind} {len(times)} calls, median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms"
        )
    print(f"load: answers {dict(record.statuses)}")
    by_id = {order["id"]: order for order in orders}
    fulfillments = [len(by_id[i]["fulfillments"]) for i in shipped_ids]
    soak_line(
        "shipstation load",
        faults=(NOTICE_CLIENTS - 1) * len(shipped_ids),
        operations=sum(record.statuses.values()),
        lost=fulfillments.count(0) + len({by_id[i]["number"] for i in changed_ids} - served),
        duplicated=sum(count - 1 for count in fulfillments if count > 1),
        seconds=time.monotonic() - started,
        orders=ORDERS,
        errors=len(record.errors),
    )
    assert record.errors == []
    assert {status for (_, status) in record.statuses} <= {200}
    assert fulfillments == [1] * len(shipped_ids)
    assert [by_id[i]["internal_notes"] for i in changed_ids] == [
        f"changed {i}" for i in changed_ids
    ]
    assert served >= {by_id[i]["number"] for i in changed_ids}
