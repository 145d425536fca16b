"""A channel that hangs never holds a worker: the call ends at the hub's timeout and is retried.

A served hub (``crossdock serve``, its sandbox marketplace on loopback) has a sandbox
channel with orders already pulled and shipped (one write-back each), new orders waiting
to be pulled, and listings linked to stocked products (stock pushes). The shop then hangs
calls for longer than the hub waits (``CROSSDOCK_CHANNEL_TIMEOUT``): every call at first,
until its fault log shows that a pull, a write-back and a stock push have each met a
hang, then a share of them; on writes half of the hangs come after the write is stored,
so the hub cannot tell it worked. One real ``crossdock worker`` process pulls (asked by
"Sync now" over the REST API), pushes write-backs and pushes stock while the faults last;
the test moves the outbox clocks past each back-off instead of waiting them out.

Then: every shop order is in the hub once, every shipment reached the shop once, every
write-back is accepted and every stock push is done (nothing pending or sending), the
stock the shop shows is what the hub pushed last, hung pulls are recorded as timed out
(the worker went on), the worker is still running, and the shop's fault log holds hangs
of each kind of call.

Run longer by ``make soak`` (``CROSSDOCK_SOAK_HANG_ORDERS``).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from crossdock.sandbox.faults import FaultKind
from tests.reliability.served import (
    ManageShell,
    answered_lists,
    faults_met,
    migrated_env,
    running_worker,
    soak_line,
    stocked_channel_setup,
)
from tests.serving import crossdock_serve

#: Orders shipped before the hangs start, and as many new ones pulled during them.
ORDERS = int(os.environ.get("CROSSDOCK_SOAK_HANG_ORDERS", "10"))
#: Seconds the hub waits for a channel, and the shop's hang (well beyond it).
CHANNEL_TIMEOUT = 4
HANG_SECONDS = 10
TIMEOUT_RATE = "0.35"
SEED = 41

#: After the shop, its stocked catalog and its channel: listings linked, the hub's stock
#: winning, every order pulled and shipped (one write-back each), as many new orders, and
#: the shop hanging every call.
SETUP = """
from django.utils import timezone
from crossdock.hub.catalog.listings import decide_winner, pull_listings
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_orders
pull_listings(channel.pk, SYSTEM)
decide_winner(channel, "hub", SYSTEM)
assert pull_orders(channel.pk).outcome == "succeeded"
for order in Order.objects.filter(account=account):
    record_fulfillment(account, order.pk,
                       Shipment(carrier="USPS", tracking_number="9400" + str(order.pk)), SYSTEM)
services.generate_orders(created.shop, {orders})
services.configure_faults(created.shop, {{"timeout_rate": "1", "timeout_seconds": {hang}}})
print("RESULT " + json.dumps({{
    "token": created.token, "channel": channel.pk,
    "api": create_token(account, "hang test").secret,
    "now": timezone.now().isoformat(),
}}))
"""

#: From every call hanging to a share of them.
SOME_HANG = """
from crossdock.sandbox import services
from crossdock.sandbox.models import SandboxShop
services.configure_faults(SandboxShop.objects.get(), {{"timeout_rate": "{rate}"}})
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
from crossdock.sandbox.models import SandboxListing, SandboxOrder, SandboxShipment
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
}))
"""


#: The calls each kind of work makes, which the test wants to see hang.
HUNG_CALLS = ("pull", "write-back", "stock push")


def hangs_met(log: list[dict[str, object]]) -> Counter[str]:
    """The hangs in a shop's fault log, per kind of work: a pull reads orders, a write-back
    posts (or looks up) an order's shipment, a stock push posts stock; other calls (the
    listings) by their last path segment."""
    hangs: Counter[str] = Counter()
    for met in log:
        if met["kind"] not in {FaultKind.TIMEOUT, FaultKind.TIMEOUT_AFTER_WRITE}:
            continue
        call = str(met["path"]).rsplit("/", 1)[-1]
        hangs[
            {"orders": "pull", "shipments": "write-back", "stock": "stock push"}.get(call, call)
        ] += 1
    return hangs


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the served processes share one SQLite file"
)
def test_a_hanging_channel_never_holds_the_worker_and_loses_or_repeats_nothing(
    tmp_path: Path,
) -> None:
    # given a served hub whose channel has write-backs and stock pushes queued and orders to
    # pull, and a shop that hangs every call far past the hub's channel timeout
    started = time.monotonic()
    env = migrated_env(tmp_path)
    with (
        crossdock_serve(env, tmp_path / "server.log") as port,
        ManageShell(env, tmp_path / "shell.log") as manage,
    ):
        base = f"http://127.0.0.1:{port}"
        shop_api = f"{base}/sandbox/api/v1"
        made = manage(
            stocked_channel_setup(
                shop="Hang Shop",
                code="HS",
                account="Hangers",
                base=shop_api,
                seed=SEED,
                orders=ORDERS,
                stock=500,
            )
            + SETUP.format(orders=ORDERS, hang=HANG_SECONDS)
        )
        token = str(made["token"])
        mark = made["now"]
        api = httpx.Client(
            base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {made['api']}"}
        )

        # when one worker pulls, writes back and pushes stock through the hangs: every call
        # hangs until each kind of work has met a hang, then a share of them
        asked = 0
        every_kind_hung = False
        with running_worker(env | {"CROSSDOCK_CHANNEL_TIMEOUT": str(CHANNEL_TIMEOUT)}) as worker:
            for _ in range(150):
                if not every_kind_hung:
                    hung = hangs_met(faults_met(shop_api, token))
                    every_kind_hung = all(hung[call] for call in HUNG_CALLS)
                    if every_kind_hung:
                        manage(SOME_HANG.format(rate=TIMEOUT_RATE))
                states = manage(NUDGE.format(mark=mark))
                pulls = states["pulls"]
                assert isinstance(pulls, dict)
                done = (
                    every_kind_hung
                    and states["write-backs"] == {"accepted": ORDERS}
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
        api.close()
        found = manage(CHECK)
        hung = hangs_met(faults_met(shop_api, token))

    # then nothing is lost, repeated or left sending, and hung calls ended at the timeout
    hangs = sum(hung.values())
    lost, duplicated = answered_lists(found, "lost", "duplicated")
    soak_line(
        "channel hangs",
        faults=hangs,
        operations=int(str(found["shop orders"])) + ORDERS + int(str(found["listings pushed"])),
        lost=len(lost),
        duplicated=len(duplicated),
        seconds=time.monotonic() - started,
        calls_hung=hangs,
        pulls_hung=hung["pull"],
        write_backs_hung=hung["write-back"],
        stock_pushes_hung=hung["stock push"],
        orders_pulled=found["shop orders"],
        write_backs=ORDERS,
        write_backs_retried=found["retried write-backs"],
        listings_pushed=found["listings pushed"],
        pulls=states["pulls"],
    )
    assert still_running
    assert every_kind_hung
    assert [call for call in HUNG_CALLS if hung[call] > 0] == list(HUNG_CALLS)
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
