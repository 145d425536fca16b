"""The hub's canonical orders: orders, lines, discounts, custom statuses and the event trail."""

from __future__ import annotations

from typing import Any

from django.db import models

from crossdock.core.statuses import MAPPABLE_STATUSES, OrderStatus
from crossdock.core.weights import WeightUnit
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel

ADDRESS_FIELDS = (
    "name",
    "company",
    "phone",
    "email",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
)


class StatusChoices(models.TextChoices):
    UNPAID = OrderStatus.UNPAID.value, "Unpaid"
    PAID = OrderStatus.PAID.value, "Paid"
    ON_HOLD = OrderStatus.ON_HOLD.value, "On hold"
    PARTIALLY_SHIPPED = OrderStatus.PARTIALLY_SHIPPED.value, "Partially shipped"
    SHIPPED = OrderStatus.SHIPPED.value, "Shipped"
    CANCELLED = OrderStatus.CANCELLED.value, "Cancelled"


class EventKind(models.TextChoices):
    """What an :class:`OrderEvent` records; the value is stored, the label is what people read."""

    CREATED = "created", "Order created"
    NOTES_CHANGED = "notes_changed", "Notes changed"
    ADDRESS_CHANGED = "address_changed", "Address changed"
    CUSTOM_STATUS_CHANGED = "custom_status_changed", "Custom status changed"
    HELD = "held", "Put on hold"
    RELEASED = "released", "Hold released"
    CANCELLED = "cancelled", "Cancelled"
    CHANNEL_CANCEL_IGNORED = "channel_cancel_ignored", "Channel cancellation ignored"
    STATUS_CHANGED = "status_changed", "Status changed on the channel"
    CHANNEL_UPDATED = "channel_updated", "Updated from the channel"
    SHIPMENT_RECORDED = "shipment_recorded", "Shipment recorded"
    OVER_SHIPMENT = "over_shipment", "Over-shipped"
    REFUNDED = "refunded", "Refunded on the channel"


#: Order fields as people name them, for event messages ("Internal notes changed").
FIELD_LABELS: dict[str, str] = {
    "internal_notes": "Internal notes",
    "customer_notes": "Customer notes",
    "gift_message": "Gift message",
    "ship_to": "Ship-to address",
    "bill_to": "Bill-to address",
}


def field_label(name: str) -> str:
    """A column or field name in words: ``ship_to_city`` → ``ship-to city``."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name].lower()
    for prefix in ("ship_to", "bill_to"):
        if name.startswith(prefix + "_"):
            return f"{prefix.replace('_', '-')} {name[len(prefix) + 1 :].replace('_', ' ')}"
    return name.replace("_", " ")


def status_label(status: str) -> str:
    """``on_hold`` → ``On hold``; an unknown value is shown as given."""
    return StatusChoices(status).label if status in StatusChoices.values else status


WEIGHT_UNIT_CHOICES = [(unit.value, unit.value) for unit in WeightUnit]
MAPPABLE_CHOICES = [
    (status.value, StatusChoices(status.value).label) for status in MAPPABLE_STATUSES
]


class CustomStatus(models.Model):
    """A merchant-defined status name that belongs to one of the five mappable statuses."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="custom_statuses")
    name = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=MAPPABLE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "custom statuses"
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="custom_status_account_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.status}"


