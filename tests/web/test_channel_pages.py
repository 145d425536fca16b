"""Channels: connect from the connector's schema, health, sync now, failed write-backs with
replay, carrier mapping; through the Django test client."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from django.test import Client
from django_tasks_db.models import DBTaskResult

from crossdock.core.actors import Actor, ActorKind
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.crypto import decrypt_secrets
from crossdock.hub.channels.models import CarrierMapping, Channel
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.fulfillment.writeback import deliver_write_back
from tests.fixtures.orders import make_order

BASE_URL = "http://127.0.0.1:9/sandbox/api/v1"
CONNECT = {
    "name": "Nordic Crafts",
    "setting_base_url": BASE_URL,
    "setting_api_token": "tok-123",
    "sync_minutes": "10",
}


def sandbox_channel(account: Account, name: str = "Nordic Crafts") -> Channel:
    return add_channel(account, "sandbox", name, {"base_url": BASE_URL, "api_token": "tok-123"})


def rejected_write_back(account: Account, channel: Channel) -> WriteBack:
    """A shipment of a channel order whose push the channel refused (HTTP 401)."""
    order = make_order(account, "W-1", channel=channel)
    record_fulfillment(
        account,
        order.pk,
        Shipment(carrier="USPS", tracking_number="9400111"),
        Actor(ActorKind.SHIPSTATION, "tests"),
    )
    refusing = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(401)))
    row = deliver_write_back(WriteBack.objects.get().pk, client=refusing)
    assert row is not None
    assert row.state == "rejected"
    return row


def test_the_channel_list_offers_each_connector_and_shows_the_manual_channel(
    web: Client,
) -> None:
    html = web.get("/channels/").content.decode()

    assert 'href="/channels/connect/sandbox"' in html
    assert "Sandbox marketplace" in html
    assert 'href="/channels/connect/manual"' not in html
    assert "Manual" in html


def test_connecting_stores_the_settings_and_encrypts_the_secret(
    web: Client, account: Account
) -> None:
    page = web.get("/channels/connect/sandbox").content.decode()
    assert 'name="setting_base_url"' in page
    assert 'type="password" name="setting_api_token"' in page

    response = web.post("/channels/connect/sandbox", CONNECT)

    channel = Channel.objects.get(account=account, kind="sandbox")
    assert response.status_code == 302
    assert response["Location"] == f"/channels/{channel.pk}/"
    assert (channel.name, channel.settings, channel.sync_interval) == (
        "Nordic Crafts",
        {"base_url": BASE_URL},
        600,
    )
    assert decrypt_secrets(channel.secrets_ciphertext) == {"api_token": "tok-123"}
    assert "tok-123" not in web.get(f"/channels/{channel.pk}/").content.decode()


def test_a_bad_connect_form_is_refused_next_to_the_fields_and_nothing_is_saved(
    web: Client, account: Account
) -> None:
    sandbox_channel(account, "Taken")

    response = web.post(
        "/channels/connect/sandbox",
        {
            **CONNECT,
            "name": "Taken",
            "setting_base_url": "ftp://example",
            "setting_api_token": "",
            "sync_minutes": "0",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "setting_base_url": ["Enter a valid URL."],
        "setting_api_token": ["This field is required."],
        "sync_minutes": ["Ensure this value is greater than or equal to 1."],
    }
    assert Channel.objects.filter(account=account, kind="sandbox").count() == 1


def test_a_name_in_use_is_refused_next_to_the_name(web: Client, account: Account) -> None:
    sandbox_channel(account, "Taken")

    response = web.post("/channels/connect/sandbox", {**CONNECT, "name": "Taken"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["A channel with this name exists already."]}


def test_unknown_or_built_in_connectors_cannot_be_connected(web: Client) -> None:
    assert web.get("/channels/connect/nosuch").status_code == 404
    assert web.get("/channels/connect/manual").status_code == 404


def test_editing_keeps_a_secret_left_blank(web: Client, account: Account) -> None:
    channel = sandbox_channel(account)

    response = web.post(
        f"/channels/{channel.pk}/",
        {**CONNECT, "name": "Nordic Crafts EU", "setting_api_token": ""},
    )

    fresh = Channel.objects.get(pk=channel.pk)
    assert response.status_code == 302
    assert fresh.name == "Nordic Crafts EU"
    assert decrypt_secrets(fresh.secrets_ciphertext) == {"api_token": "tok-123"}


def test_sync_now_queues_a_pull(web: Client, account: Account) -> None:
    channel = sandbox_channel(account)

    response = web.post(f"/channels/{channel.pk}/sync", follow=True)

    assert "Sync of Nordic Crafts queued" in response.content.decode()
    assert DBTaskResult.objects.get().args_kwargs == {"args": [channel.pk], "kwargs": {}}


def test_the_manual_channel_cannot_sync(web: Client, account: Account) -> None:
    manual = Channel.objects.get(account=account, kind="manual")

    response = web.post(f"/channels/{manual.pk}/sync", follow=True)

    assert "Cannot sync: manual channels do not pull orders." in response.content.decode()
    assert DBTaskResult.objects.count() == 0


def test_a_refused_write_back_shows_on_the_dashboard_and_can_be_replayed(
    web: Client, account: Account
) -> None:
    row = rejected_write_back(account, sandbox_channel(account))

    dashboard = web.get("/")
    listed = web.get("/channels/write-backs/").content.decode()
    replayed = web.post(f"/channels/write-backs/{row.pk}/replay", follow=True)

    assert [item.pk for item in dashboard.context["failed_write_backs"]] == [row.pk]
    assert dashboard.context["failed_write_back_count"] == 1
    assert "AuthenticationError" in listed
    assert f"Write-back {row.pk} queued again." in replayed.content.decode()
    fresh = WriteBack.objects.get(pk=row.pk)
    assert (fresh.state, fresh.attempts, fresh.last_error) == ("pending", 0, "")


def test_a_pending_write_back_is_not_replayed(web: Client, account: Account) -> None:
    row = rejected_write_back(account, sandbox_channel(account))
    web.post(f"/channels/write-backs/{row.pk}/replay")

    response = web.post(f"/channels/write-backs/{row.pk}/replay", follow=True)

    assert "only dead or rejected ones replay" in response.content.decode()


def test_a_channel_in_error_is_on_the_dashboard(web: Client, account: Account) -> None:
    channel = sandbox_channel(account)
    Channel.objects.filter(pk=channel.pk).update(last_error="AuthenticationError: 401")

    response = web.get("/")

    assert response.context["channels_in_error"] == [channel]
    assert "AuthenticationError: 401" in response.content.decode()


def test_carrier_mappings_can_be_overridden_and_the_override_removed(
    web: Client, account: Account
) -> None:
    defaults = CarrierMapping.objects.filter(account__isnull=True).count()

    saved = web.post(
        "/channels/carriers/",
        {
            "channel_kind": "sandbox",
            "carrier": "USPS",
            "service": "",
            "channel_carrier": "us-postal",
            "channel_service": "",
        },
    )
    mine = CarrierMapping.objects.get(account=account)
    page = web.get("/channels/carriers/").content.decode()
    removed = web.post(f"/channels/carriers/{mine.pk}/delete")

    assert saved.status_code == 302
    assert (mine.channel_kind, mine.carrier, mine.channel_carrier) == (
        "sandbox",
        "USPS",
        "us-postal",
    )
    assert "us-postal" in page
    assert removed.status_code == 302
    assert CarrierMapping.objects.filter(account=account).count() == 0
    assert CarrierMapping.objects.filter(account__isnull=True).count() == defaults


def test_a_bad_carrier_mapping_is_refused(web: Client, account: Account) -> None:
    response = web.post(
        "/channels/carriers/", {"channel_kind": "nosuch", "carrier": " ", "channel_carrier": "x"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "channel_kind": ["Select a valid choice. nosuch is not one of the available choices."],
        "carrier": ["This field is required."],
    }
    assert CarrierMapping.objects.filter(account=account).count() == 0


def test_another_accounts_channel_and_write_backs_are_not_found(
    web: Client, make_account: Callable[[str], Account]
) -> None:
    other = make_account("Other")
    theirs = sandbox_channel(other)
    row = rejected_write_back(other, theirs)
    tasks_before = DBTaskResult.objects.count()

    assert web.get(f"/channels/{theirs.pk}/").status_code == 404
    assert web.post(f"/channels/{theirs.pk}/sync").status_code == 404
    assert web.post(f"/channels/write-backs/{row.pk}/replay").status_code == 404
    assert WriteBack.objects.get(pk=row.pk).state == "rejected"
    assert DBTaskResult.objects.count() == tasks_before
