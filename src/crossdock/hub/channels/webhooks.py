"""A channel's webhook endpoint: its URL, and the secret deliveries are verified with.

Where the secret comes from is the connector's word (``spec.webhook_secret_source``):

- **issued by the hub** (WooCommerce, BigCommerce): :func:`issue_webhook` makes (or
  replaces) the URL and a new secret, shown once; the merchant registers both on the
  platform (WooCommerce: Settings → Advanced → Webhooks).
- **issued by the platform** (Shopify signs with the app's client secret, which nobody can
  choose): :func:`enter_platform_secret` stores the secret the merchant copied from the
  platform with the channel's other secrets (never shown again) and makes the URL.

Receiving deliveries lives with the orders they pull (:mod:`crossdock.hub.orders.webhooks`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from crossdock.connectors.base import ConnectorSpec, WebhookSecretSource
from crossdock.core.secrets import generate_secret
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.connections import secret_names, spec_of
from crossdock.hub.channels.crypto import decrypt_secrets, encrypt_secrets
from crossdock.hub.channels.errors import ChannelConflict, ChannelNotFound, ChannelValidationError
from crossdock.hub.channels.models import Channel, ChannelWebhook, WebhookDelivery
from crossdock.platform.secrets import SecretUnreadable

#: Deliveries shown on the channel page.
RECENT_DELIVERIES = 10
#: The name of a platform-issued webhook secret among the channel's secrets.
PLATFORM_SECRET = "webhook_secret"  # noqa: S105 - the name of a secret, not a secret
#: The longest platform secret accepted (Shopify's are some 40 characters).
MAX_PLATFORM_SECRET = 500


@dataclass(frozen=True, slots=True)
class IssuedWebhook:
    """A webhook endpoint just made; ``secret`` exists only here (stored encrypted)."""

    webhook: ChannelWebhook
    secret: str


def platform_issued(spec: ConnectorSpec | None) -> bool:
    """Whether the channel's platform signs deliveries with a secret of its own."""
    return (
        spec is not None
        and spec.webhooks is not None
        and spec.webhook_secret_source == WebhookSecretSource.PLATFORM
    )


def _locked_webhook_channel(account: Account, channel_id: int) -> tuple[Channel, ConnectorSpec]:
    channel = Channel.objects.select_for_update().filter(account=account, pk=channel_id).first()
    if channel is None:
        raise ChannelNotFound(f"no channel {channel_id}")
    spec = spec_of(channel)
    if spec is None or spec.webhooks is None:
        raise ChannelConflict(f"{channel.kind} channels do not send webhooks")
    return channel, spec


def issue_webhook(account: Account, channel_id: int) -> IssuedWebhook:
    """Make the channel's webhook endpoint, or replace its URL and secret (the old stop)."""
    with transaction.atomic():
        channel, spec = _locked_webhook_channel(account, channel_id)
        if platform_issued(spec):
            raise ChannelConflict(
                f"{spec.display_name} signs webhooks with a secret of its own: enter it instead"
            )
        secret = generate_secret(32)
        webhook, _ = ChannelWebhook.objects.update_or_create(
            channel=channel,
            defaults={
                "token": generate_secret(24),
                "secret_ciphertext": encrypt_secrets({"secret": secret}),
            },
        )
        return IssuedWebhook(webhook, secret)


def enter_platform_secret(account: Account, channel_id: int, secret: str) -> ChannelWebhook:
    """Store the secret the platform signs deliveries with (replacing one entered before)
    among the channel's secrets, and make the endpoint's URL if there is none yet."""
    value = secret.strip()
    if not value:
        raise ChannelValidationError(PLATFORM_SECRET, "is required")
    if len(value) > MAX_PLATFORM_SECRET or any(char.isspace() for char in value):
        raise ChannelValidationError(
            PLATFORM_SECRET,
            f"must be one word of at most {MAX_PLATFORM_SECRET} characters, as the platform "
            "shows it",
        )
    with transaction.atomic():
        channel, spec = _locked_webhook_channel(account, channel_id)
        if not platform_issued(spec):
            raise ChannelConflict(
                f"{spec.display_name} webhooks use a secret Crossdock makes: make one instead"
            )
        try:
            secrets = decrypt_secrets(channel.secrets_ciphertext)
        except SecretUnreadable:
            secrets = {}  # unreadable ones count as not set: they are entered again
        channel.secrets_ciphertext = encrypt_secrets({**secrets, PLATFORM_SECRET: value})
        channel.save(update_fields=["secrets_ciphertext"])
        webhook, _ = ChannelWebhook.objects.get_or_create(
            channel=channel,
            defaults={"token": generate_secret(24), "secret_ciphertext": ""},
        )
        return webhook


def has_platform_secret(channel: Channel) -> bool:
    """Whether a platform-issued secret was entered (and can still be read)."""
    return PLATFORM_SECRET in secret_names(channel)


def webhook_secret(webhook: ChannelWebhook) -> str:
    """The secret deliveries are verified with: the hub's own, or the one the merchant
    entered from the platform (raises ``SecretUnreadable`` when the key changed)."""
    if platform_issued(spec_of(webhook.channel)):
        return decrypt_secrets(webhook.channel.secrets_ciphertext).get(PLATFORM_SECRET, "")
    return decrypt_secrets(webhook.secret_ciphertext).get("secret", "")


def webhook_of(channel: Channel) -> ChannelWebhook | None:
    return ChannelWebhook.objects.filter(channel=channel).first()


def recent_deliveries(channel: Channel) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.filter(channel=channel)[:RECENT_DELIVERIES])
