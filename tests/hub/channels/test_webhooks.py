"""Webhooks in the hub: the endpoint shown once on the channel page, deliveries verified,
de-duplicated by delivery id and turned into a pull of that one order."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tasks_db.models import DBTaskResult

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel, WebhookDelivery
from crossdock.hub.channels.services import add_channel
from crossdock.hub.channels.webhooks import issue_webhook
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_one_order
from tests.connectors.conformance.harness import Harness
from tests.connectors.woocommerce.fake import WooFake

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake() -> WooFake:
    return WooFake()


@pytest.fixture
def channel(account: Account, fake: WooFake) -> Channel:
    config = fake.good_config()
    return add_channel(account, "woocommerce", "Woo", {**config.settings, **config.secrets})


def _browser() -> Client:
    browser = Client()
    browser.force_login(get_user_model().objects.get(username="acme@example.com"))
    return browser


def _deliver(
    token: str, secret: str, delivery: str, body: bytes | None = None
) -> tuple[int, dict[str, str]]:
    content = (
        body if body is not None else json.dumps({"id": 1001, "status": "processing"}).encode()
    )
    signature = base64.b64encode(hmac.new(secret.encode(), content, hashlib.sha256).digest())
    answer = Client().post(
        f"/webhooks/{token}",
        content,
        content_type="application/json",
        headers={
            "X-WC-Webhook-Signature": signature.decode(),
            "X-WC-Webhook-Topic": "order.updated",
            "X-WC-Webhook-Delivery-ID": delivery,
        },
    )
    return answer.status_code, answer.json()


def test_the_secret_is_shown_once_and_replacing_it_asks_to_confirm(channel: Channel) -> None:
    browser = _browser()

    made = browser.post(f"/channels/{channel.pk}/webhook", follow=True)
    again = browser.get(f"/channels/{channel.pk}/")
    unconfirmed = browser.post(f"/channels/{channel.pk}/webhook", follow=True)

    token = channel.webhook.token
    assert 'data-testid="webhook-secret"' in made.content.decode()
    assert f"/webhooks/{token}" in made.content.decode()
    assert 'data-testid="webhook-secret"' not in again.content.decode()
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    channel.webhook.refresh_from_db()
    assert channel.webhook.token == token


def test_a_signed_delivery_queues_one_pull_and_a_resent_one_is_only_acknowledged(
    account: Account, channel: Channel
) -> None:
    issued = issue_webhook(account, channel.pk)
    jobs = DBTaskResult.objects.count()

    first = _deliver(issued.webhook.token, issued.secret, "d-1")
    resent = _deliver(issued.webhook.token, issued.secret, "d-1")

    assert first == (202, {"status": "pull queued"})
    assert resent == (200, {"status": "already received"})
    assert list(
        WebhookDelivery.objects.values_list("delivery_id", "topic", "order_external_id")
    ) == [("d-1", "order.updated", "1001")]
    assert DBTaskResult.objects.count() == jobs + 1


def test_a_bad_signature_an_unknown_endpoint_and_a_huge_body_change_nothing(
    account: Account, channel: Channel
) -> None:
    issued = issue_webhook(account, channel.pk)

    forged = _deliver(issued.webhook.token, "not-the-secret", "d-2")
    unknown = _deliver("no-such-token", issued.secret, "d-3")
    huge = _deliver(issued.webhook.token, issued.secret, "d-4", b"{" + b" " * (1024 * 1024) + b"}")

    assert forged == (401, {"error": "the x-wc-webhook-signature signature does not match"})
    assert unknown == (404, {"error": "no such webhook endpoint"})
    assert huge[0] == 413
    assert WebhookDelivery.objects.count() == 0


def test_the_pull_of_one_order_stores_it_like_a_pull(channel: Channel, fake: WooFake) -> None:
    [external_id] = fake.seed_orders(1)

    outcome = pull_one_order(channel.pk, external_id, client=Harness(fake).client())
    missing = pull_one_order(channel.pk, "424242", client=Harness(fake).client())

    assert (outcome, missing) == ("stored", "no such order on the channel")
    assert Order.objects.get(channel=channel).external_id == external_id
