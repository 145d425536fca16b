"""Field helpers shared by the UI forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from crossdock.core.countries import COUNTRY_CHOICES, country_problem


class CountryField(forms.ChoiceField):
    """A country menu: English names shown, the ISO 3166-1 alpha-2 code posted and kept.

    A menu, not a text box: a typed name cut to two letters once turned "Ireland" into IR
    (Iran). A posted code is accepted in either case; anything not on the ISO list is an
    error on this field.
    """

    def __init__(self, *, required: bool = False, label: str = "Country") -> None:
        super().__init__(
            required=required,
            label=label,
            choices=[("", "Choose a country…"), *COUNTRY_CHOICES],
            widget=forms.Select(attrs={"autocomplete": "country"}),
            error_messages={"invalid_choice": "Choose a country from the list."},
        )

    def clean(self, value: Any) -> str:
        text = str(value or "").strip()
        problem = country_problem(text)
        if problem:
            raise ValidationError(f"{problem}; choose the country from the list.", code="country")
        return str(super().clean(text.upper()))


def set_choices(form: forms.Form, name: str, choices: Sequence[tuple[Any, str]]) -> None:
    """Give the choice field ``name`` its choices, computed per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)
