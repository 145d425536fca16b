"""The whole loop with the fake BigCommerce in place of the sandbox, over loopback HTTP.

BigCommerce orders → pulled into the hub (a queued "sync now" job, the worker's own HTTP
client) → exported through the Custom Store endpoint → a ShipStation ship notice → the
write-back job → the fake store holds exactly one shipment, on the order's address, with
BigCommerce's carrier code, the service and the tracking number.
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
from tests.connectors.bigcommerce.fake import TOKEN, FakeBigCommerce
from tests.connectors.bigcommerce.served import served
from tests.hub.channels.conftest import run_queued_tasks
from tests.hub.channels.test_full_loop import _notice_for

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_bigcommerce_orders_round_trip_to_one_shipment_on_the_store(
    live_server: LiveServer,
) -> None:
    fake = FakeBigCommerce()
    ids = fake.seed_orders(2)
    account = create_account("Loop Goods", "owner@loop.test", "owner-pass-1")
    issued = create_integration(account)
    store = httpx.Client(
        base_url=live_server.url,
        auth=(issued.integration.username, issued.password),
        timeout=10,
        headers={"Connection": "close"},
    )
    with served(fake) as base_url:
        channel = add_channel(
            account,
            "bigcommerce",
            "Nordic Crafts",
            {
                "store_hash": fake.store_hash,
                "access_token": TOKEN,
                "location_id": "1",
                "api_base_url": base_url,
            },
        )

        request_sync(account, channel.pk)
        run_queued_tasks()
        assert (
            sorted(Order.objects.filter(channel=channel).values_list("external_id", flat=True))
            == ids
        )

        window = {
            "action": "export",
            "start_date": format_wire_datetime(datetime.now(UTC) - timedelta(days=1)),
            "end_date": format_wire_datetime(datetime.now(UTC) + timedelta(minutes=5)),
        }
        exported = store.get("/shipstation/custom-store", params=window)
        assert exported.status_code == 200, exported.text
        target = next(
            order
            for order in etree.fromstring(exported.content).findall("Order")
            if order.findtext("OrderNumber") == ids[0]
        )
        notice = {"action": "shipnotify", "order_number": ids[0]}
        for _ in range(2):  # ShipStation resends notices; the store must get one shipment.
            notified = store.post(
                "/shipstation/custom-store",
                params={**notice, "carrier": "USPS", "service": "Priority Mail"},
                content=_notice_for(target),
                headers={"Content-Type": "application/xml; charset=utf-8"},
            )
            assert notified.status_code == 200, notified.text
        store.close()
        run_queued_tasks()

    write_back = WriteBack.objects.get()
    assert (write_back.state, write_back.attempts) == ("accepted", 1)
    order = fake.orders[int(ids[0])]
    assert [
        (
            s["order_address_id"],
            s["shipping_provider"],
            s["tracking_carrier"],
            s["shipping_method"],
            s["tracking_number"],
            sorted((i["order_product_id"], i["quantity"]) for i in s["items"]),
        )
        for s in order.shipments
    ] == [
        (
            order.addresses[0]["id"],
            "usps",
            "usps",
            "Priority Mail",
            "9405511899223197428490",
            sorted((p["id"], p["quantity"]) for p in order.products if p["type"] == "physical"),
        )
    ]
    assert write_back.external_id == str(order.shipments[0]["id"])
    assert order.order["status_id"] == 3  # the e-book is not shipped: partially shipped
