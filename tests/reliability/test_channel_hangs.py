"""A channel that hangs never holds a worker: the call ends at the hub's timeout and is retried.

A served hub (``crossdock serve``, its sandbox marketplace on loopback) has a sandbox
channel with orders already pulled and shipped (one write-back each), new orders waiting
to be pulled, and listings linked to stocked products (stock pushes). The shop then hangs
a share of its calls for longer than the hub waits (``CROSSDOCK_CHANNEL_TIMEOUT``); on
writes half of the hangs come after the write is stored, so the hub cannot tell it
worked. One real ``crossdock worker`` process pulls (asked by "Sync now" over the REST
API), pushes write-backs and pushes stock while the faults last; the test moves the
outbox clocks past each back-off instead of waiting them out.

Then: every shop order is in the hub once, every shipment reached the shop once, every
write-back is accepted and every stock push is done (nothing pending or sending), the
stock the shop shows is what the hub pushed last, hung pulls are recorded as timed out
(the worker went on) and the worker is still running.

Run longer by ``make soak`` (``CROSSDOCK_SOAK_HANG_ORDERS``).
"""

from __future__ import annotations

import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from crossdock.sandbox.faults import FaultKind, FaultSettings, draw_fault
from tests.reliability.served import ManageShell, migrated_env, soak_line, start_worker
from tests.serving import crossdock_serve

#: Orders shipped before the hangs start, and as many new ones pulled during them.
ORDERS = int(os.environ.get("CROSSDOCK_SOAK_HANG_ORDERS", "10"))
#: Seconds the hub waits for a channel, and the shop's hang (well beyond it).
CHANNEL_TIMEOUT = 4
HANG_SECONDS = 10
TIMEOUT_RATE = "0.35"
SEED = 41

SETUP = """
import json
from django.utils import timezone
from crossdock.core.actors import SYSTEM
from crossdock.hub.accounts.services import create_account, create_token
from crossdock.hub.catalog.listings import decide_winner, pull_listings
from crossdock.hub.catalog.services import create_product, create_source, receive
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_orders
from crossdock.sandbox import services
created = services.create_shop("Hang Shop", "HS")
services.configure_faults(created.shop, {{"fault_seed": {seed}}})
services.generate_orders(created.shop, {orders})
account = create_account("Hangers", "owner@hangers.test", "s3cret-pass-9")
source = create_source(account, "Main warehouse")
for listing in created.shop.listings.all():
    create_product(account, listing.sku, listing.title)
    receive(account, listing.sku, source, 500, SYSTEM, "opening stock")
channel = add_channel(account, "sandbox", "Hang shop",
                      {{"base_url": "{base}", "api_token": created.token}})
pull_listings(channel.pk, SYSTEM)
decide_winner(channel, "hub", SYSTEM)
assert pull_orders(channel.pk).outcome == "succeeded"
for order in Order.objects.filter(account=account):
    record_fulfillment(account, order.pk,
                       Shipment(carrier="USPS", tracking_number="9400" + str(order.pk)), SYSTEM)
services.generate_orders(created.shop, {orders})
services.configure_faults(created.shop, {{"timeout_rate": "{rate}", "timeout_seconds": {hang}}})
print("RESULT " + json.dumps({{
    "token": created.token, "channel": channel.pk,
    "api": create_token(account, "hang test").secret,
    "requests": created.shop.__class__.objects.get().request_count,
    "now": timezone.now().isoformat(),
}}))
"""

#: The outbox clocks moved past every back-off, for the rows and for their retry jobs (a
#: row being sent is left to its worker), and where things stand.
NUDGE = """
import json
from collections import Counter
from datetime import timedelta
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks_db.models import DBTaskResult
from crossdock.hub.catalog.models import StockPush
from crossdock.hub.channels.models import SyncRun
from crossdock.hub.fulfillment.models import WriteBack
past = timezone.now() - timedelta(minutes=10)
WriteBack.objects.filter(state="pending").update(next_attempt_at=past)
StockPush.objects.filter(state="pending").update(next_attempt_at=past)
DBTaskResult.objects.filter(status="READY", run_after__gt=past).update(run_after=past)
mark = parse_datetime("{mark}")
runs = SyncRun.objects.filter(started_at__gte=mark)
states = Counter(WriteBack.objects.values_list("state", flat=True))
print("RESULT " + json.dumps({{
    "write-backs": dict(states),
    "pushes open": StockPush.objects.exclude(state="idle").count(),
    "pulls": dict(Counter(runs.values_list("outcome", flat=True))),
    "pull errors": sorted(set(runs.exclude(error="").values_list("error", flat=True))),
    "now": timezone.now().isoformat(),
}}))
"""

