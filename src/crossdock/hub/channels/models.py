"""Connected sales-channel accounts, their sync runs, and the carrier-mapping table."""

from __future__ import annotations

from django.db import models

from crossdock.hub.accounts.models import Account

MANUAL_KIND = "manual"
#: Seconds between order pulls unless the merchant says otherwise.
DEFAULT_SYNC_INTERVAL = 300


class Channel(models.Model):
    """A merchant's connected account on one kind of channel (the ``kind`` is a connector slug).

    Every account has one built-in ``manual`` channel for orders entered by hand or by API.
    Secrets (tokens, keys) live only in ``secrets_ciphertext``, encrypted with a key from
    the environment; they never appear in ``repr``, logs, the API or the admin.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    #: Non-secret settings named by the connector's settings schema.
    settings = models.JSONField(default=dict, blank=True)
    #: Fernet token of the JSON object of secret settings (see ``channels.secrets``).
    secrets_ciphertext = models.TextField(blank=True, default="", editable=False)
    is_active = models.BooleanField(default=True)
    #: Orders changed at or after this channel time have not all been stored yet.
    order_cursor = models.DateTimeField(null=True, blank=True)
    sync_interval = models.PositiveIntegerField(default=DEFAULT_SYNC_INTERVAL)
    next_sync_at = models.DateTimeField(null=True, blank=True, db_index=True)
    #: A pull in progress holds the channel until this time (a dead worker's lease expires).
    sync_lease_until = models.DateTimeField(null=True, blank=True)
    sync_lease_owner = models.CharField(max_length=64, blank=True, default="")
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="channel_account_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class SyncRun(models.Model):
    """One run of sync work on a channel: what it read and stored, how long, what failed."""

    class Kind(models.TextChoices):
        ORDERS = "orders"

    class Outcome(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        #: Finished, but some orders were recorded as problems and skipped.
        PARTIAL = "partial"
        FAILED = "failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sync_runs")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="sync_runs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.RUNNING, db_index=True
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    #: The window asked for: changes at or after this channel time.
    since = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    #: The orders recorded and skipped: ``[{"external_id": …, "error": …}]``.
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["channel", "-started_at"], name="sync_run_channel_recent")]

    def __str__(self) -> str:
        return f"{self.kind} sync of {self.channel_id} ({self.outcome})"


class CarrierMapping(models.Model):
    """ShipStation's carrier (and optionally service) in one kind of channel's vocabulary.

    The defaults are declared by each connector's spec; rows override them: a row without an
    account for the whole installation, an account's own row for that account. A mapping
    to an empty ``channel_carrier`` means "use the channel's fallback". An empty
    ``channel_service`` passes the service through unchanged.
    """

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="carrier_mappings",
        null=True,
        blank=True,
    )
    channel_kind = models.CharField(max_length=40)
    #: The carrier as ShipStation reports it (matched case-insensitively).
    carrier = models.CharField(max_length=100)
    #: The service as ShipStation reports it; empty matches any service.
    service = models.CharField(max_length=100, blank=True, default="")
    channel_carrier = models.CharField(max_length=100, blank=True, default="")
    channel_service = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel_kind", "carrier", "service", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "channel_kind", "carrier", "service"],
                condition=models.Q(account__isnull=False),
                name="carrier_mapping_account_key",
            ),
            models.UniqueConstraint(
                fields=["channel_kind", "carrier", "service"],
                condition=models.Q(account__isnull=True),
                name="carrier_mapping_default_key",
            ),
        ]

    def __str__(self) -> str:
        target = self.channel_carrier or "(fallback)"
        return f"{self.channel_kind}: {self.carrier} {self.service} → {target}".replace("  ", " ")


class ChannelRateLimit(models.Model):
    """The request budget of one channel, shared by every worker and process of the hub.

    A token bucket in a row: ``tokens`` as of ``updated_at``, refilled at the connector's
    ``rate_limit``; ``blocked_until`` holds back every request while the channel asked us
    to wait (``Retry-After``, an exhausted quota). Changed only under a row lock.
    """

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, primary_key=True, related_name="rate_limit"
    )
    tokens = models.FloatField(default=0)
    updated_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rate limit of channel {self.channel_id}: {self.tokens:.1f}"


class ChannelWebhook(models.Model):
    """A channel's webhook endpoint: the path token in its URL and the signing secret.

    The secret is encrypted like the channel's other secrets and shown once, when made.
    """

    channel = models.OneToOneField(
        Channel, on_delete=models.CASCADE, primary_key=True, related_name="webhook"
    )
    #: The unguessable part of the receiving URL (``/webhooks/<token>``).
    token = models.CharField(max_length=64, unique=True)
    secret_ciphertext = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"webhook of channel {self.channel_id}"


class WebhookDelivery(models.Model):
    """One webhook delivery received (deduplicated on the platform's delivery id)."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", "Pull queued"
        IGNORED = "ignored", "Nothing to pull"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=200)
    topic = models.CharField(max_length=100)
    order_external_id = models.CharField(max_length=100, blank=True, default="")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "delivery_id"], name="webhook_delivery_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.delivery_id}"
