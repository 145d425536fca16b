"""The sandbox marketplace's own tables: shops, listings, orders, shipments, stock updates,
and the log of the faults its API injected.

The sandbox plays "another company's marketplace": it never imports hub code, keeps its
own data, and is reached only over HTTP. Orders are stored as the JSON document the API
serves (``document``), with the columns the API filters and pages on beside it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models


class SandboxShop(models.Model):
    """One seller account on the sandbox marketplace, with its API token and fault settings.

    Faults are drawn from a random stream seeded by ``fault_seed`` and the request number,
    so a test run is reproducible.
    """

    name = models.CharField(max_length=100, unique=True)
    #: Short uppercase prefix of order numbers (``NC-1001``).
    code = models.CharField(max_length=8)
    #: Keyed hash of the API token; the token itself is shown once when the shop is made.
    token_hash = models.CharField(max_length=64, unique=True)
    currency = models.CharField(max_length=3, default="USD")
    next_number = models.PositiveIntegerField(default=1001)
    #: Share of API requests answered 503 (writes: half of them after the write is stored).
    error_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0"))
    #: Share of API requests answered 429 with ``Retry-After: retry_after_seconds``.
    rate_limit_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0"))
    retry_after_seconds = models.PositiveIntegerField(default=1)
    #: Every answer waits this long (slow answers).
    delay_ms = models.PositiveIntegerField(default=0)
    #: Share of requests that hang for ``timeout_seconds`` before answering (timeouts).
    timeout_rate = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0"))
    timeout_seconds = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("30"))
    fault_seed = models.PositiveIntegerField(default=0)
    request_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SandboxListing(models.Model):
    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="listings")
    public_id = models.CharField(max_length=40, unique=True)
    sku = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.IntegerField(default=0)
    image_url = models.URLField(max_length=500, blank=True, default="")
    weight_value = models.DecimalField(max_digits=10, decimal_places=3)
    weight_unit = models.CharField(max_length=2)
    #: Option names and their possible values, e.g. ``{"Size": ["S", "M"]}``.
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["shop", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "sku"], name="sandbox_listing_shop_sku")
        ]

    def __str__(self) -> str:
        return f"{self.sku} ({self.quantity})"


class SandboxOrder(models.Model):
    """An order as the marketplace serves it; ``updated_at`` and ``id`` page the changes."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="orders")
    public_id = models.CharField(max_length=40, unique=True)
    number = models.CharField(max_length=40)
    status = models.CharField(max_length=20)
    document = models.JSONField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["shop", "updated_at", "id"]
        indexes = [
            models.Index(fields=["shop", "updated_at", "id"], name="sandbox_order_changes"),
        ]

    def __str__(self) -> str:
        return self.number


class SandboxShipment(models.Model):
    """A shipment the marketplace received; the idempotency key makes a resend land here."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="shipments")
    order = models.ForeignKey(SandboxOrder, on_delete=models.CASCADE, related_name="shipments")
    public_id = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=100, blank=True, default="")
    carrier = models.CharField(max_length=40)
    carrier_name = models.CharField(max_length=100, blank=True, default="")
    service = models.CharField(max_length=100, blank=True, default="")
    tracking_number = models.CharField(max_length=100)
    tracking_url = models.URLField(max_length=500, blank=True, default="")
    shipped_on = models.DateField(null=True, blank=True)
    lines = models.JSONField(default=list)
    note_to_buyer = models.TextField(blank=True, default="")
    notify_buyer = models.BooleanField(default=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="sandbox_shipment_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"


class SandboxStockUpdate(models.Model):
    """One stock level the marketplace received (the listing's quantity is set too)."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="stock_updates")
    sku = models.CharField(max_length=100)
    quantity = models.IntegerField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.sku} = {self.quantity}"


class SandboxFaultMet(models.Model):
    """One marketplace API request that met an injected fault (the shop's fault log)."""

    shop = models.ForeignKey(SandboxShop, on_delete=models.CASCADE, related_name="faults_met")
    #: The shop's request count for this request (the fault was drawn from it and the seed).
    request_number = models.PositiveBigIntegerField()
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    kind = models.CharField(max_length=30)
    met_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request_number", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.method} {self.path}"