CHECK = """
import json
from collections import Counter
from django_tasks_db.models import DBTaskResult
from crossdock.hub.catalog.models import Listing, StockPush
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.orders.models import Order
from crossdock.sandbox.models import SandboxListing, SandboxOrder, SandboxShipment, SandboxShop
shop = SandboxShop.objects.get()
pulled = Order.objects.exclude(channel__kind="manual")
per_id = Counter(pulled.values_list("external_id", flat=True))
shop_ids = set(SandboxOrder.objects.values_list("public_id", flat=True))
shipped = Counter(SandboxShipment.objects.values_list("order__public_id", flat=True))
shown = dict(SandboxListing.objects.values_list("sku", "quantity"))
pushed = dict(Listing.objects.filter(product__isnull=False).values_list("sku", "quantity_pushed"))
print("RESULT " + json.dumps({
    "shop orders": len(shop_ids),
    "lost": sorted(shop_ids - set(per_id)),
    "duplicated": sorted(key for key, n in per_id.items() if n > 1),
    "shipments": sorted(Counter(shipped.values()).items()),
    "write-backs": dict(Counter(WriteBack.objects.values_list("state", flat=True))),
    "retried write-backs": WriteBack.objects.filter(attempts__gt=1).count(),
    "pushes": dict(Counter(StockPush.objects.values_list("state", flat=True))),
    "pushes behind": sum(1 for p in StockPush.objects.all() if p.pushed_generation != p.generation),
    "stock not as pushed": sorted(sku for sku, quantity in pushed.items()
                                  if shown.get(sku) != quantity),
    "listings pushed": len(pushed),
    "jobs running": DBTaskResult.objects.filter(status="RUNNING").count(),
    "requests": shop.request_count,
}))
"""


def hangs_drawn(first: int, last: int) -> int:
    """How many of the shop's requests ``first`` to ``last`` hung (the sandbox draws each
    request's fault from its seed and number, so it is recomputed here)."""
    settings = FaultSettings(timeout_rate=Decimal(TIMEOUT_RATE), seed=SEED)
    hung = {FaultKind.TIMEOUT, FaultKind.TIMEOUT_AFTER_WRITE}
    return sum(
        draw_fault(settings, number, is_write=True) in hung for number in range(first, last + 1)
    )


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the served processes share one SQLite file"
)
def test_a_hanging_channel_never_holds_the_worker_and_loses_or_repeats_nothing(
    tmp_path: Path,
) -> None:
    # given a served hub whose channel has write-backs and stock pushes queued and orders to
    # pull, and a shop that hangs a share of calls far past the hub's channel timeout
    started = time.monotonic()
    env = migrated_env(tmp_path)
    with (
        crossdock_serve(env, tmp_path / "server.log") as port,
        ManageShell(env, tmp_path / "shell.log") as manage,
    ):
        base = f"http://127.0.0.1:{port}"
        made = manage(
            SETUP.format(
                orders=ORDERS,
                base=f"{base}/sandbox/api/v1",
                seed=SEED,
                rate=TIMEOUT_RATE,
                hang=HANG_SECONDS,
            ),
        )
        first = int(str(made["requests"])) + 1
        mark = made["now"]
        api = httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {made['api']}"}
        )

        # when one worker pulls, writes back and pushes stock through the hangs
        worker = start_worker(env | {"CROSSDOCK_CHANNEL_TIMEOUT": str(CHANNEL_TIMEOUT)})
        asked = 0
        try:
            for _ in range(150):
                states = manage(NUDGE.format(mark=mark))
                pulls = states["pulls"]
                assert isinstance(pulls, dict)
                done = (
                    states["write-backs"] == {"accepted": ORDERS}
                    and states["pushes open"] == 0
                    and pulls.get("succeeded")
                    and not pulls.get("running")
                )
                if done:
                    break
                # "Sync now" once, and again whenever the pull it asked for failed.
                runs = sum(int(str(n)) for n in pulls.values())
                if runs >= asked and not pulls.get("succeeded") and not pulls.get("running"):
                    answer = api.post(f"/channels/{made['channel']}/sync")
                    assert answer.status_code == 202, answer.text
                    asked = runs + 1
                time.sleep(1)
            still_running = worker.poll() is None
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
            api.close()
        found = manage(CHECK)

    # then nothing is lost, repeated or left sending, and hung calls ended at the timeout
    hangs = hangs_drawn(first, int(str(found["requests"])))
    lost = found["lost"]
    duplicated = found["duplicated"]
    assert isinstance(lost, list)
    assert isinstance(duplicated, list)
    soak_line(
        "channel hangs",
        faults=hangs,
        operations=int(str(found["shop orders"])) + ORDERS + int(str(found["listings pushed"])),
        lost=len(lost),
        duplicated=len(duplicated),
        seconds=time.monotonic() - started,
        calls_hung=hangs,
        orders_pulled=found["shop orders"],
        write_backs=ORDERS,
        write_backs_retried=found["retried write-backs"],
        listings_pushed=found["listings pushed"],
        pulls=states["pulls"],
    )
    assert still_running
    assert hangs > 0
    assert found["shop orders"] == 2 * ORDERS
    assert lost == []
    assert duplicated == []
    assert found["write-backs"] == {"accepted": ORDERS}
    assert found["shipments"] == [[1, ORDERS]]
    assert found["pushes"] == {"idle": found["listings pushed"]}
    assert found["pushes behind"] == 0
    assert found["stock not as pushed"] == []
    assert found["jobs running"] == 0
    # A pull that met a hang failed at the hub's timeout; the worker went on to the next.
    pull_errors = states["pull errors"]
    assert isinstance(pull_errors, list)
    assert set(pull_errors) <= {"RetryableError: timed out: ReadTimeout"}
