"""``/api/v1/channels``, ``/write-backs`` and ``/carrier-mappings`` through the real API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_token
from crossdock.hub.channels import connections
from crossdock.hub.channels.crypto import decrypt_secrets
from crossdock.hub.channels.models import CarrierMapping, Channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.sandbox.models import SandboxShop
from tests.fixtures.api import ApiClient
from tests.fixtures.channels import pull, ship
from tests.fixtures.sandbox import BASE_URL, sandbox_http

pytestmark = pytest.mark.django_db
#: A token no shop holds: bodies refused before the connection check is made.
TOKEN = "sbx_very-secret-token-value"
SETTINGS = {"base_url": BASE_URL, "api_token": TOKEN}
BODY: dict[str, Any] = {"kind": "sandbox", "name": "Nordic", "settings": SETTINGS}


@pytest.fixture
def token(shop: tuple[SandboxShop, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """The sandbox shop's API token; the connection check of a new channel reaches the
    sandbox in-process, so a channel with this token passes it."""
    monkeypatch.setattr(connections, "build_client", sandbox_http)
    return shop[1]


@pytest.fixture
def body(token: str) -> dict[str, Any]:
    return {**BODY, "settings": {**SETTINGS, "api_token": token}}


def test_a_channel_is_created_with_its_secret_stored_encrypted_and_never_shown(
    api: ApiClient, body: dict[str, Any], token: str
) -> None:
    created = api.post("/channels", body)

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "sandbox"
    assert body["settings"] == {"base_url": BASE_URL}
    assert body["secret_settings_set"] == ["api_token"]
    assert body["capabilities"] == [
        "fetch_order",
        "pull_listings",
        "pull_orders",
        "push_shipment",
        "set_stock",
    ]
    assert body["health"]["next_sync_at"] is not None
    assert token not in created.content.decode()
    assert token not in api.get("/channels").content.decode()
    channel = Channel.objects.get(pk=body["id"])
    assert token not in repr(channel)
    assert token not in str(channel.settings)
    with connection.cursor() as cursor:
        cursor.execute("SELECT settings, secrets_ciphertext FROM channels_channel")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert token not in raw
    assert "api_token" not in raw


def test_the_admin_never_renders_a_channel_secret(
    api: ApiClient, body: dict[str, Any], token: str
) -> None:
    from django.contrib.auth import get_user_model

    channel_id = api.post("/channels", body).json()["id"]
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345678")
    client = Client()
    client.force_login(staff)

    page = client.get(f"/admin/channels/channel/{channel_id}/change/")

    assert page.status_code == 200
    assert token not in page.content.decode()
    assert "secrets_ciphertext" not in page.content.decode()
    assert Channel in site._registry


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "kind": "nope"}, "kind"),
        ({**BODY, "kind": "manual"}, "kind"),
        ({**BODY, "settings": {"base_url": BASE_URL}}, "settings.api_token"),
        ({**BODY, "settings": {**SETTINGS, "base_url": "ftp://x"}}, "settings.base_url"),
        ({**BODY, "settings": {**SETTINGS, "colour": "red"}}, "settings.colour"),
        ({**BODY, "sync_interval": 5}, "sync_interval"),
        ({**BODY, "name": "  "}, "name"),
    ],
)
def test_invalid_channels_are_refused_and_nothing_is_stored(
    api: ApiClient, body: dict[str, object], field: str
) -> None:
    response = api.post("/channels", body)

    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "body", *field.split(".")]
    assert Channel.objects.filter(kind="sandbox").count() == 0


def test_a_channel_name_is_unique_in_an_account(api: ApiClient, body: dict[str, Any]) -> None:
    api.post("/channels", body)

    again = api.post("/channels", body)

    assert again.status_code == 409
    assert Channel.objects.filter(kind="sandbox").count() == 1


def test_patching_changes_named_settings_and_keeps_the_secret(
    api: ApiClient, body: dict[str, Any]
) -> None:
    channel_id = api.post("/channels", body).json()["id"]

    patched = api.patch(
        f"/channels/{channel_id}",
        {
            "name": "Nordic EU",
            "settings": {"base_url": "https://example.com/api"},
            "is_active": False,
        },
    )

    assert patched.status_code == 200, patched.content
    body = patched.json()
    assert (body["name"], body["is_active"]) == ("Nordic EU", False)
    assert body["settings"] == {"base_url": "https://example.com/api"}
    assert body["secret_settings_set"] == ["api_token"]
    assert body["health"]["next_sync_at"] is None


def test_after_a_key_change_a_channel_shows_no_secrets_and_takes_them_again(
    api: ApiClient, settings: Any, body: dict[str, Any]
) -> None:
    channel_id = api.post("/channels", body).json()["id"]
    settings.ENCRYPTION_KEY = "a-rotated-key"

    listed = api.get("/channels")
    renamed = api.patch(f"/channels/{channel_id}", {"settings": {"base_url": BASE_URL}})
    entered = api.patch(f"/channels/{channel_id}", {"settings": {"api_token": "sbx_new"}})

    assert listed.status_code == 200
    assert [c["secret_settings_set"] for c in listed.json() if c["id"] == channel_id] == [[]]
    assert renamed.status_code == 422
    assert renamed.json()["detail"][0]["loc"][-2:] == ["settings", "api_token"]
    assert entered.status_code == 200, entered.content
    assert entered.json()["secret_settings_set"] == ["api_token"]
    assert decrypt_secrets(Channel.objects.get(pk=channel_id).secrets_ciphertext) == {
        "api_token": "sbx_new"
    }


def test_sync_now_queues_one_pull_and_is_refused_for_inactive_channels(
    api: ApiClient, body: dict[str, Any]
) -> None:
    channel_id = api.post("/channels", body).json()["id"]

    queued = api.post(f"/channels/{channel_id}/sync")
    api.patch(f"/channels/{channel_id}", {"is_active": False})
    refused = api.post(f"/channels/{channel_id}/sync")

    assert (queued.status_code, refused.status_code) == (202, 409)
    job = DBTaskResult.objects.get()
    assert job.task_path == "crossdock.hub.orders.tasks.pull_channel_orders"
    assert job.queue_name == "sync"
    assert job.args_kwargs == {"args": [channel_id], "kwargs": {}}


def test_the_manual_channel_neither_syncs_nor_deletes(api: ApiClient, account: Account) -> None:
    from crossdock.hub.channels.services import ensure_manual_channel

    manual_id = ensure_manual_channel(account).pk

    assert api.post(f"/channels/{manual_id}/sync").status_code == 409
    assert api.delete(f"/channels/{manual_id}").status_code == 409
    assert Channel.objects.filter(pk=manual_id).exists()
    assert DBTaskResult.objects.count() == 0


def test_a_channel_with_orders_cannot_be_deleted_one_without_can(
    api: ApiClient, account: Account, shop: tuple[SandboxShop, str], body: dict[str, Any]
) -> None:
    from crossdock.sandbox.services import generate_orders

    used = Channel.objects.get(
        pk=api.post("/channels", {**body, "settings": {**SETTINGS, "api_token": shop[1]}}).json()[
            "id"
        ]
    )
    unused_id = api.post("/channels", {**body, "name": "Spare"}).json()["id"]
    generate_orders(shop[0], 1)
    pull(used)

    refused = api.delete(f"/channels/{used.pk}")
    deleted = api.delete(f"/channels/{unused_id}")

    assert (refused.status_code, deleted.status_code) == (409, 204)
    assert "holds 1 order;" in refused.json()["detail"]
    assert list(Channel.objects.filter(kind="sandbox").values_list("name", flat=True)) == ["Nordic"]


def test_another_accounts_channels_are_invisible(
    api: ApiClient, make_account: Callable[[str], Account], body: dict[str, Any]
) -> None:
    channel_id = api.post("/channels", body).json()["id"]
    stranger = ApiClient(create_token(make_account("Stranger"), "t").secret)

    assert stranger.get(f"/channels/{channel_id}").status_code == 404
    assert stranger.patch(f"/channels/{channel_id}", {"name": "Mine"}).status_code == 404
    assert stranger.delete(f"/channels/{channel_id}").status_code == 404
    assert stranger.post(f"/channels/{channel_id}/sync").status_code == 404
    assert stranger.get(f"/channels/{channel_id}/sync-runs").status_code == 404
    assert [c["kind"] for c in stranger.get("/channels").json()] in ([], ["manual"])
    assert Channel.objects.get(pk=channel_id).name == "Nordic"


def test_sync_runs_and_health_show_what_happened(
    api: ApiClient, channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    from crossdock.hub.orders.models import Order
    from crossdock.sandbox.services import generate_orders

    generate_orders(shop[0], 3)
    pull(channel)
    order = Order.objects.first()
    assert order is not None
    ship(order)

    runs = api.get(f"/channels/{channel.pk}/sync-runs").json()
    health = api.get(f"/channels/{channel.pk}").json()["health"]

    assert [(r["kind"], r["outcome"], r["fetched"], r["created"]) for r in runs] == [
        ("orders", "succeeded", 3, 3)
    ]
    assert runs[0]["duration_ms"] is not None
    assert health["last_sync_at"] is not None
    assert (health["pending_write_backs"], health["failed_write_backs"]) == (1, 0)


def test_write_backs_are_listed_by_state_and_failed_ones_replay(
    api: ApiClient, channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    from crossdock.hub.orders.models import Order
    from crossdock.sandbox.services import generate_orders

    generate_orders(shop[0], 2)
    pull(channel)
    first, second = Order.objects.order_by("number")
    ship(first, tracking_number="T-1")
    ship(second, tracking_number="T-2")
    dead = WriteBack.objects.get(fulfillment__order=first)
    WriteBack.objects.filter(pk=dead.pk).update(state="dead", attempts=12, last_error="gave up")

    listed = api.get("/write-backs", state="dead").json()
    pending = api.get("/write-backs", state="pending").json()
    replayed = api.post(f"/write-backs/{dead.pk}/replay")
    again = api.post(f"/write-backs/{dead.pk}/replay")

    assert [(r["id"], r["order_number"], r["tracking_number"]) for r in listed] == [
        (dead.pk, first.number, "T-1")
    ]
    assert [r["tracking_number"] for r in pending] == ["T-2"]
    assert replayed.status_code == 202
    assert (replayed.json()["state"], replayed.json()["attempts"]) == ("pending", 0)
    assert again.status_code == 409
    assert api.get("/write-backs", state="bogus").status_code == 422


@pytest.mark.parametrize("channel_id", [2**63, -(2**70)])
def test_write_backs_of_a_channel_id_no_database_can_hold_are_none(
    api: ApiClient, channel_id: int
) -> None:
    response = api.get("/write-backs", channel_id=channel_id)

    assert response.status_code == 200
    assert response.json() == []


def test_carrier_mappings_list_defaults_and_the_accounts_own_rows(api: ApiClient) -> None:
    put = api.client.put(
        "/api/v1/carrier-mappings",
        {"channel_kind": "sandbox", "carrier": "USPS", "channel_carrier": "other"},
        content_type="application/json",
        headers=api.headers,
    )

    listed = api.get("/carrier-mappings", channel_kind="sandbox").json()

    assert put.status_code == 200, put.content
    usps = [row for row in listed if row["carrier"] == "USPS" and row["service"] == ""]
    assert [(row["channel_carrier"], row["is_default"]) for row in usps] == [("other", False)]
    assert any(row["is_default"] for row in listed)
    assert {row["id"] for row in listed if row["is_default"]} == {None}
    deleted = api.delete(f"/carrier-mappings/{put.json()['id']}")
    assert deleted.status_code == 204
    assert not CarrierMapping.objects.exists()


def test_an_installation_wide_row_cannot_be_deleted_through_an_account(api: ApiClient) -> None:
    shared = CarrierMapping.objects.create(
        channel_kind="sandbox", carrier="OnTrac", channel_carrier="other"
    )

    assert api.delete(f"/carrier-mappings/{shared.pk}").status_code == 404
    assert CarrierMapping.objects.filter(pk=shared.pk).exists()


def test_connectors_are_listed_with_their_settings_schema(api: ApiClient) -> None:
    connectors = {item["slug"]: item for item in api.get("/channels/connectors").json()}

    assert set(connectors) >= {"manual", "sandbox"}
    assert [(f["name"], f["secret"]) for f in connectors["sandbox"]["settings"]] == [
        ("base_url", False),
        ("api_token", True),
        ("shop_url", False),
    ]
    assert connectors["sandbox"]["settle_time_seconds"] == 120


def test_the_admin_replays_failed_write_backs(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    from django.contrib.auth import get_user_model

    from crossdock.hub.orders.models import Order
    from crossdock.sandbox.services import generate_orders

    generate_orders(shop[0], 2)
    pull(channel)
    first, second = Order.objects.order_by("number")
    ship(first, tracking_number="T-1")
    ship(second, tracking_number="T-2")
    dead = WriteBack.objects.get(fulfillment__order=first)
    WriteBack.objects.filter(pk=dead.pk).update(state="dead", attempts=12)
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw-12345678")
    client = Client()
    client.force_login(staff)

    response = client.post(
        "/admin/fulfillment/writeback/",
        {"action": "replay", "_selected_action": [str(row.pk) for row in WriteBack.objects.all()]},
        follow=True,
    )

    assert response.status_code == 200
    states = dict(WriteBack.objects.values_list("fulfillment__tracking_number", "state"))
    assert states == {"T-1": "pending", "T-2": "pending"}
    assert WriteBack.objects.get(pk=dead.pk).attempts == 0
    assert "1 write-back queued again." in response.content.decode()
