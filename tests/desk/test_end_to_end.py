"""End to end over real HTTP on loopback: hub endpoint ⇄ desk ⇄ sandbox marketplace.

The hub (with its generated ShipStation credentials) and the sandbox marketplace run in
pytest-django's live server; the desk reaches them only over HTTP, as it would any store.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from crossdock.core.actors import Actor, ActorKind
from crossdock.demo.orders import demo_orders
from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.desk.accounts.services import create_token as create_desk_token
from crossdock.desk.orders.models import DeskOrder
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.carriers import seed_default_mappings
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_orders
from crossdock.hub.orders.services import create_custom_status, create_order
from crossdock.hub.shipstation.queries import status_mapping
from crossdock.hub.shipstation.services import create_integration
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxShipment
from tests.fixtures.api import DeskApiClient
from tests.fixtures.tasks import run_tasks

pytestmark = pytest.mark.usefixtures("transactional_db")


def _hub_with_orders(live_server: LiveServer) -> dict[str, Any]:
    """A hub account with orders using every feature, a sandbox channel and an integration."""
    # Installation-wide copies of the connectors' defaults, as an admin starting to edit has.
    seed_default_mappings()
    account = create_account("Demo Outfitters", "owner@outfitters.test", "owner-pass-1")
    create_custom_status(account, "Awaiting engraving", "on_hold")
    create_custom_status(account, "Ready to pack", "paid")
    actor = Actor(ActorKind.SYSTEM, "tests")
    for data, custom_status in demo_orders():
        create_order(account, data, actor, custom_status=custom_status)
    created = sandbox.create_shop("Nordic Crafts", "NC")
    sandbox.generate_orders(created.shop, 8)
    channel = add_channel(
        account,
        "sandbox",
        "Nordic Crafts",
        {"base_url": f"{live_server.url}/sandbox/api/v1", "api_token": created.token},
    )
    assert pull_orders(channel.pk) is not None
    issued = create_integration(account)
    return {
        "account": account,
        "channel": channel,
        "username": issued.integration.username,
        "password": issued.password,
        "mapping": status_mapping(account),
    }


def test_the_desk_ships_a_hub_order_in_two_shipments_and_the_marketplace_hears(
    live_server: LiveServer,
) -> None:
    # given a running hub with generated credentials, and a desk account
    hub = _hub_with_orders(live_server)
    desk = DeskApiClient(
        create_desk_token(
            create_desk_account("Parcel Pals", "packer@parcelpals.test", "packing-pass-1"), "e2e"
        ).secret
    )
    mapping = hub["mapping"]

    # when the merchant connects the desk to the hub's endpoint with those credentials
    connected = desk.post(
        "/stores",
        {
            "kind": "crossdock",
            "name": "Demo Outfitters",
            "url": f"{live_server.url}/shipstation/custom-store",
            "username": hub["username"],
            "password": hub["password"],
            "status_mapping": {
                "unpaid": mapping.unpaid,
                "paid": mapping.paid,
                "shipped": mapping.shipped,
                "cancelled": mapping.cancelled,
                "on_hold": mapping.on_hold,
            },
        },
    )
    assert connected.status_code == 201, connected.content
    assert connected.json()["test"]["unmapped_statuses"] == []
    store_id = connected.json()["store"]["id"]

    # and imports
    summary = desk.post(f"/stores/{store_id}/import").json()

    # then every exported hub order is in the desk, with every feature kept
    exported = Order.objects.filter(account=hub["account"]).count()
    assert summary["succeeded"] is True
    assert summary["skipped"] == []
    assert summary["created"] == exported
    assert DeskOrder.objects.count() == exported
    assert DeskOrder.objects.filter(gift=True).exclude(gift_message="").exists()
    assert DeskOrder.objects.exclude(customer_notes="").exists()
    assert DeskOrder.objects.exclude(internal_notes="").exists()
    assert DeskOrder.objects.filter(status="on_hold").exists()
    assert DeskOrder.objects.filter(lines__adjustment=True).exists()
    assert DeskOrder.objects.exclude(lines__options=[]).exists()
    assert DeskOrder.objects.exclude(lines__image_url="").exists()
    assert DeskOrder.objects.exclude(lines__location="").exists()
    assert DeskOrder.objects.filter(weight_value__gt=0).exists()

    # when a marketplace order with two or more units ships in two shipments
    hub_order = next(
        order
        for order in Order.objects.filter(channel=hub["channel"], status="paid").order_by("pk")
        if sum(line.quantity for line in order.lines.all()) >= 2
    )
    desk_order = DeskOrder.objects.get(order_id=str(hub_order.pk))
    detail = desk.get(f"/orders/{desk_order.pk}").json()
    first_line = detail["lines"][0]
    first = desk.post(
        f"/orders/{desk_order.pk}/shipments",
        {
            "carrier": "USPS",
            "service": "Priority Mail",
            "tracking_number": "9400111899223100000011",
            "shipping_cost": "6.10",
            "notes_to_buyer": "First parcel",
            "lines": [{"line_id": first_line["id"], "quantity": 1}],
        },
    )
    run_tasks(("*",))
    second = desk.post(
        f"/orders/{desk_order.pk}/shipments",
        {"carrier": "UPS", "service": "Ground", "tracking_number": "1Z999AA10123456796"},
    )
    run_tasks(("*",))

    # then both notices were sent, the hub recorded both fulfillments and shipped the order
    assert first.status_code == 201
    assert second.status_code == 201
    for shipment in (first.json(), second.json()):
        state = desk.get(f"/shipments/{shipment['id']}").json()["notice"]
        assert (state["state"], state["answer_status"]) == ("sent", 200), state
    fulfillments = Fulfillment.objects.filter(order=hub_order).order_by("pk")
    assert [(f.carrier, f.tracking_number) for f in fulfillments] == [
        ("USPS", "9400111899223100000011"),
        ("UPS", "1Z999AA10123456796"),
    ]
    first_lines = list(fulfillments[0].lines.values_list("quantity", flat=True))
    assert first_lines == [1]
    hub_order.refresh_from_db()
    assert hub_order.status == "shipped"
    assert desk.get(f"/orders/{desk_order.pk}").json()["status"] == "shipped"

    # and the marketplace received both tracking numbers
    received = SandboxShipment.objects.filter(order__number=hub_order.number)
    assert sorted(received.values_list("tracking_number", flat=True)) == [
        "1Z999AA10123456796",
        "9400111899223100000011",
    ]

    # and the next import brings the hub's shipped status without duplicating anything
    again = desk.post(f"/stores/{store_id}/import").json()
    assert again["succeeded"] is True
    assert again["created"] == 0
    assert DeskOrder.objects.count() == exported
    assert again["updated"] >= 1
    assert DeskOrder.objects.get(pk=desk_order.pk).store_status == "shipped"
