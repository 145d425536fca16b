"""No lost or duplicated write-back: real ``crossdock worker`` processes killed mid-push.

A served hub (``crossdock serve``, its sandbox marketplace on loopback) pulls a shop's
orders and ships each one, which queues one write-back per order. The shop then fails a
share of calls (503 before the write, 503 after the write, 429). ``crossdock worker``
processes are started and killed with ``SIGKILL`` at random moments, several times over.
Recovery: the faults stop, the clock of the outbox is moved past every lease and back-off
(the test does not wait the 5 minutes a dead worker's lease lasts), one worker runs until
nothing is pending or sending. Then the marketplace holds exactly one shipment per order,
every write-back is accepted and no background job is left claimed.

Run longer by ``make soak`` (``CROSSDOCK_SOAK_ROUNDS``), which prints the figures.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.reliability.served import manage, migrated_env, worker_process
from tests.serving import crossdock_serve

#: Orders shipped, and worker processes killed, per run (``make soak`` raises both).
ORDERS = int(os.environ.get("CROSSDOCK_SOAK_ORDERS", "12"))
ROUNDS = int(os.environ.get("CROSSDOCK_SOAK_ROUNDS", "4"))

SETUP = """
import json
from crossdock.core.actors import SYSTEM
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_orders
from crossdock.sandbox import services
created = services.create_shop("Kill Shop", "KS")
services.generate_orders(created.shop, {orders})
account = create_account("Killers", "owner@killers.test", "s3cret-pass-9")
channel = add_channel(account, "sandbox", "Kill shop",
                      {{"base_url": "{base}", "api_token": created.token}})
run = pull_orders(channel.pk)
for order in Order.objects.filter(account=account):
    record_fulfillment(account, order.pk,
                       Shipment(carrier="USPS", tracking_number="9400" + str(order.pk)), SYSTEM)
services.configure_faults(created.shop, {{"error_rate": "0.3", "rate_limit_rate": "0.1",
                                         "retry_after_seconds": "1", "delay_ms": "300",
                                         "fault_seed": {seed}}})
print("RESULT " + json.dumps({{"token": created.token,
                              "orders": Order.objects.filter(account=account).count()}}))
"""

RECOVER = """
from datetime import timedelta
from django.utils import timezone
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.sandbox.models import SandboxShop
from crossdock.sandbox import services
for shop in SandboxShop.objects.all():
    services.configure_faults(shop, {"error_rate": "0", "rate_limit_rate": "0", "delay_ms": "0"})
past = timezone.now() - timedelta(minutes=10)
WriteBack.objects.filter(state__in=["pending", "sending"]).update(next_attempt_at=past)
# ... and past the hour after which a job a dead worker left claimed is released.
from django_tasks_db.models import DBTaskResult
DBTaskResult.objects.filter(status="RUNNING").update(started_at=past - timedelta(hours=1))
"""

STATES = """
import json
from collections import Counter
from crossdock.hub.fulfillment.models import WriteBack
from django_tasks_db.models import DBTaskResult
states = Counter(WriteBack.objects.values_list("state", flat=True))
states["jobs running"] = DBTaskResult.objects.filter(status="RUNNING").count()
print("RESULT " + json.dumps(states))
"""


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the served processes share one SQLite file"
)
def test_workers_killed_mid_push_lose_and_duplicate_no_write_back(tmp_path: Path) -> None:
    # given a served hub and marketplace, and one write-back queued per shipped order
    env = migrated_env(tmp_path)
    rng = random.Random(14)
    with crossdock_serve(env, tmp_path / "server.log") as port:
        base = f"http://127.0.0.1:{port}/sandbox/api/v1"
        made = manage(env, SETUP.format(orders=ORDERS, base=base, seed=rng.randrange(1000)))

        # when workers are killed at random moments, several times, while the shop fails
        for _ in range(ROUNDS):
            worker = worker_process(env)
            time.sleep(rng.uniform(1.0, 6.0))
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        # ... then the faults stop, leases and back-offs run out, and one worker recovers
        manage(env, RECOVER)
        worker = worker_process(env)
        try:
            for _ in range(120):
                states = manage(env, STATES)
                if not {"pending", "sending"} & {k for k, n in states.items() if n}:
                    break
                time.sleep(1)
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        received = httpx.get(
            f"{base}/received/shipments", headers={"Authorization": f"Bearer {made['token']}"}
        ).json()["shipments"]

    # then every order's shipment reached the marketplace exactly once
    per_order = Counter(item["order_id"] for item in received)
    print(f"soak: {ROUNDS} workers killed, {made['orders']} write-backs, states {states}")
    assert made["orders"] == ORDERS
    assert states == {"accepted": ORDERS, "jobs running": 0}
    assert sorted(per_order.values()) == [1] * ORDERS
