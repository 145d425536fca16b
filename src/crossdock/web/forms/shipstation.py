"""The options of a ShipStation integration, for creating one and for changing it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from crossdock.hub.shipstation.models import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    CustomFieldSource,
    KitLines,
    ShipStationIntegration,
    WeightUnitsChoice,
)
from crossdock.hub.shipstation.services import DEFAULT_NAME, IntegrationOptions, OptionChanges
from crossdock.web.forms.fields import set_choices


class ShipStationOptionsForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        initial=DEFAULT_NAME,
        help_text="Your name for this connection, e.g. the ShipStation account it serves",
    )
    channels = forms.TypedMultipleChoiceField(
        required=False,
        coerce=int,
        label="Channels to export",
        help_text="None ticked exports orders of every channel",
        widget=forms.CheckboxSelectMultiple,
    )
    exclude_external_fulfillment = forms.BooleanField(
        required=False,
        initial=True,
        label="Leave out orders a marketplace fulfils itself (e.g. FBA)",
    )
    send_internal_notes = forms.BooleanField(
        required=False, initial=True, label="Send internal notes"
    )
    send_full_quantities = forms.BooleanField(
        required=False,
        initial=False,
        label="Send partly shipped orders in full",
        help_text="Off: ShipStation gets only what is left to ship (lines already shipped are "
        "left out)",
    )
    kit_lines = forms.ChoiceField(
        choices=KitLines.choices,
        initial=KitLines.PARENT,
        label="Send kits as",
        help_text="Components go with their own bin locations and weights, each naming its kit",
    )
    write_back = forms.BooleanField(
        required=False,
        initial=True,
        label="Write shipments back to each order's channel",
    )
    page_size = forms.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        initial=DEFAULT_PAGE_SIZE,
        label="Orders per export page",
        help_text=f"1 to {MAX_PAGE_SIZE}; 100 suits most stores",
    )
    weight_units = forms.ChoiceField(
        choices=WeightUnitsChoice.choices,
        initial=WeightUnitsChoice.AS_RECORDED,
        label="Weight units",
        help_text="ShipStation takes grams, ounces or pounds; kilograms go as grams",
    )
    custom_field1 = forms.ChoiceField(
        choices=CustomFieldSource.choices, initial=CustomFieldSource.NOTHING, label="Custom field 1"
    )
    custom_field2 = forms.ChoiceField(
        choices=CustomFieldSource.choices, initial=CustomFieldSource.NOTHING, label="Custom field 2"
    )
    custom_field3 = forms.ChoiceField(
        choices=CustomFieldSource.choices, initial=CustomFieldSource.NOTHING, label="Custom field 3"
    )

    def __init__(self, *args: Any, channels: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "channels", channels)

    @classmethod
    def initial_of(cls, integration: ShipStationIntegration) -> dict[str, Any]:
        return {
            "name": integration.name,
            "channels": [channel.pk for channel in integration.channels.all()],
            "exclude_external_fulfillment": integration.exclude_external_fulfillment,
            "send_internal_notes": integration.send_internal_notes,
            "send_full_quantities": integration.send_full_quantities,
            "kit_lines": integration.kit_lines,
            "write_back": integration.write_back,
            "page_size": integration.page_size,
            "weight_units": integration.weight_units,
            "custom_field1": integration.custom_field1,
            "custom_field2": integration.custom_field2,
            "custom_field3": integration.custom_field3,
        }

    def _custom_fields(self) -> tuple[str, str, str]:
        data = self.cleaned_data
        return (data["custom_field1"], data["custom_field2"], data["custom_field3"])

    def options(self) -> IntegrationOptions:
        data = self.cleaned_data
        return IntegrationOptions(
            channel_ids=tuple(data["channels"]),
            exclude_external_fulfillment=data["exclude_external_fulfillment"],
            send_internal_notes=data["send_internal_notes"],
            send_full_quantities=data["send_full_quantities"],
            kit_lines=data["kit_lines"],
            page_size=data["page_size"],
            weight_units=data["weight_units"],
            custom_fields=self._custom_fields(),
            write_back=data["write_back"],
        )

    def changes(self) -> OptionChanges:
        options = self.options()
        return OptionChanges(
            name=self.cleaned_data["name"],
            channel_ids=options.channel_ids,
            exclude_external_fulfillment=options.exclude_external_fulfillment,
            send_internal_notes=options.send_internal_notes,
            send_full_quantities=options.send_full_quantities,
            kit_lines=options.kit_lines,
            page_size=options.page_size,
            weight_units=options.weight_units,
            custom_fields=options.custom_fields,
            write_back=options.write_back,
        )

    def field_for_error(self, field: str) -> str | None:
        """The form field a service error names (``options.page_size`` → ``page_size``)."""
        name = field.removeprefix("options.")
        return name if name in self.fields else None
