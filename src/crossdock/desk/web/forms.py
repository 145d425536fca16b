"""Desk UI forms: they parse and type the input; the services check it and save it.

A service error names its field, so :func:`add_service_errors` puts each message next to
its field; nothing is saved unless every field passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from crossdock.desk.orders.models import DeskOrderLine
from crossdock.desk.shipments.carriers import CARRIERS
from crossdock.desk.stores.mapping import MAPPING_FIELDS
from crossdock.desk.stores.notify import (
    MAX_DELAY_HOURS,
    NOTIFY_STORE_LABELS,
    NotifyStore,
    time_zone_names,
)
from crossdock.desk.stores.tokens import TOKENS

#: How the desk sends a store's credentials (``DeskStore.AuthMode``).
AUTH_MODE_CHOICES = [
    ("basic", "HTTP Basic (recommended)"),
    ("query", "HTTP Basic and SS-UserName/SS-Password in the query"),
]


class DiagnoseForm(forms.Form):
    """Any Custom Store URL to check (read-only: the page never posts a ship notice)."""

    url = forms.CharField(
        label="Store URL",
        max_length=500,
        help_text="The Custom Store URL to check.",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    username = forms.CharField(
        label="Username",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=500,
        strip=False,
        help_text="Used for this check only: it is not stored.",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    days = forms.IntegerField(label="Days", min_value=1, max_value=366, initial=7)


class ConnectForm(forms.Form):
    name = forms.CharField(label="Store name", max_length=100, help_text="Shown in the desk.")
    url = forms.CharField(
        label="Store URL",
        max_length=500,
        help_text="The Custom Store URL the store gave you (HTTPS advised).",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    username = forms.CharField(
        label="Username",
        max_length=200,
        help_text="The username the store generated for ShipStation, not your store login.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=500,
        strip=False,
        help_text="The password the store generated. It is stored encrypted and never shown again.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    auth_mode = forms.ChoiceField(
        label="Send credentials",
        choices=AUTH_MODE_CHOICES,
        initial="basic",
        required=False,
        help_text="HTTP Basic suits nearly every store. Add the query pair only for a store "
        "that reads SS-UserName/SS-Password from the URL: the password then lands in its "
        "access logs.",
    )

    def clean_auth_mode(self) -> str:
        # Absent (an older form, a script): HTTP Basic, the default.
        return str(self.cleaned_data.get("auth_mode") or "basic")


class AddUserForm(forms.Form):
    email = forms.CharField(
        label="E-mail",
        max_length=254,
        help_text="Their login to the desk.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label="First password",
        max_length=128,
        strip=False,
        help_text="Tell it to them yourself; the desk sends no e-mail.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, e.g. “label printer script”.",
    )


class ReconnectForm(forms.Form):
    url = ConnectForm.base_fields["url"]
    username = ConnectForm.base_fields["username"]
    auth_mode = ConnectForm.base_fields["auth_mode"]
    password = forms.CharField(
        label="New password",
        required=False,
        strip=False,
        max_length=500,
        help_text="Leave blank to keep the stored password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_auth_mode(self) -> str | None:
        # Absent: the store keeps its own.
        return str(self.cleaned_data.get("auth_mode") or "") or None


def _colour(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in time_zone_names()]


class GeneralForm(forms.Form):
    name = forms.CharField(label="Store name", max_length=100)
    is_active = forms.BooleanField(
        label="Active (inactive stores are hidden and never import)", required=False
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=_time_zone_choices,
        help_text="The merchant's own: times of day in these settings are read in it.",
    )


class BrandingForm(forms.Form):
    company_name = forms.CharField(label="Company name", max_length=100, required=False)
    logo_url = forms.CharField(
        label="Logo URL", max_length=500, required=False, widget=forms.URLInput()
    )
    brand_colour = _colour("Brand colour")
    accent_colour = _colour("Accent colour")
    phone = forms.CharField(label="Phone", max_length=50, required=False)
    public_email = forms.CharField(
        label="E-mail shown to buyers", max_length=254, required=False, widget=forms.EmailInput()
    )
    website = forms.CharField(
        label="Website", max_length=500, required=False, widget=forms.URLInput()
    )
    ship_from_address = forms.CharField(
        label="Ship-from address (top of packing slips)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    return_address = forms.CharField(
        label="Return address",
        required=False,
        help_text="Printed on packing slips; blank: returns go to the ship-from address.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    footer_text = forms.CharField(
        label="Footer text (packing slips and e-mails)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PackingSlipsForm(forms.Form):
    slip_sort = forms.ChoiceField(
        label="Items sorted by",
        choices=[
            ("location", "Location (picking order; items without one last)"),
            ("sku", "SKU"),
            ("name", "Item name"),
        ],
    )
    slip_show_prices = forms.BooleanField(
        label="Show item prices (never on gift orders)", required=False
    )
    slip_show_skus = forms.BooleanField(label="Show item SKUs", required=False)


class NotificationsForm(forms.Form):
    email_buyer = forms.BooleanField(
        label="E-mail the buyer when an order ships (the default for each shipment)",
        required=False,
    )
    email_subject = forms.CharField(
        label="E-mail subject",
        max_length=200,
        help_text="Field replacements: " + ", ".join(f"[{token}]" for token in TOKENS),
    )
    email_body = forms.CharField(label="E-mail message", widget=forms.Textarea(attrs={"rows": 6}))
    email_from_name = forms.CharField(
        label="Sender name",
        max_length=100,
        required=False,
        help_text="Blank: the desk's own sender name.",
    )
    email_from_address = forms.CharField(
        label="Sender address",
        max_length=254,
        required=False,
        help_text="Blank: the desk's own address. Your domain must allow the desk's mail server.",
        widget=forms.EmailInput(),
    )
    email_bcc = forms.CharField(
        label="Blind copy (BCC) to",
        max_length=254,
        required=False,
        help_text="A copy of every buyer e-mail goes here; blank for none.",
        widget=forms.EmailInput(),
    )
    notify_store = forms.ChoiceField(
        label="Tell the store about shipments",
        choices=[(mode.value, label) for mode, label in NOTIFY_STORE_LABELS.items()],
        help_text="Each shipment's ship notice; a packer may override it per shipment.",
    )
    notify_store_hours = forms.IntegerField(
        label="Hours after the label (with the hours option)",
        min_value=1,
        max_value=MAX_DELAY_HOURS,
        # desk/notify-options.js shows a field only with its option; without JS, the label says.
        widget=forms.NumberInput(attrs={"data-shown-with": NotifyStore.AFTER_HOURS.value}),
    )
    notify_store_time = forms.TimeField(
        label="Time of day on the ship date (with the time-of-day option)",
        help_text="In the store's time zone (General section).",
        widget=forms.TimeInput(
            attrs={"type": "time", "data-shown-with": NotifyStore.AT_TIME.value}, format="%H:%M"
        ),
    )


class ProductsForm(forms.Form):
    create_products = forms.BooleanField(
        label="Create a product record for SKUs not seen before", required=False
    )
    weight_source = forms.ChoiceField(
        label="Whose weights win",
        choices=[("store", "The store's weights"), ("desk", "The desk's product weights")],
    )
    locations_from_store = forms.BooleanField(
        label="Take item locations from the store (else from the desk's products)",
        required=False,
    )


class StatusMappingForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, _, label in MAPPING_FIELDS:
            self.fields[f"status_mapping.{name}"] = forms.CharField(
                label=label,
                required=False,
                max_length=500,
                help_text="Comma-separated store statuses, matched case-sensitively.",
            )

    def changes(self) -> dict[str, Any]:
        return {
            "status_mapping": {
                name: self.cleaned_data[f"status_mapping.{name}"] for name, _, _ in MAPPING_FIELDS
            }
        }


class AutoImportForm(forms.Form):
    auto_import = forms.BooleanField(label="Import automatically", required=False)
    import_interval_minutes = forms.IntegerField(
        label="Every (minutes)", min_value=1, max_value=1440
    )
    first_import_days = forms.IntegerField(
        label="First import looks back (days)", min_value=1, max_value=365
    )


class CopySettingsForm(forms.Form):
    from_store = forms.TypedChoiceField(
        label="Copy every setting from",
        coerce=int,
        choices=[],
        help_text="All sections but the store name; the URL, credentials and import "
        "history stay this store's own.",
    )

    def offer(self, stores: Iterable[tuple[int, str]]) -> None:
        field = self.fields["from_store"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a store"), *stores]


#: The settings page's sections: (slug, title, form class).
SECTIONS: tuple[tuple[str, str, type[forms.Form]], ...] = (
    ("general", "General", GeneralForm),
    ("branding", "Branding", BrandingForm),
    ("slips", "Packing slips", PackingSlipsForm),
    ("notifications", "Notifications", NotificationsForm),
    ("products", "Product handling", ProductsForm),
    ("statuses", "Status mapping", StatusMappingForm),
    ("import", "Auto-import", AutoImportForm),
    ("copy", "Copy from another store", CopySettingsForm),
)


def section_changes(form: forms.Form) -> dict[str, Any]:
    if isinstance(form, StatusMappingForm):
        return form.changes()
    return dict(form.cleaned_data)


def add_service_errors(form: forms.Form, errors: dict[str, str]) -> None:
    """Put each service error next to its field (or on the form when no field matches)."""
    for field, message in errors.items():
        name = field if field in form.fields else f"status_mapping.{field.split('.')[-1]}"
        form.add_error(name if name in form.fields else None, message)


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(label="Carrier", choices=list(CARRIERS.items()))
    service = forms.CharField(label="Service", max_length=100, required=False)
    tracking_number = forms.CharField(label="Tracking number", max_length=100, required=False)
    shipping_cost = forms.DecimalField(
        label="Carrier fee", required=False, min_value=Decimal("0"), decimal_places=2
    )
    ship_date = forms.DateField(label="Ship date", widget=forms.DateInput(attrs={"type": "date"}))
    notes_to_buyer = forms.CharField(
        label="Note to the buyer",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notify_buyer = forms.BooleanField(label="E-mail the buyer", required=False)
    notify_store = forms.ChoiceField(
        label="Tell the store",
        required=False,
        choices=[
            ("", "As the store's settings say"),
            ("immediately", "Now"),
            ("never", "Do not tell the store about this shipment"),
        ],
    )

    def __init__(self, *args: Any, lines: Iterable[DeskOrderLine] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_fields: list[tuple[DeskOrderLine, str]] = []
        for line in lines:
            if line.quantity_to_ship <= 0:
                continue
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.sku or line.name}: quantity to ship",
                min_value=0,
                max_value=line.quantity_to_ship,
                initial=line.quantity_to_ship,
            )
            self.line_fields.append((line, name))

    def chosen_lines(self) -> list[tuple[int, int]]:
        """``(line id, quantity)`` for each line with a quantity above zero."""
        return [
            (line.pk, self.cleaned_data[name])
            for line, name in self.line_fields
            if self.cleaned_data.get(name)
        ]

    def everything(self) -> bool:
        return all(
            self.cleaned_data.get(name) == line.quantity_to_ship for line, name in self.line_fields
        )
