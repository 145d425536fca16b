"""Imported orders with their lines, and the desk's product records."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from crossdock.core.weights import Weight, WeightUnit, format_weight
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.statuses import STATUS_LABELS, DeskStatus
from crossdock.desk.stores.models import DeskStore

STATUS_CHOICES = [(status.value, label) for status, label in STATUS_LABELS.items()]
WEIGHT_UNIT_CHOICES = [(unit.value, unit.value) for unit in WeightUnit]


def weight_text(value: Decimal | None, unit: str) -> str:
    """``"3.5 oz"``, ``"1.28 kg"``: a weight for people in the sensible unit of its system."""
    if value is None or unit not in {known.value for known in WeightUnit}:
        return ""
    return format_weight(Weight(value, WeightUnit(unit)))


def _weight(value: Decimal | None, unit: str) -> Weight | None:
    if value is None or not unit:
        return None
    return Weight(value, WeightUnit(unit))


class DeskProduct(models.Model):
    """A product record the desk keeps per SKU (created on first sight when the store asks)."""

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(max_length=100)
    name = models.TextField(blank=True, default="")
    weight_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    weight_unit = models.CharField(max_length=2, choices=WEIGHT_UNIT_CHOICES, blank=True)
    location = models.CharField(max_length=100, blank=True, default="")
    image_url = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sku"], name="desk_product_account_sku")
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def weight(self) -> Weight | None:
        return _weight(self.weight_value, self.weight_unit)


class DeskOrder(models.Model):
    """One order of one store, keyed by the store's ``OrderID`` (else its number)."""

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="orders")
    store = models.ForeignKey(DeskStore, on_delete=models.CASCADE, related_name="orders")
    key = models.CharField(max_length=100)
    order_id = models.CharField(max_length=100, blank=True, default="")
    order_number = models.CharField(max_length=100)
    #: The store's own status string, and the desk status it maps to.
    store_status = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, db_index=True)
    order_date = models.DateTimeField()
    last_modified = models.DateTimeField()
    requested_service = models.TextField(blank=True, default="")
    payment_method = models.TextField(blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    order_total = models.DecimalField(max_digits=14, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    shipping_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    customer_code = models.TextField(blank=True, default="")
    customer_notes = models.TextField(blank=True, default="")
    internal_notes = models.TextField(blank=True, default="")
    gift = models.BooleanField(default=False)
    gift_message = models.TextField(blank=True, default="")
    custom_field1 = models.TextField(blank=True, default="")
    custom_field2 = models.TextField(blank=True, default="")
    custom_field3 = models.TextField(blank=True, default="")
    requested_warehouse = models.TextField(blank=True, default="")
    source = models.TextField(blank=True, default="")
    #: ``{"name", "company", "phone", "email", "address1", … "country"}``.
    bill_to = models.JSONField(default=dict)
    ship_to = models.JSONField(default=dict)
    #: Sum of the lines' unit weight × quantity (the protocol has no order-level weight).
    weight_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    weight_unit = models.CharField(max_length=2, choices=WEIGHT_UNIT_CHOICES, blank=True)
    #: Digest of what the store sent; an unchanged digest is no change.
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-order_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "key"], name="desk_order_store_key")
        ]

    def __str__(self) -> str:
        return self.order_number

    @property
    def weight(self) -> Weight | None:
        return _weight(self.weight_value, self.weight_unit)

    @property
    def weight_text(self) -> str:
        return weight_text(self.weight_value, self.weight_unit)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[DeskStatus(self.status)]

    @property
    def buyer_email(self) -> str:
        """Where a shipment e-mail goes: the bill-to e-mail, else an e-mail customer code."""
        email = str(self.bill_to.get("email", "")).strip()
        if email:
            return email
        code = self.customer_code.strip()
        return code if "@" in code else ""

    @property
    def buyer_name(self) -> str:
        return str(self.ship_to.get("name") or self.bill_to.get("name") or "")


class DeskOrderLine(models.Model):
    """One item of an order as the store sent it; adjustment lines are discounts/coupons."""

    order = models.ForeignKey(DeskOrder, on_delete=models.CASCADE, related_name="lines")
    #: ``LineItemID``, else ``sku:<SKU>:<n>``: how a re-import finds the line again.
    line_key = models.CharField(max_length=150)
    position = models.PositiveIntegerField()
    line_item_id = models.CharField(max_length=100, blank=True, default="")
    sku = models.CharField(max_length=100, blank=True, default="")
    name = models.TextField()
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    adjustment = models.BooleanField(default=False)
    image_url = models.TextField(blank=True, default="")
    upc = models.CharField(max_length=50, blank=True, default="")
    #: The store's unit weight as sent, and the one the desk uses (product weights may win).
    store_weight_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    store_weight_unit = models.CharField(max_length=2, choices=WEIGHT_UNIT_CHOICES, blank=True)
    weight_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    weight_unit = models.CharField(max_length=2, choices=WEIGHT_UNIT_CHOICES, blank=True)
    #: The store's location as sent, and the one pickers see (the product's, if so set).
    store_location = models.CharField(max_length=100, blank=True, default="")
    location = models.CharField(max_length=100, blank=True, default="")
    #: ``[{"name", "value", "weight"}]``.
    options = models.JSONField(default=list, blank=True)
    product = models.ForeignKey(
        DeskProduct, on_delete=models.SET_NULL, null=True, blank=True, related_name="lines"
    )
    quantity_shipped = models.PositiveIntegerField(default=0)
    #: The store no longer lists the line (kept because part of it was shipped).
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_key"], name="desk_line_order_key")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku or self.name}"

    @property
    def weight(self) -> Weight | None:
        return _weight(self.weight_value, self.weight_unit)

    @property
    def weight_text(self) -> str:
        return weight_text(self.weight_value, self.weight_unit)

    @property
    def is_shippable(self) -> bool:
        return not self.adjustment and not self.removed and self.quantity > 0

    @property
    def quantity_to_ship(self) -> int:
        return max(self.quantity - self.quantity_shipped, 0) if self.is_shippable else 0

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
