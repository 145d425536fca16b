"""End to end over real HTTP: ShipStation's two calls against a live hub on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from lxml import etree
from pytest_django.live_server_helper import LiveServer

from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.shipstation.services import IssuedCredentials


def test_shipstation_imports_and_reports_a_shipment_over_http(
    live_server: LiveServer,
    transactional_db: None,
    issued: IssuedCredentials,
    make_order: Callable[..., Order],
) -> None:
    order = make_order("LIVE-1")
    mug = OrderLine.objects.filter(order=order).order_by("position").first()
    assert mug is not None
    auth = (issued.integration.username, issued.password)
    url = f"{live_server.url}/shipstation/custom-store"

    with httpx.Client(auth=auth, timeout=httpx.Timeout(10.0, connect=5.0)) as client:
        exported = client.get(
            url,
            params={
                "action": "export",
                "start_date": "01/01/2020 00:00",
                "end_date": "12/31/2039 23:59",
                "page": "1",
                "SS-UserName": auth[0],
                "SS-Password": auth[1],
            },
        )
        notice = (
            f"<ShipNotice><OrderID>{order.pk}</OrderID><Carrier>UPS</Carrier>"
            f"<TrackingNumber>1ZLIVE</TrackingNumber><Items><Item>"
            f"<LineItemID>{mug.pk}</LineItemID><Quantity>2</Quantity></Item></Items></ShipNotice>"
        )
        notified = client.post(
            url,
            params={"action": "shipnotify", "order_number": "LIVE-1", "carrier": "UPS"},
            content=notice.encode(),
            headers={"Content-Type": "application/xml"},
        )
        unauthorised = httpx.get(url, params={"action": "export"}, timeout=5.0)

    root = etree.fromstring(exported.content)
    assert exported.status_code == 200
    assert exported.headers["cache-control"] == "no-store"
    assert [o.findtext("OrderNumber") for o in root.findall("Order")] == ["LIVE-1"]
    assert notified.status_code == 200
    assert Fulfillment.objects.get().tracking_number == "1ZLIVE"
    assert Order.objects.get(pk=order.pk).status == "partially_shipped"
    assert unauthorised.status_code == 401
    assert unauthorised.headers["www-authenticate"].startswith("Basic realm=")