class Order(models.Model):
    """One order from one channel. ``modified_at`` moves only when a shipper would care."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="orders")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="orders")
    external_id = models.CharField(max_length=100)
    number = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=StatusChoices.choices, db_index=True)
    #: The status an order returns to when its hold is released.
    status_before_hold = models.CharField(
        max_length=20, choices=StatusChoices.choices, blank=True, default=""
    )
    custom_status = models.ForeignKey(
        CustomStatus, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    placed_at = models.DateTimeField()
    modified_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    customer_code = models.CharField(max_length=50, blank=True, default="")
    customer_name = models.CharField(max_length=100, blank=True, default="")
    customer_email = models.CharField(max_length=254, blank=True, default="")
    customer_phone = models.CharField(max_length=50, blank=True, default="")
    bill_to_name = models.CharField(max_length=100, blank=True, default="")
    bill_to_company = models.CharField(max_length=100, blank=True, default="")
    bill_to_phone = models.CharField(max_length=50, blank=True, default="")
    bill_to_email = models.CharField(max_length=254, blank=True, default="")
    bill_to_address1 = models.CharField(max_length=200, blank=True, default="")
    bill_to_address2 = models.CharField(max_length=200, blank=True, default="")
    bill_to_city = models.CharField(max_length=100, blank=True, default="")
    bill_to_state = models.CharField(max_length=100, blank=True, default="")
    bill_to_postal_code = models.CharField(max_length=50, blank=True, default="")
    bill_to_country = models.CharField(max_length=2, blank=True, default="")
    ship_to_name = models.CharField(max_length=100, blank=True, default="")
    ship_to_company = models.CharField(max_length=100, blank=True, default="")
    ship_to_phone = models.CharField(max_length=50, blank=True, default="")
    ship_to_email = models.CharField(max_length=254, blank=True, default="")
    ship_to_address1 = models.CharField(max_length=200, blank=True, default="")
    ship_to_address2 = models.CharField(max_length=200, blank=True, default="")
    ship_to_city = models.CharField(max_length=100, blank=True, default="")
    ship_to_state = models.CharField(max_length=100, blank=True, default="")
    ship_to_postal_code = models.CharField(max_length=50, blank=True, default="")
    ship_to_country = models.CharField(max_length=2, blank=True, default="")
    payment_method = models.CharField(max_length=50, blank=True, default="")
    requested_shipping_service = models.CharField(max_length=100, blank=True, default="")
    shipping_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    gift = models.BooleanField(default=False)
    gift_message = models.TextField(blank=True, default="")
    customer_notes = models.TextField(blank=True, default="")
    internal_notes = models.TextField(blank=True, default="")
    weight_value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    weight_unit = models.CharField(
        max_length=2, choices=WEIGHT_UNIT_CHOICES, blank=True, default=""
    )
    fulfillment_source = models.CharField(max_length=40, default="merchant")
    marketplace_order_id = models.CharField(max_length=100, blank=True, default="")
    #: When and why the channel cancelled the order (empty: it did not, or did not say).
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True, default="")
    #: Digest of the source payload's shipper-relevant content; an unchanged digest is no change.
    payload_digest = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "number"], name="order_channel_number"),
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="order_channel_external_id"
            ),
        ]
        indexes = [
            # ShipStation's export window, keyset paging and page 1's count: the filters on
            # fulfilment source and channel are in the index, so the count reads it alone.
            models.Index(
                fields=["account", "modified_at", "id", "fulfillment_source", "channel"],
                name="order_export_window",
            ),
            models.Index(fields=["account", "number"], name="order_account_number"),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    external_id = models.CharField(max_length=100, blank=True, default="")
    sku = models.CharField(max_length=100, blank=True, default="")
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    weight_value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    weight_unit = models.CharField(
        max_length=2, choices=WEIGHT_UNIT_CHOICES, blank=True, default=""
    )
    image_url = models.URLField(max_length=500, blank=True, default="")
    options = models.JSONField(default=list, blank=True)
    location = models.CharField(max_length=100, blank=True, default="")
    upc = models.CharField(max_length=20, blank=True, default="")
    quantity_shipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_shipped__lte=models.F("quantity")),
                name="line_shipped_le_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku or self.name}"


class OrderDiscount(models.Model):
    """A discount or coupon on an order; ``amount`` is what it takes off (positive)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="discounts")
    position = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=100, blank=True, default="")
    description = models.CharField(max_length=200, blank=True, default="")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["order", "position", "id"]

    def __str__(self) -> str:
        return f"{self.code or self.description}: -{self.amount}"


class OrderRefund(models.Model):
    """Money the channel returned to the buyer, one row per refund of the channel."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    external_id = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=500, blank=True, default="")
    refunded_at = models.DateTimeField(null=True, blank=True)
    #: The lines refunded: ``[{"line_id", "sku", "quantity"}]`` (empty: an amount only).
    lines = models.JSONField(default=list, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "refunded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "external_id"], name="order_refund_unique"),
        ]

    def __str__(self) -> str:
        return f"refund {self.external_id}: {self.amount}"


class OrderEvent(models.Model):
    """An append-only record of a change to an order: who, when, what."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="order_events")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    message = models.CharField(max_length=500, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order", "at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("order events are append-only")
        super().save(*args, **kwargs)
