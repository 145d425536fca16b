"""BigCommerce webhooks through the hub's route: the secret header, de-duplication by hash,
and the pull of the one order the event names."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel, WebhookDelivery
from crossdock.hub.channels.services import add_channel
from crossdock.hub.channels.webhooks import issue_webhook
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_one_order
from tests.connectors.bigcommerce.fake import FakeBigCommerce
from tests.connectors.bigcommerce.support import golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake() -> FakeBigCommerce:
    return FakeBigCommerce()


@pytest.fixture
def channel(account: Account, fake: FakeBigCommerce) -> Channel:
    config = fake.good_config()
    return add_channel(account, "bigcommerce", "Nordic", {**config.settings, **config.secrets})


def _deliver(token: str, secret: str, event: dict[str, object]) -> tuple[int, dict[str, str]]:
    answer = Client().post(
        f"/webhooks/{token}",
        json.dumps(event).encode(),
        content_type="application/json",
        headers={"X-Crossdock-Webhook-Secret": secret},
    )
    return answer.status_code, answer.json()


def test_a_delivery_with_the_secret_queues_one_pull_and_a_retry_is_only_acknowledged(
    account: Account, channel: Channel
) -> None:
    issued = issue_webhook(account, channel.pk)
    jobs = DBTaskResult.objects.count()
    event = golden("webhook_order_updated.json")

    first = _deliver(issued.webhook.token, issued.secret, event)
    retried = _deliver(issued.webhook.token, issued.secret, event)

    assert first == (202, {"status": "pull queued"})
    assert retried == (200, {"status": "already received"})
    assert list(
        WebhookDelivery.objects.values_list("delivery_id", "topic", "order_external_id")
    ) == [("dd70c0976e06b67aaf671e73f49dcb79230ebf9d", "store/order/updated", "2201")]
    assert DBTaskResult.objects.count() == jobs + 1


def test_a_delivery_without_the_secret_changes_nothing(account: Account, channel: Channel) -> None:
    issued = issue_webhook(account, channel.pk)
    jobs = DBTaskResult.objects.count()

    forged = _deliver(issued.webhook.token, "not-the-secret", golden("webhook_order_updated.json"))

    assert forged == (401, {"error": "the x-crossdock-webhook-secret signature does not match"})
    assert WebhookDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == jobs


def test_the_order_an_event_names_is_pulled_alone(channel: Channel, fake: FakeBigCommerce) -> None:
    [_, second] = fake.seed_orders(2)

    outcome = pull_one_order(channel.pk, second, client=fake.client())
    missing = pull_one_order(channel.pk, "424242", client=fake.client())

    assert (outcome, missing) == ("stored", "no such order on the channel")
    assert list(Order.objects.filter(channel=channel).values_list("external_id", flat=True)) == [
        second
    ]
