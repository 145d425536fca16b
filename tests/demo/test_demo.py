"""``crossdock demo``: the hub account, its orders, and the desk store wired to the hub."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.demo import DEMO_ACCOUNT, load_demo
from crossdock.desk.stores.models import DeskStore
from crossdock.hub.orders.models import Order
from crossdock.hub.shipstation.models import ShipStationIntegration

pytestmark = pytest.mark.django_db


def test_the_demo_orders_use_every_order_field() -> None:
    load_demo()

    orders = Order.objects.filter(account__name=DEMO_ACCOUNT, channel__kind="manual")
    assert orders.count() == 13
    assert orders.filter(gift=True).exclude(gift_message="").exists()
    assert orders.filter(discounts__code="WELCOME10").exists()
    assert orders.exclude(customer_notes="").exists()
    assert orders.exclude(internal_notes="").exists()
    assert orders.filter(custom_status__isnull=False).count() == 3
    assert orders.filter(weight_value__isnull=False).exists()
    assert orders.filter(lines__options__isnull=False).exclude(lines__image_url="").exists()
    assert set(orders.values_list("lines__weight_unit", flat=True)) == {
        "g",
        "kg",
        "oz",
        "lb",
    }
    assert set(orders.values_list("status", flat=True)) == {"paid", "unpaid", "on_hold"}


def test_the_desk_store_points_at_the_hubs_endpoint_with_working_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CROSSDOCK_PORT", "8123")

    load_demo()

    integration = ShipStationIntegration.objects.get(account__name=DEMO_ACCOUNT)
    store = DeskStore.objects.get()
    assert store.url == "http://127.0.0.1:8123/shipstation/custom-store"
    assert store.username == integration.username
    assert "Ready to pack" in store.status_paid
    assert "partially_shipped" in store.status_paid


def test_the_cli_loads_once_on_first_start() -> None:
    runner = CliRunner()

    first = runner.invoke(app, ["demo", "--first-start", "--json"])
    second = runner.invoke(app, ["demo", "--first-start", "--json"])

    assert json.loads(first.stdout)["loaded"] is True
    assert json.loads(second.stdout)["loaded"] is False
    assert Order.objects.filter(account__name=DEMO_ACCOUNT, channel__kind="manual").count() == 13
