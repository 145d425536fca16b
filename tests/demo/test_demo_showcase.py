"""The demo's pictures are this server's own files, and its showcase orders use every feature."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from crossdock.connectors.sandbox.mapping import parse_order
from crossdock.demo import DEMO_ACCOUNT, load_demo
from crossdock.demo.orders import demo_orders, showcase_order
from crossdock.demo.showcase import SHOWCASE_FEATURES, features_of
from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.shipstation.services import create_integration
from crossdock.sandbox import services
from crossdock.sandbox.models import SandboxOrder
from tests.fixtures.sandbox import auth, make_shop
from tests.fixtures.shipstation import StoreClient, content

pytestmark = pytest.mark.django_db
ALL_FEATURES = frozenset(SHOWCASE_FEATURES)


def _served(client: Client, url: str, base: str) -> tuple[int, str]:
    answer = client.get(url.removeprefix(base))
    answer.close()
    return answer.status_code, answer["Content-Type"]


def test_there_are_thirteen_showcase_features() -> None:
    assert len(SHOWCASE_FEATURES) == 13


def test_demo_pictures_are_served_by_this_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSDOCK_PORT", "8123")
    base = "http://127.0.0.1:8123"

    load_demo()

    urls = set(
        OrderLine.objects.filter(order__account__name=DEMO_ACCOUNT).values_list(
            "image_url", flat=True
        )
    )
    assert urls == {
        f"{base}/static/demo/products/{sku}.svg"
        for sku in ("tee-org-m", "mug-enamel", "sock-wool-l", "lantern-01", "knife-engr")
    }
    client = Client()
    assert {_served(client, url, base) for url in urls} == {(200, "image/svg+xml")}


def test_sandbox_pictures_are_served_by_the_marketplace_as_absolute_urls() -> None:
    shop, token = make_shop()
    services.generate_orders(shop, 5)
    client = Client()

    orders = client.get("/sandbox/api/v1/orders", headers=auth(token)).json()["orders"]
    listings = client.get("/sandbox/api/v1/listings", headers=auth(token)).json()["listings"]

    urls = {line["image_url"] for order in orders for line in order["lines"]} | {
        listing["image_url"] for listing in listings
    }
    assert urls
    assert all(url.startswith("http://testserver/static/sandbox/products/") for url in urls)
    assert {_served(client, url, "http://testserver") for url in urls} == {(200, "image/svg+xml")}


def test_the_hand_entered_showcase_order_uses_all_thirteen_features() -> None:
    assert features_of(showcase_order("http://127.0.0.1:8000")) == ALL_FEATURES


def test_no_other_demo_order_is_needed_for_the_showcase_but_each_lacks_some() -> None:
    # The twelve everyday orders vary; the showcase is the one that has everything.
    assert all(features_of(data) != ALL_FEATURES for data, _ in demo_orders("http://x"))


def test_the_sandbox_showcase_order_uses_all_thirteen_features_through_the_connector() -> None:
    shop, token = make_shop()
    order = services.place_showcase_order(shop)

    served = Client().get(f"/sandbox/api/v1/orders/{order.public_id}", headers=auth(token))

    assert served.status_code == 200
    assert features_of(parse_order(served.json())) == ALL_FEATURES


def test_the_demo_loads_a_showcase_order_by_hand_and_one_per_marketplace() -> None:
    load_demo()

    showcase = Order.objects.get(account__name=DEMO_ACCOUNT, number="DEMO-SHOWCASE")
    assert showcase.gift is True
    assert showcase.lines.exclude(location="").count() == 3
    marketplace_showcases = [
        order.shop.name
        for order in SandboxOrder.objects.select_related("shop").order_by("shop__name")
        if features_of(parse_order(order.document)) == ALL_FEATURES
    ]
    assert marketplace_showcases == ["Maple Goods Bazaar", "Nordic Crafts Market"]


def test_the_hand_entered_showcase_reaches_the_custom_store_export_with_every_feature() -> None:
    # Given the demo, when ShipStation exports the last days through the demo's integration
    load_demo()
    issued = create_integration(Account.objects.get(name=DEMO_ACCOUNT), "Showcase check")
    now = timezone.now()
    answer = StoreClient(issued).export(
        (now - timedelta(days=2)).strftime("%m/%d/%Y %H:%M"),
        (now + timedelta(days=2)).strftime("%m/%d/%Y %H:%M"),
    )

    # Then the showcase order carries every feature, nothing to edit first.
    assert answer.status_code == 200
    root = etree.fromstring(content(answer))
    order = root.find("Order[OrderNumber='DEMO-SHOWCASE']")
    assert order is not None
    for tag in ("CustomerNotes", "InternalNotes", "GiftMessage", "ShippingMethod", "PaymentMethod"):
        assert order.findtext(tag), tag
    assert order.findtext("Gift") == "true"
    assert Decimal(order.findtext("TaxAmount", "0")) > 0
    assert Decimal(order.findtext("ShippingAmount", "0")) > 0
    for party in ("BillTo", "ShipTo"):
        assert order.findtext(f"Customer/{party}/Company"), party
        assert order.findtext(f"Customer/{party}/Phone"), party
    items = order.findall("Items/Item")
    goods = [item for item in items if item.findtext("Adjustment") != "true"]
    assert len(goods) == 3
    assert len(items) > len(goods)  # the coupon travels as an adjustment line
    for item in goods:
        assert item.findtext("ImageUrl", "").startswith("http://127.0.0.1:8000/static/demo/")
        assert item.findtext("Location")
        assert item.findtext("Weight")
        assert item.findall("Options/Option")
