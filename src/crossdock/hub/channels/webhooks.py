"""A channel's webhook endpoint: made (or replaced) with a new secret, shown once.

The merchant registers the URL and the secret on the platform (WooCommerce: Settings →
Advanced → Webhooks). Receiving deliveries lives with the orders they pull
(:mod:`crossdock.hub.orders.webhooks`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from crossdock.core.secrets import generate_secret
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.connections import spec_of
from crossdock.hub.channels.crypto import decrypt_secrets, encrypt_secrets
from crossdock.hub.channels.errors import ChannelConflict, ChannelNotFound
from crossdock.hub.channels.models import Channel, ChannelWebhook, WebhookDelivery

#: Deliveries shown on the channel page.
RECENT_DELIVERIES = 10


@dataclass(frozen=True, slots=True)
class IssuedWebhook:
    """A webhook endpoint just made; ``secret`` exists only here (stored encrypted)."""

    webhook: ChannelWebhook
    secret: str


def issue_webhook(account: Account, channel_id: int) -> IssuedWebhook:
    """Make the channel's webhook endpoint, or replace its URL and secret (the old stop)."""
    with transaction.atomic():
        channel = Channel.objects.select_for_update().filter(account=account, pk=channel_id).first()
        if channel is None:
            raise ChannelNotFound(f"no channel {channel_id}")
        spec = spec_of(channel)
        if spec is None or spec.webhooks is None:
            raise ChannelConflict(f"{channel.kind} channels do not send webhooks")
        secret = generate_secret(32)
        webhook, _ = ChannelWebhook.objects.update_or_create(
            channel=channel,
            defaults={
                "token": generate_secret(24),
                "secret_ciphertext": encrypt_secrets({"secret": secret}),
            },
        )
        return IssuedWebhook(webhook, secret)


def webhook_secret(webhook: ChannelWebhook) -> str:
    """The signing secret (raises ``SecretUnreadable`` when the key changed)."""
    return decrypt_secrets(webhook.secret_ciphertext).get("secret", "")


def webhook_of(channel: Channel) -> ChannelWebhook | None:
    return ChannelWebhook.objects.filter(channel=channel).first()


def recent_deliveries(channel: Channel) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(channel=channel)[:RECENT_DELIVERIES])
