"""Record a shipment by hand: carrier, service, tracking, cost, date, and units per line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from crossdock.hub.fulfillment.services import Shipment, ShipmentLine
from crossdock.hub.orders.models import OrderLine


def line_field_name(line: OrderLine) -> str:
    return f"line_{line.pk}"


class ShipmentForm(forms.Form):
    """One shipment of chosen units; a line left at 0 is not in this shipment."""

    carrier = forms.CharField(
        max_length=100,
        help_text="As your shipping software names it, e.g. USPS, UPS, FedEx",
        widget=forms.TextInput(attrs={"list": "carrier-options", "autocomplete": "off"}),
    )
    service = forms.CharField(required=False, max_length=100)
    tracking_number = forms.CharField(required=False, max_length=100, label="Tracking number")
    ship_date = forms.DateField(label="Ship date", widget=forms.DateInput(attrs={"type": "date"}))
    shipping_cost = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        label="Carrier fee",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    notes_to_buyer = forms.CharField(
        required=False,
        max_length=1000,
        label="Note to the buyer",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notify_customer = forms.BooleanField(
        required=False, initial=True, label="Let the channel tell the buyer"
    )

    def __init__(self, *args: Any, lines: Sequence[OrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_lines = [line for line in lines if line.quantity > line.quantity_shipped]
        self.fields["ship_date"].initial = timezone.now().date()
        for line in self.order_lines:
            left = line.quantity - line.quantity_shipped
            self.fields[line_field_name(line)] = forms.IntegerField(
                min_value=0,
                max_value=left,
                initial=left,
                label=f"{line.sku or line.name}: units in this shipment",
                help_text=f"{left} left to ship",
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def line_fields(self) -> list[tuple[OrderLine, forms.BoundField]]:
        return [(line, self[line_field_name(line)]) for line in self.order_lines]

    def detail_fields(self) -> list[forms.BoundField]:
        names = [name for name in self.fields if not name.startswith("line_")]
        return [self[name] for name in names]

    def clean_ship_date(self) -> date:
        shipped: date = self.cleaned_data["ship_date"]
        if shipped > timezone.now().date():
            raise forms.ValidationError("A shipment cannot leave in the future.", code="future")
        return shipped

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        quantities = [cleaned.get(line_field_name(line)) for line in self.order_lines]
        if all(isinstance(value, int) for value in quantities) and not any(quantities):
            raise forms.ValidationError("Choose at least one unit to ship.", code="empty")
        return cleaned

    def shipment(self) -> Shipment:
        data = self.cleaned_data
        return Shipment(
            carrier=data["carrier"],
            service=data["service"],
            tracking_number=data["tracking_number"],
            shipping_cost=data["shipping_cost"],
            ship_date=data["ship_date"],
            notes_to_buyer=data["notes_to_buyer"],
            notify_customer=data["notify_customer"],
            lines=tuple(
                ShipmentLine(quantity=data[line_field_name(line)], line_id=line.pk)
                for line in self.order_lines
                if data[line_field_name(line)]
            ),
        )

    def field_for_error(self, field: str) -> str | None:
        """The form field a service error names (``lines.N.quantity`` is the Nth line sent)."""
        if field in self.fields:
            return field
        parts = field.split(".")
        if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit():
            chosen = [line for line in self.order_lines if self.cleaned_data[line_field_name(line)]]
            index = int(parts[1])
            if index < len(chosen):
                return line_field_name(chosen[index])
        return None
