"""A BigCommerce channel through the hub's REST API: its settings, its secret kept secret."""

from __future__ import annotations

import pytest

from crossdock.connectors.http import build_client
from crossdock.hub.channels import connections
from tests.connectors.bigcommerce.fake import TOKEN, FakeBigCommerce
from tests.fixtures.api import ApiClient


def test_bigcommerce_is_offered_with_its_settings_and_carrier_vocabulary(api: ApiClient) -> None:
    connectors = {item["slug"]: item for item in api.get("/channels/connectors").json()}

    bigcommerce = connectors["bigcommerce"]
    assert [(f["name"], f["secret"], f["required"]) for f in bigcommerce["settings"]] == [
        ("store_hash", False, True),
        ("access_token", True, True),
        ("location_id", False, False),
        ("api_base_url", False, False),
    ]
    assert bigcommerce["settle_time_seconds"] == 300


def test_a_bigcommerce_channel_is_added_with_its_token_stored_and_never_shown(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FakeBigCommerce()
    monkeypatch.setattr(
        connections, "build_client", lambda: build_client(transport=store.transport())
    )
    created = api.post(
        "/channels",
        {
            "kind": "bigcommerce",
            "name": "Nordic Crafts",
            "settings": {"store_hash": "abc123xyz", "access_token": TOKEN, "location_id": "1"},
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["settings"] == {"store_hash": "abc123xyz", "location_id": "1"}
    assert body["secret_settings_set"] == ["access_token"]
    assert body["warnings"] == []
    assert body["capabilities"] == [
        "fetch_order",
        "pull_listings",
        "pull_orders",
        "push_shipment",
        "set_stock",
    ]
    assert TOKEN not in created.content.decode()
    assert TOKEN not in api.get("/channels").content.decode()
