"""Forms of the catalog pages: products, stock changes, CSV import, listings, sources, rules."""

from __future__ import annotations

from typing import Any

from django import forms

from crossdock.core.catalog_csv import CsvKind
from crossdock.core.stock import MAX_QUANTITY, ListingStatus, Rule
from crossdock.hub.catalog.models import ChannelStock, InventorySource
from crossdock.web.forms.fields import set_choices

#: Largest CSV file the import page accepts (about a million rows of products).
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class ProductFilterForm(forms.Form):
    """The search above the product list. Invalid values are ignored, never an error page."""

    q = forms.CharField(
        required=False,
        label="Search",
        max_length=100,
        help_text="SKU, name or barcode",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. MUG-, blue"}),
    )
    low_stock = forms.BooleanField(required=False, label="Only low stock")


class StockChangeForm(forms.Form):
    """Receive, adjust or count one product at one source."""

    ACTIONS = [
        ("receive", "Receive (add arrived goods)"),
        ("adjust", "Adjust by (+/−, with a reason)"),
        ("count", "Count (on hand becomes)"),
    ]
    source = forms.TypedChoiceField(coerce=int, label="Inventory source")
    action = forms.ChoiceField(choices=ACTIONS, label="Change")
    quantity = forms.IntegerField(min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY, label="Quantity")
    reason = forms.CharField(
        required=False, max_length=500, label="Reason", help_text="Required for an adjustment"
    )

    def __init__(self, *args: Any, sources: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "source", sources)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        action = cleaned.get("action")
        quantity = cleaned.get("quantity")
        if action == "adjust" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why the stock changed (damaged, found, lost …).")
        if action == "adjust" and quantity == 0:
            self.add_error("quantity", "An adjustment changes the stock by at least one unit.")
        if action in ("receive", "count") and quantity is not None and quantity < 0:
            self.add_error("quantity", "Must not be negative.")
        if action == "receive" and quantity == 0:
            self.add_error("quantity", "Receive at least one unit.")
        return cleaned


class TransferForm(forms.Form):
    """Move one product's on-hand units from one inventory source to another (prefixed: it
    shares the product page with the stock form)."""

    prefix = "transfer"

    from_source = forms.TypedChoiceField(coerce=int, label="From")
    to_source = forms.TypedChoiceField(coerce=int, label="To")
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, label="Quantity")
    reason = forms.CharField(required=False, max_length=500, label="Reason")

    def __init__(self, *args: Any, sources: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "from_source", sources)
        set_choices(self, "to_source", sources)


class ProductSettingsForm(forms.Form):
    """The low-stock threshold and default bin location of one product."""

    low_stock_threshold = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_QUANTITY,
        label="Low-stock threshold",
        help_text="Available at or under this shows as low stock; empty: never",
    )
    bin_location = forms.CharField(
        required=False,
        max_length=100,
        label="Bin location",
        help_text="Sent to the shipping software when a channel's line has none",
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, comma-separated, with a header row")
    kind = forms.ChoiceField(
        required=False,
        label="File holds",
        choices=[
            ("", "Read it from the header"),
            (CsvKind.PRODUCTS.value, "Products"),
            (CsvKind.KITS.value, "Kit recipes"),
            (CsvKind.QUANTITIES.value, "Stock quantities (counts)"),
        ],
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split it."
            )
        return upload


class LinkForm(forms.Form):
    sku = forms.CharField(max_length=100, label="Product SKU")


class ListingFilterForm(forms.Form):
    """The filter bar above the listings. Invalid values are ignored, never an error page."""

    channel = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            *[
                (status.value, status.value.replace("_", " ").capitalize())
                for status in ListingStatus
            ],
        ],
    )
    linked = forms.ChoiceField(
        required=False,
        label="Linked",
        choices=[("", "Linked or not"), ("no", "Unlinked only"), ("yes", "Linked only")],
    )
    q = forms.CharField(required=False, max_length=100, label="SKU")

    def __init__(self, data: Any, *, channels: list[tuple[int, str]]) -> None:
        super().__init__(data)
        set_choices(self, "channel", [("", "Any channel"), *channels])


class SourceForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name")
    kind = forms.ChoiceField(choices=InventorySource.Kind.choices, label="Kind")
    channel = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Channel reporting its stock",
        help_text="Marketplace fulfilment only: its stock is read from this channel, never pushed",
    )

    def __init__(self, *args: Any, channels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "channel", [("", "—"), *channels])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        marketplace = cleaned.get("kind") == InventorySource.Kind.MARKETPLACE
        if marketplace and cleaned.get("channel") is None:
            self.add_error("channel", "Choose the channel whose listings report this stock.")
        if not marketplace and cleaned.get("channel") is not None:
            self.add_error("channel", "Only marketplace fulfilment is read from a channel.")
        return cleaned


class ChannelSourcesForm(forms.Form):
    """Per source a position (1 first); empty: the source does not feed the channel."""

    def __init__(self, *args: Any, sources: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for source_id, name in sources:
            self.fields[f"source_{source_id}"] = forms.IntegerField(
                required=False, min_value=1, max_value=len(sources), label=name
            )

    def ordered(self) -> list[int]:
        chosen = [
            (position, int(name.removeprefix("source_")))
            for name, position in self.cleaned_data.items()
            if position is not None
        ]
        return [source_id for _, source_id in sorted(chosen)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        positions = [value for value in cleaned.values() if value is not None]
        if len(positions) != len(set(positions)):
            raise forms.ValidationError("Give each source its own position.")
        return cleaned


class RuleForm(forms.Form):
    """What a channel shows of the available quantity; all empty: everything available."""

    percent = forms.IntegerField(
        required=False, min_value=0, max_value=100, label="Percent of available"
    )
    maximum = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_QUANTITY, label="Show at most"
    )
    buffer = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_QUANTITY,
        label="Buffer",
        help_text="Show 0 while available is under this",
    )
    fixed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_QUANTITY,
        label="Fixed quantity",
        help_text="Always show this, whatever the stock",
    )

    def rule(self) -> Rule | None:
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        if all(value is None for value in values.values()):
            return None
        return Rule(**values)


class WinnerForm(forms.Form):
    winner = forms.ChoiceField(
        choices=[
            (ChannelStock.Winner.HUB.value, "The hub's quantities win: push them to the channel"),
            (
                ChannelStock.Winner.CHANNEL.value,
                "The channel's quantities win: count the hub's stock to them, then push",
            ),
        ],
        widget=forms.RadioSelect,
        label="Which side wins",
    )
