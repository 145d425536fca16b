"""Account settings: add a user, create an API token."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from crossdock.platform.passwords import validate_new_password


class AddUserForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 8 characters, not a common password, not your e-mail",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first is None:
            return cleaned
        try:
            validate_new_password(first, cleaned.get("email") or "")
        except ValidationError as error:
            self.add_error("password", error)
        else:
            if second and first != second:
                self.add_error("password_again", "The two passwords differ.")
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, e.g. “warehouse script”",
    )
