"""The connect form tests the connection first: each problem next to the field at fault;
a location setting is a select of the channel's locations."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client

from crossdock.connectors.base import (
    Capability,
    ConnectorSpec,
    FieldKind,
    Location,
    SettingField,
)
from crossdock.connectors.http import build_client
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import connections
from crossdock.hub.channels.models import Channel
from crossdock.web.forms.channels import ChannelForm
from tests.connectors.woocommerce.fake import KEY, SECRET, WooStore

WOO = {
    "name": "Woo shop",
    "setting_site_url": "https://shop.example.com",
    "setting_consumer_key": KEY,
    "setting_consumer_secret": SECRET,
    "setting_location": "Main warehouse",
    "sync_minutes": "5",
}


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> WooStore:
    """The hub's client for the connection test reaches a fake store instead of the network."""
    fake = WooStore()
    monkeypatch.setattr(
        connections,
        "build_client",
        lambda: build_client(transport=httpx.MockTransport(fake.handle)),
    )
    return fake


def test_a_key_the_store_refuses_is_named_next_to_its_field_and_nothing_is_saved(
    web: Client, account: Account, store: WooStore
) -> None:
    response = web.post(
        "/channels/connect/woocommerce", {**WOO, "setting_consumer_key": "ck_wrong"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "setting_consumer_key": ["the store does not accept this consumer key"]
    }
    assert not Channel.objects.filter(kind="woocommerce").exists()
    assert "ck_wrong" not in response.content.decode()


def test_a_site_without_woocommerce_is_named_on_the_address(
    web: Client, account: Account, store: WooStore
) -> None:
    store.woocommerce_active = False

    response = web.post("/channels/connect/woocommerce", WOO)

    assert response.context["form"].errors == {
        "setting_site_url": [
            "this WordPress site has no WooCommerce REST API (wc/v3): is WooCommerce active?"
        ]
    }


def test_a_working_store_is_connected(web: Client, account: Account, store: WooStore) -> None:
    response = web.post("/channels/connect/woocommerce", WOO)

    channel = Channel.objects.get(kind="woocommerce")
    assert response.status_code == 302
    assert channel.settings == {
        "site_url": "https://shop.example.com",
        "location": "Main warehouse",
    }
    assert [request.url.path for request in store.requests] == [
        "/wp-json/",
        "/wp-json/wc/v3/orders",
        "/wp-json/wc/v3/orders/batch",
    ]


def test_a_location_setting_is_a_select_of_the_channel_locations() -> None:
    spec = ConnectorSpec(
        slug="shop",
        display_name="Shop",
        capabilities=frozenset({Capability.PULL_ORDERS}),
        factory=lambda client, config: object(),
        settings_schema=(SettingField("location_id", "Location", kind=FieldKind.LOCATION),),
    )

    before = ChannelForm(spec=spec)
    after = ChannelForm(
        spec=spec,
        editing=True,
        locations=[Location("gid-1", "Warehouse A"), Location("gid-2", "Shop floor")],
    )

    assert list(before.fields["setting_location_id"].choices) == [  # type: ignore[attr-defined]
        ("", "Chosen once the channel is connected")
    ]
    assert list(after.fields["setting_location_id"].choices) == [  # type: ignore[attr-defined]
        ("", "The channel's default"),
        ("gid-1", "Warehouse A"),
        ("gid-2", "Shop floor"),
    ]
