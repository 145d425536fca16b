"""Receiving a channel's webhook deliveries: verified, de-duplicated, a pull of the order.

Webhooks are a fast path only: polling stays the source of truth. A delivery is verified
by the connector's :class:`~crossdock.connectors.base.WebhookReceiver` (constant-time), then
recorded once per platform delivery id (a unique key: a resent delivery hits the
constraint, never a check-then-insert race), and a job reads that one order.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django_tasks import task

from crossdock.connectors.base import Capability, WebhookRejected
from crossdock.hub.channels.connections import spec_of
from crossdock.hub.channels.models import ChannelWebhook, WebhookDelivery
from crossdock.hub.channels.webhooks import webhook_secret
from crossdock.hub.orders.pull import pull_one_order
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

#: The largest delivery body accepted (an order with hundreds of lines fits easily).
MAX_BODY = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Receipt:
    """The answer to a delivery: an HTTP status and a short reason (never a secret)."""

    status: int
    message: str


@task(queue_name="sync")
def pull_webhook_order(channel_id: int, external_id: str) -> str:
    """Read the order a delivery named (``pull_one_order``)."""
    return pull_one_order(channel_id, external_id)


def receive_delivery(token: str, headers: Mapping[str, str], body: bytes) -> Receipt:
    """Verify, record and act on one delivery to the endpoint ``token``."""
    webhook = ChannelWebhook.objects.select_related("channel").filter(token=token).first()
    spec = spec_of(webhook.channel) if webhook is not None else None
    if webhook is None or spec is None or spec.webhooks is None:
        return Receipt(404, "no such webhook endpoint")
    lowered = {key.lower(): value for key, value in headers.items()}
    try:
        secret = webhook_secret(webhook)
    except SecretUnreadable:
        return Receipt(503, "the endpoint's secret cannot be read; issue a new one")
    if not spec.webhooks.verify(lowered, body, secret):
        return Receipt(401, f"the {spec.webhooks.signature_header} signature does not match")
    try:
        event = spec.webhooks.parse(lowered, body)
    except WebhookRejected as error:
        return Receipt(400, str(error))
    channel = webhook.channel
    pulls = bool(event.order_external_id and channel.is_active and spec.can(Capability.PULL_ORDERS))
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(
                channel=channel,
                delivery_id=event.delivery_id[:200],
                topic=event.topic[:100],
                order_external_id=event.order_external_id[:100],
                outcome=WebhookDelivery.Outcome.QUEUED
                if pulls
                else WebhookDelivery.Outcome.IGNORED,
            )
            if pulls:
                pull_webhook_order.enqueue(channel.pk, event.order_external_id)
    except IntegrityError:
        return Receipt(200, "already received")
    return Receipt(202 if pulls else 200, "pull queued" if pulls else "nothing to pull")
