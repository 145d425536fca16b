"""Forms of the order list and the order page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from crossdock.core.dto import Address
from crossdock.hub.orders.models import ADDRESS_FIELDS, CustomStatus, StatusChoices
from crossdock.hub.orders.queries import TO_SHIP_STATUSES, OrderSearch
from crossdock.web.forms.fields import CountryField, set_choices

#: The status filter's value for every order still to ship (the dashboard's tile links to it).
TO_SHIP = "to_ship"
_STATUS_CHOICES = [
    ("", "Any status"),
    (TO_SHIP, "To ship (paid or partly shipped)"),
    *StatusChoices.choices,
]


class OrderFilterForm(forms.Form):
    """The filter bar above the order list. Invalid values are ignored, never an error page."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        help_text="Order number, buyer name or e-mail, or SKU",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. 1042, Ada, TEE-"}),
    )
    status = forms.ChoiceField(required=False, choices=_STATUS_CHOICES)
    channel = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    custom_status = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Custom status"
    )
    placed_from = forms.DateField(
        required=False, label="Placed from", widget=forms.DateInput(attrs={"type": "date"})
    )
    placed_to = forms.DateField(
        required=False, label="Placed to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        data: Any,
        *,
        channels: list[tuple[int, str]],
        custom_statuses: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        set_choices(self, "channel", [("", "Any channel"), *channels])
        set_choices(self, "custom_status", [("", "Any custom status"), *custom_statuses])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: date | None = cleaned.get("placed_from")
        end: date | None = cleaned.get("placed_to")
        if start and end and start > end:
            self.add_error("placed_to", "The end date is before the start date.")
        return cleaned

    def search(self) -> OrderSearch:
        """The search the valid fields describe; a field with an error filters nothing."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return OrderSearch(
            text=cleaned.get("q") or "",
            statuses=_statuses(cleaned.get("status") or ""),
            channel_id=cleaned.get("channel"),
            custom_status_id=cleaned.get("custom_status"),
            placed_from=cleaned.get("placed_from"),
            placed_to=cleaned.get("placed_to") if "placed_to" not in self.errors else None,
        )


def _statuses(chosen: str) -> frozenset[str]:
    if chosen == TO_SHIP:
        return TO_SHIP_STATUSES
    return frozenset({chosen}) if chosen else frozenset()


class NotesForm(forms.Form):
    internal_notes = forms.CharField(
        required=False,
        max_length=1000,
        label="Internal notes",
        help_text="Seen by your team and the shipping software, never by the buyer",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    customer_notes = forms.CharField(
        required=False,
        max_length=1000,
        label="Notes from the buyer",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    gift_message = forms.CharField(
        required=False,
        max_length=1000,
        label="Gift message",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


_ADDRESS_LIMITS = {
    "name": 100,
    "company": 100,
    "phone": 50,
    "email": 254,
    "address1": 200,
    "address2": 200,
    "city": 100,
    "state": 100,
    "postal_code": 50,
}

_ADDRESS_LABELS = {
    "name": "Name",
    "company": "Company",
    "phone": "Phone",
    "email": "E-mail",
    "address1": "Address line 1",
    "address2": "Address line 2",
    "city": "City",
    "state": "State / region",
    "postal_code": "Postal code",
}

_AUTOCOMPLETE = {
    "name": "shipping name",
    "company": "shipping organization",
    "phone": "shipping tel",
    "email": "shipping email",
    "address1": "shipping address-line1",
    "address2": "shipping address-line2",
    "city": "shipping address-level2",
    "state": "shipping address-level1",
    "postal_code": "shipping postal-code",
}


class AddressForm(forms.Form):
    """A ship-to address. A shipping label needs a name, a street, a city and a country."""

    name = forms.CharField(max_length=100)
    company = forms.CharField(required=False, max_length=100)
    phone = forms.CharField(required=False, max_length=50)
    email = forms.EmailField(required=False, max_length=254)
    address1 = forms.CharField(max_length=200)
    address2 = forms.CharField(required=False, max_length=200)
    city = forms.CharField(max_length=100)
    state = forms.CharField(required=False, max_length=100)
    postal_code = forms.CharField(required=False, max_length=50)
    country = CountryField(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in _ADDRESS_LABELS.items():
            field = self.fields[name]
            field.label = label
            field.widget.attrs["autocomplete"] = _AUTOCOMPLETE[name]

    def clean_state(self) -> str:
        state: str = self.cleaned_data["state"].strip()
        return state

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("country") in {"US", "CA"} and not cleaned.get("state"):
            self.add_error("state", "A US or Canadian address needs its state or province.")
        return cleaned

    def address(self) -> Address:
        return Address(**{name: self.cleaned_data[name].strip() for name in ADDRESS_FIELDS})

    @staticmethod
    def initial_from(address: Address) -> dict[str, str]:
        return {name: getattr(address, name) for name in ADDRESS_FIELDS}


class CustomStatusChoiceForm(forms.Form):
    """Pick one of the custom statuses that belong to the order's status, or none."""

    custom_status = forms.ChoiceField(required=False, label="Custom status")

    def __init__(self, *args: Any, options: list[CustomStatus], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— none —")] + [(custom.name, custom.name) for custom in options]
        set_choices(self, "custom_status", choices)

    def chosen(self) -> str | None:
        value: str = self.cleaned_data["custom_status"]
        return value or None


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=200,
        label="Reason",
        help_text="Kept in the order's history",
    )
    return_stock = forms.TypedChoiceField(
        label="Return its stock?",
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", "Yes: the goods are still on the shelf (its reserved stock is released)"),
            ("no", "No: the goods are gone (its reserved stock is written off)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the order's stock goes back on the shelf."},
    )
