"""Shipments recorded against orders, and the outbox that writes them back to channels."""

from __future__ import annotations

from django.db import models

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order, OrderLine


class Fulfillment(models.Model):
    """One shipment (one label) of some or all of an order's lines.

    ``dedupe_key`` makes a repeated report of the same shipment (a retry, a manual resend,
    two identical posts at once) land on the same row: it is unique per order.
    """

    class Source(models.TextChoices):
        SHIPSTATION = "shipstation"
        MANUAL = "manual"
        CHANNEL = "channel"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="fulfillments")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fulfillments")
    source = models.CharField(max_length=20, choices=Source.choices)
    #: The carrier exactly as reported (ShipStation's vocabulary, or a numeric id).
    carrier = models.CharField(max_length=100, blank=True, default="")
    #: The canonical carrier the reported one maps to (``usps``, ``ups``, ``other`` …).
    carrier_code = models.CharField(max_length=40, blank=True, default="")
    service = models.CharField(max_length=100, blank=True, default="")
    tracking_number = models.CharField(max_length=100, blank=True, default="")
    shipping_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    ship_date = models.DateField(null=True, blank=True)
    label_created_at = models.DateTimeField(null=True, blank=True)
    notes_to_buyer = models.TextField(blank=True, default="")
    #: False when the shipping software already told the buyer itself.
    notify_customer = models.BooleanField(default=True)
    dedupe_key = models.CharField(max_length=64)
    #: Units reported shipped beyond what was left to ship (a problem shown on the order).
    over_shipped_units = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "dedupe_key"], name="fulfillment_dedupe"),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}".strip()


class FulfillmentLine(models.Model):
    fulfillment = models.ForeignKey(Fulfillment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="fulfillment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fulfillment", "line"], name="fulfillment_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.line_id}"


class WriteBack(models.Model):
    """The outbox row that pushes one fulfillment to the order's channel, exactly once."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        ACCEPTED = "accepted"
        REJECTED = "rejected"
        DEAD = "dead"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="write_backs")
    fulfillment = models.ForeignKey(
        Fulfillment, on_delete=models.CASCADE, related_name="write_backs"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="write_backs")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    #: Sent with the push so a channel that honours it never records the shipment twice.
    idempotency_key = models.CharField(max_length=64)
    #: The channel's id for the shipment once accepted.
    external_id = models.CharField(max_length=100, blank=True, default="")
    #: An attempt ended without the channel's clear answer (timed out, 5xx): the channel may
    #: have the shipment, so it is looked up first, even after a replay.
    unanswered = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fulfillment", "channel"], name="write_back_fulfillment_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"write-back {self.pk} ({self.state})"
