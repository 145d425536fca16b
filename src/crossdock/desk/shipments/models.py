"""Shipments of desk orders, the ship notice each one owes its store, and buyer e-mails."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine


class Shipment(models.Model):
    """One label (bought through an adapter or recorded by hand) for some or all lines."""

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="shipments")
    order = models.ForeignKey(DeskOrder, on_delete=models.CASCADE, related_name="shipments")
    adapter = models.CharField(max_length=30, default="manual")
    #: ShipStation's carrier vocabulary (``USPS``, ``FedEx``, ``Other`` …).
    carrier = models.CharField(max_length=50)
    service = models.CharField(max_length=100, blank=True, default="")
    tracking_number = models.CharField(max_length=100, blank=True, default="")
    #: ``carrier`` case-folded: with the tracking number, what makes a shipment a duplicate.
    carrier_key = models.CharField(max_length=50)
    shipping_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    ship_date = models.DateField()
    label_created_at = models.DateTimeField()
    notes_to_buyer = models.TextField(blank=True, default="")
    #: The desk e-mails the buyer about this shipment (so the notice says NotifyCustomer=false).
    notify_buyer = models.BooleanField(default=False)
    created_by = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "carrier_key", "tracking_number"],
                condition=Q(voided_at__isnull=True) & ~Q(tracking_number=""),
                name="desk_shipment_tracking_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}".strip()

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(DeskOrderLine, on_delete=models.PROTECT, related_name="shipped_in")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line"], name="desk_shipment_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × line {self.line_id}"


class StoreNotice(models.Model):
    """The ``<ShipNotice>`` a shipment owes its store: one per shipment, sent at most once
    automatically (a merchant may resend)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_SENT = "not_sent", "Not sent"

    shipment = models.OneToOneField(Shipment, on_delete=models.CASCADE, related_name="notice")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: The store's answer to the last attempt (HTTP status and the start of the body).
    answer_status = models.PositiveIntegerField(null=True, blank=True)
    answer = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notice of shipment {self.shipment_id} ({self.state})"


class BuyerEmail(models.Model):
    """The shipment e-mail to the buyer: one row per shipment, so at most one e-mail."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    shipment = models.OneToOneField(Shipment, on_delete=models.CASCADE, related_name="email")
    recipient = models.EmailField(max_length=254)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    #: When a worker took it to send (``sending``): one killed meanwhile leaves it stale.
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: When its send job was last queued (``pending``): a job a killed worker took and lost
    #: is queued again by the periodic tick once this is old.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"e-mail of shipment {self.shipment_id} to {self.recipient} ({self.state})"
