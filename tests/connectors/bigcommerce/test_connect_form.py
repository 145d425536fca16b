"""Connecting a BigCommerce store through the hub's connect form: the real check, named."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.connectors.http import build_client
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import connections
from crossdock.hub.channels.models import Channel
from tests.connectors.bigcommerce.fake import NO_ORDERS_TOKEN, TOKEN, FakeBigCommerce

FORM = {
    "name": "Nordic Crafts",
    "setting_store_hash": "abc123xyz",
    "setting_access_token": TOKEN,
    "setting_location_id": "",
    "sync_minutes": "5",
}


@pytest.fixture
def web(account: Account) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="acme@example.com"))
    return client


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FakeBigCommerce:
    """The hub's client for the connection check reaches the fake store, not the network."""
    fake = FakeBigCommerce()
    monkeypatch.setattr(
        connections, "build_client", lambda: build_client(transport=fake.transport())
    )
    return fake


def test_a_working_store_is_connected_after_one_call_per_scope(
    web: Client, store: FakeBigCommerce
) -> None:
    response = web.post("/channels/connect/bigcommerce", FORM)

    assert response.status_code == 302
    assert Channel.objects.get(kind="bigcommerce").settings == {"store_hash": "abc123xyz"}
    assert [request.url.path for request in store.requests] == [
        "/stores/abc123xyz/v2/store",
        "/stores/abc123xyz/v2/orders",
        "/stores/abc123xyz/v3/catalog/products",
        "/stores/abc123xyz/v3/inventory/locations",
    ]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"setting_store_hash": "nosuchstore9"},
            {"setting_store_hash": ["no BigCommerce store has the hash 'nosuchstore9'"]},
        ),
        (
            {"setting_access_token": "bc-token-revoked-00"},
            {
                "setting_access_token": [
                    "BigCommerce refused the access token: copy it again from the API account"
                ]
            },
        ),
        (
            {"setting_access_token": NO_ORDERS_TOKEN},
            {
                "setting_access_token": [
                    "the API account lacks the Orders: modify scope (You don't have a required "
                    "scope to access the endpoint): edit the account's OAuth scopes and enter its "
                    "new token"
                ]
            },
        ),
    ],
)
def test_each_problem_is_named_next_to_its_setting_and_nothing_is_saved(
    web: Client, store: FakeBigCommerce, changes: dict[str, str], errors: dict[str, list[str]]
) -> None:
    response = web.post("/channels/connect/bigcommerce", {**FORM, **changes})

    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert not Channel.objects.filter(kind="bigcommerce").exists()
    assert TOKEN not in response.content.decode()
