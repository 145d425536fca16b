"""The demo's two sandbox marketplaces, connected to the demo account."""

from __future__ import annotations

import pytest

from crossdock.demo import DEMO_ACCOUNT, load_demo
from crossdock.hub.channels.connections import config_of
from crossdock.hub.channels.models import Channel
from crossdock.sandbox.models import SandboxOrder, SandboxShop

pytestmark = pytest.mark.django_db


def test_the_demo_connects_two_sandbox_marketplaces_with_orders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CROSSDOCK_PORT", "8123")

    assert load_demo()["loaded"] is True

    channels = Channel.objects.filter(account__name=DEMO_ACCOUNT, kind="sandbox").order_by("name")
    assert [c.name for c in channels] == ["Maple Goods Bazaar", "Nordic Crafts Market"]
    for channel in channels:
        config = config_of(channel)
        assert config.settings["base_url"] == "http://127.0.0.1:8123/sandbox/api/v1"
        assert config.secrets["api_token"].startswith("sbx_")
        shop = SandboxShop.objects.get(name=channel.name)
        assert config.settings["shop_url"] == f"http://127.0.0.1:8123/sandbox/shops/{shop.pk}/"
        assert channel.next_sync_at is not None
    assert [(s.name, s.orders.count()) for s in SandboxShop.objects.order_by("name")] == [
        ("Maple Goods Bazaar", 7),
        ("Nordic Crafts Market", 9),
    ]
    assert SandboxOrder.objects.count() == 16
