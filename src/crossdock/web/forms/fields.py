"""Field helpers shared by the UI forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from crossdock.core.countries import is_country_code


def clean_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code in upper case, or ``""``; anything else is an error."""
    code = value.strip().upper()
    if code and not is_country_code(code):
        raise ValidationError(
            "Enter a two-letter ISO country code such as US, GB or DE.", code="country"
        )
    return code


class CountryField(forms.CharField):
    """A two-letter ISO 3166-1 country code."""

    def __init__(self, *, required: bool = False, label: str = "Country") -> None:
        super().__init__(
            required=required,
            label=label,
            max_length=2,
            min_length=2,
            help_text="Two-letter ISO code, e.g. US",
            widget=forms.TextInput(attrs={"autocomplete": "country", "size": 3}),
        )

    def clean(self, value: str | None) -> str:
        return clean_country(super().clean(value))


def set_choices(form: forms.Form, name: str, choices: Sequence[tuple[Any, str]]) -> None:
    """Give the choice field ``name`` its choices, computed per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)
