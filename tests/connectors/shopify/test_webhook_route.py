"""Shopify webhooks through the hub: the merchant enters the secret Shopify signs with on the
channel page (never shown again), deliveries signed with it queue a pull of their order."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tasks_db.models import DBTaskResult

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.connections import config_of
from crossdock.hub.channels.errors import ChannelConflict
from crossdock.hub.channels.models import Channel, WebhookDelivery
from crossdock.hub.channels.services import add_channel, update_channel
from crossdock.hub.channels.webhooks import issue_webhook
from tests.connectors.shopify.fake import CLIENT_SECRET, FakeShopify, sign

pytestmark = pytest.mark.django_db

BODY = (Path(__file__).parent / "golden" / "webhook_orders_updated.json").read_bytes()
ORDER = "gid://shopify/Order/"


@pytest.fixture
def channel(account: Account) -> Channel:
    config = FakeShopify().good_config()
    return add_channel(account, "shopify", "Nordic", {**config.settings, **config.secrets})


@pytest.fixture
def web(account: Account) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="acme@example.com"))
    return client


def _enter(web: Client, channel: Channel, secret: str, **extra: str) -> str:
    """Post the secret form and follow the redirect: the page the merchant then sees."""
    response = web.post(
        f"/channels/{channel.pk}/webhook", {"webhook_secret": secret, **extra}, follow=True
    )
    assert response.redirect_chain == [(f"/channels/{channel.pk}/", 302)]
    return str(response.content.decode())


def _deliver(channel: Channel, secret: str, delivery: str = "d-1") -> tuple[int, dict[str, str]]:
    answer = Client().post(
        f"/webhooks/{channel.webhook.token}",
        BODY,
        content_type="application/json",
        headers={
            "X-Shopify-Hmac-Sha256": sign(BODY, secret),
            "X-Shopify-Topic": "orders/updated",
            "X-Shopify-Webhook-Id": delivery,
        },
    )
    return answer.status_code, answer.json()


def test_a_delivery_signed_with_the_entered_secret_queues_the_pull_of_its_order(
    web: Client, channel: Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    page = _enter(web, channel, CLIENT_SECRET)
    jobs = DBTaskResult.objects.count()

    answer = _deliver(channel, CLIENT_SECRET)

    assert answer == (202, {"status": "pull queued"})
    [(topic, order)] = WebhookDelivery.objects.values_list("topic", "order_external_id")
    assert topic == "orders/updated"
    assert order.startswith(ORDER)
    assert DBTaskResult.objects.count() == jobs + 1
    assert f"/webhooks/{channel.webhook.token}" in page
    assert "entered; never shown" in page
    assert CLIENT_SECRET not in page
    assert CLIENT_SECRET not in web.get(f"/channels/{channel.pk}/").content.decode()
    assert CLIENT_SECRET not in caplog.text


def test_a_wrong_signature_is_refused_and_nothing_is_queued(
    web: Client, channel: Channel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _enter(web, channel, CLIENT_SECRET)
    jobs = DBTaskResult.objects.count()

    forged = _deliver(channel, "shpss_another_apps_secret")

    assert forged == (401, {"error": "the x-shopify-hmac-sha256 signature does not match"})
    assert WebhookDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == jobs
    assert CLIENT_SECRET not in caplog.text


def test_before_a_secret_is_entered_no_endpoint_exists_and_the_page_asks_for_it(
    web: Client, channel: Channel
) -> None:
    page = web.get(f"/channels/{channel.pk}/").content.decode()

    assert 'name="webhook_secret"' in page
    assert "Save the secret and make the URL" in page
    assert "API credentials" in page
    assert not hasattr(Channel.objects.get(pk=channel.pk), "webhook")


def test_changing_the_secret_asks_to_confirm_and_then_only_the_new_one_verifies(
    web: Client, channel: Channel
) -> None:
    _enter(web, channel, CLIENT_SECRET)
    token = channel.webhook.token

    unconfirmed = _enter(web, channel, "shpss_new_secret")
    kept = _deliver(channel, CLIENT_SECRET, "d-1")
    confirmed = _enter(web, channel, "shpss_new_secret", confirm="yes")
    old = _deliver(channel, CLIENT_SECRET, "d-2")
    new = _deliver(channel, "shpss_new_secret", "d-3")

    assert "Tick the box to confirm" in unconfirmed
    assert "shpss_new_secret" not in unconfirmed + confirmed
    assert kept[0] == 202
    assert (old[0], new[0]) == (401, 202)
    channel.webhook.refresh_from_db()
    assert channel.webhook.token == token


def test_a_blank_or_spaced_secret_is_refused_by_name_and_nothing_is_stored(
    web: Client, channel: Channel
) -> None:
    blank = _enter(web, channel, "  ")
    spaced = _enter(web, channel, "shpss half pasted")

    assert "Secret not saved: it is required." in blank
    assert "Secret not saved: it must be one word" in spaced
    assert "half pasted" not in spaced
    assert "webhook_secret" not in config_of(Channel.objects.get(pk=channel.pk)).secrets
    assert not hasattr(Channel.objects.get(pk=channel.pk), "webhook")


def test_the_secret_lives_with_the_channels_secrets_and_survives_a_settings_change(
    account: Account, web: Client, channel: Channel
) -> None:
    _enter(web, channel, CLIENT_SECRET)

    update_channel(account, channel.pk, values={"location_id": ""})

    stored = Channel.objects.get(pk=channel.pk)
    assert config_of(stored).secrets["webhook_secret"] == CLIENT_SECRET
    assert CLIENT_SECRET not in str(stored.settings)
    assert _deliver(stored, CLIENT_SECRET)[0] == 202


def test_the_hub_makes_no_secret_of_its_own_for_shopify(account: Account, channel: Channel) -> None:
    with pytest.raises(ChannelConflict, match="signs webhooks with a secret of its own"):
        issue_webhook(account, channel.pk)
