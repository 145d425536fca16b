"""Connecting a Shopify shop through the hub's connect form, the fake shop behind the client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.connectors.http import build_client
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import connections
from crossdock.hub.channels.models import Channel
from tests.connectors.shopify.fake import LIMITED_TOKEN, TOKEN, FakeShopify

FORM = {
    "name": "Nordic Crafts",
    "setting_shop_domain": "https://nordic-crafts.myshopify.com/admin",
    "setting_access_token": TOKEN,
    "setting_location_id": "",
    "sync_minutes": "5",
}


@pytest.fixture
def web(account: Account) -> Client:
    """The merchant UI, signed in as the owner of ``account``."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="acme@example.com"))
    return client


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> FakeShopify:
    """The hub's client for the connection test reaches the fake shop, not the network."""
    fake = FakeShopify()
    monkeypatch.setattr(
        connections, "build_client", lambda: build_client(transport=fake.transport())
    )
    return fake


def test_a_token_without_a_scope_is_named_next_to_it_and_nothing_is_saved(
    web: Client, account: Account, shop: FakeShopify
) -> None:
    response = web.post(
        "/channels/connect/shopify", {**FORM, "setting_access_token": LIMITED_TOKEN}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "setting_access_token": [
            "the custom app lacks the Admin API scope write_inventory (needed to set stock "
            "levels): add it and reinstall the app"
        ]
    }
    assert not Channel.objects.filter(kind="shopify").exists()
    assert LIMITED_TOKEN not in response.content.decode()


def test_a_working_shop_is_connected_and_offers_its_locations(
    web: Client, account: Account, shop: FakeShopify
) -> None:
    response = web.post("/channels/connect/shopify", FORM)

    channel = Channel.objects.get(kind="shopify")
    assert response.status_code == 302
    assert channel.settings == {"shop_domain": "https://nordic-crafts.myshopify.com/admin"}
    page = web.get(f"/channels/{channel.pk}/").content.decode()
    assert "Main warehouse" in page
    assert "Shop floor" in page
