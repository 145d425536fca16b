"""The whole loop over real HTTP on loopback, with the real task worker.

Sandbox marketplace orders → pulled into the hub (a queued "sync now" job) → exported
through the Custom Store endpoint → a ShipStation ship notice posted → the write-back job
→ the marketplace holds exactly one shipment with the mapped carrier, service, tracking.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lxml import etree
from pytest_django.live_server_helper import LiveServer

from crossdock.customstore.dates import format_wire_datetime
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.tasks import request_sync
from crossdock.hub.shipstation.services import create_integration
from crossdock.sandbox import services as sandbox
from tests.fixtures.shipstation import notice_for_exported
from tests.fixtures.tasks import run_queued_tasks

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_sandbox_orders_round_trip_to_one_shipment_on_the_marketplace(
    live_server: LiveServer,
) -> None:
    account = create_account("Loop Goods", "owner@loop.test", "owner-pass-1")
    shop = sandbox.create_shop("Loop Market", "LM")
    sandbox.generate_orders(shop.shop, 3)
    channel = add_channel(
        account,
        "sandbox",
        "Loop Market",
        {"base_url": f"{live_server.url}/sandbox/api/v1", "api_token": shop.token},
    )
    issued = create_integration(account)
    store = httpx.Client(
        base_url=live_server.url,
        auth=(issued.integration.username, issued.password),
        timeout=10,
        # One connection per request: a kept-alive socket would outlive the live server.
        headers={"Connection": "close"},
    )

    # Sync now: the queued pull runs in the worker and reads the sandbox over HTTP.
    request_sync(account, channel.pk)
    run_queued_tasks()
    assert Order.objects.filter(channel=channel).count() == 3

    window = {
        "action": "export",
        "start_date": format_wire_datetime(datetime.now(UTC) - timedelta(hours=1)),
        "end_date": format_wire_datetime(datetime.now(UTC) + timedelta(minutes=5)),
    }
    exported = store.get("/shipstation/custom-store", params=window)
    assert exported.status_code == 200, exported.text
    orders = etree.fromstring(exported.content).findall("Order")
    paid = Order.objects.filter(channel=channel, status="paid").order_by("number").first()
    assert paid is not None
    assert paid.number in [order.findtext("OrderNumber") for order in orders]
    target = next(order for order in orders if order.findtext("OrderNumber") == paid.number)

    notified = store.post(
        "/shipstation/custom-store",
        params={
            "action": "shipnotify",
            "order_number": paid.number,
            "carrier": "USPS",
            "service": "Priority Mail",
            "tracking_number": "9405511899223197428490",
        },
        content=notice_for_exported(target),
        headers={"Content-Type": "application/xml; charset=utf-8"},
    )
    assert notified.status_code == 200, notified.text
    # ShipStation resends notices; the second one must not reach the marketplace again.
    resent = store.post(
        "/shipstation/custom-store",
        params={"action": "shipnotify", "order_number": paid.number},
        content=notice_for_exported(target),
        headers={"Content-Type": "application/xml; charset=utf-8"},
    )
    assert resent.status_code == 200, resent.text

    store.close()
    run_queued_tasks()

    write_back = WriteBack.objects.get()
    assert (write_back.state, write_back.attempts) == ("accepted", 1)
    received = httpx.get(
        f"{live_server.url}/sandbox/api/v1/received/shipments",
        headers={"Authorization": f"Bearer {shop.token}"},
        timeout=10,
    ).json()["shipments"]
    assert [
        (s["order_id"], s["carrier"], s["service"], s["tracking_number"], s["notify_buyer"])
        for s in received
    ] == [(paid.external_id, "usps", "priority", "9405511899223197428490", False)]
    assert received[0]["id"] == write_back.external_id
    marketplace_order = httpx.get(
        f"{live_server.url}/sandbox/api/v1/orders/{paid.external_id}",
        headers={"Authorization": f"Bearer {shop.token}"},
        timeout=10,
    ).json()
    assert marketplace_order["status"] == "shipped"
