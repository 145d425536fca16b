"""The whole hub loop for any connector, with its fake platform in place of the sandbox.

Orders seeded on the fake → pulled into the hub (``pull_orders`` through the fake's
transport) → exported through the ShipStation Custom Store endpoint → a ship notice for one
order → the write-back delivered to the fake, which must accept it. Each connector's tests
call :func:`run_full_loop` once (needs the database).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.test import Client
from lxml import etree

from crossdock.customstore.dates import format_wire_datetime
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.writeback import deliver_write_back
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_orders
from crossdock.hub.shipstation.services import create_integration
from tests.connectors.conformance.harness import Harness
from tests.connectors.conformance.platform import FakePlatform, FakeShipment
from tests.fixtures.shipstation import notice_for_exported

TRACKING = "9405511899223197428490"
ENDPOINT = "/shipstation/custom-store"


@dataclass(frozen=True, slots=True)
class LoopOutcome:
    """What the loop left behind: the hub order shipped and what the fake received."""

    order: Order
    write_back: WriteBack
    received: list[FakeShipment]


def run_full_loop(fake: FakePlatform) -> LoopOutcome:
    """Seed, pull, export, notify and write back one order; the outcome for assertions."""
    external_ids = fake.seed_orders(2)
    account = create_account("Loop Goods", "owner@loop.test", "owner-pass-1")
    config = fake.good_config()
    channel = add_channel(
        account, fake.spec.slug, "Loop channel", {**config.settings, **config.secrets}
    )
    harness = Harness(fake)

    run = pull_orders(channel.pk, client=harness.client())
    assert run is not None
    assert run.error == ""
    assert Order.objects.filter(channel=channel).count() == len(external_ids)

    issued = create_integration(account)
    store = Client()
    auth = {"HTTP_AUTHORIZATION": _basic(issued.integration.username, issued.password)}
    window = {
        "action": "export",
        "start_date": format_wire_datetime(datetime.now(UTC) - timedelta(hours=1)),
        "end_date": format_wire_datetime(datetime.now(UTC) + timedelta(minutes=5)),
    }
    exported = store.get(ENDPOINT, window, **auth)  # type: ignore[arg-type]
    assert exported.status_code == 200
    document = b"".join(exported.streaming_content)  # type: ignore[attr-defined]
    target_order = Order.objects.get(channel=channel, external_id=external_ids[0])
    target = next(
        order
        for order in etree.fromstring(document).findall("Order")
        if order.findtext("OrderNumber") == target_order.number
    )

    notified = store.post(
        f"{ENDPOINT}?action=shipnotify&order_number={target_order.number}"
        f"&carrier=USPS&service=Priority+Mail&tracking_number={TRACKING}",
        notice_for_exported(target, TRACKING),
        content_type="application/xml; charset=utf-8",
        **auth,  # type: ignore[arg-type]
    )
    assert notified.status_code == 200, notified.content

    row = WriteBack.objects.get(fulfillment__order=target_order)
    delivered = deliver_write_back(row.pk, client=harness.client())
    assert delivered is not None
    target_order.refresh_from_db()
    return LoopOutcome(
        order=target_order, write_back=delivered, received=fake.shipments(external_ids[0])
    )


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
