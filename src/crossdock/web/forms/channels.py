"""Channel forms: a connect form generated from a connector's settings schema, and the
carrier-mapping form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from crossdock.connectors.base import ConnectorSpec, FieldKind, Location, SettingField
from crossdock.hub.channels.services import MAX_SYNC_INTERVAL, MIN_SYNC_INTERVAL
from crossdock.web.forms.fields import set_choices

SETTING_PREFIX = "setting_"


def _setting_field(
    setting: SettingField, *, editing: bool, locations: Sequence[Location] = ()
) -> forms.Field:
    """The form field of one connector setting. Editing, a secret left blank is kept."""
    required = setting.required and not setting.default and not (editing and setting.secret)
    common: dict[str, Any] = {
        "label": setting.label,
        "required": required,
        "help_text": setting.help,
        "initial": setting.default or None,
    }
    if setting.secret or setting.kind == FieldKind.SECRET:
        if editing:
            common["help_text"] = "Stored encrypted. Leave blank to keep the current one."
        return forms.CharField(
            max_length=500,
            strip=True,
            widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
            **common,
        )
    if setting.kind == FieldKind.LOCATION:
        common["required"] = False
        empty = "The channel's default" if locations else "Chosen once the channel is connected"
        return forms.ChoiceField(
            choices=[("", empty), *((loc.external_id, loc.name) for loc in locations)],
            **common,
        )
    if setting.kind == FieldKind.URL:
        return forms.URLField(max_length=500, assume_scheme="https", **common)
    if setting.kind == FieldKind.INTEGER:
        return forms.IntegerField(**common)
    if setting.kind == FieldKind.BOOLEAN:
        common["required"] = False
        common["initial"] = setting.default == "true"
        return forms.BooleanField(**common)
    return forms.CharField(max_length=500, **common)


class ChannelForm(forms.Form):
    """Name, sync interval and every setting the connector's schema names."""

    name = forms.CharField(max_length=100, help_text="How this channel is shown in Crossdock")
    sync_minutes = forms.IntegerField(
        min_value=MIN_SYNC_INTERVAL // 60,
        max_value=MAX_SYNC_INTERVAL // 60,
        initial=5,
        label="Sync every (minutes)",
    )

    def __init__(
        self,
        *args: Any,
        spec: ConnectorSpec,
        editing: bool = False,
        locations: Sequence[Location] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.editing = editing
        for setting in spec.settings_schema:
            self.fields[SETTING_PREFIX + setting.name] = _setting_field(
                setting, editing=editing, locations=locations
            )

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[SETTING_PREFIX + setting.name] for setting in self.spec.settings_schema]

    def values(self) -> dict[str, str]:
        """The settings as the channel services take them (strings; blank secrets kept)."""
        values: dict[str, str] = {}
        for setting in self.spec.settings_schema:
            value = self.cleaned_data[SETTING_PREFIX + setting.name]
            if isinstance(value, bool):
                values[setting.name] = "true" if value else "false"
            elif value is None or value == "":
                if setting.secret and self.editing:
                    continue
                values[setting.name] = ""
            else:
                values[setting.name] = str(value)
        return values

    def sync_interval(self) -> int:
        minutes: int = self.cleaned_data["sync_minutes"]
        return minutes * 60

    def field_for_error(self, field: str) -> str | None:
        """The form field a service error names (``settings.x`` → the setting ``x``)."""
        if field == "sync_interval":
            return "sync_minutes"
        if field.startswith("settings."):
            name = SETTING_PREFIX + field.removeprefix("settings.")
            return name if name in self.fields else None
        return field if field in self.fields else None

    @staticmethod
    def initial_of(name: str, interval: int, settings: dict[str, Any]) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": name, "sync_minutes": max(1, interval // 60)}
        for key, value in settings.items():
            initial[SETTING_PREFIX + key] = value
        return initial


class CarrierMappingForm(forms.Form):
    channel_kind = forms.ChoiceField(label="Channel kind")
    carrier = forms.CharField(
        max_length=100, label="ShipStation carrier", help_text="As reported, e.g. USPS, FedEx"
    )
    service = forms.CharField(
        required=False,
        max_length=100,
        label="ShipStation service",
        help_text="Blank matches every service",
    )
    channel_carrier = forms.CharField(
        required=False,
        max_length=100,
        label="Channel carrier",
        help_text="Blank sends the channel's fallback carrier",
    )
    channel_service = forms.CharField(
        required=False,
        max_length=100,
        label="Channel service",
        help_text="Blank passes the service through",
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "channel_kind", kinds)
