"""Create, rename and remap custom statuses."""

from __future__ import annotations

from django import forms

from crossdock.hub.orders.models import MAPPABLE_CHOICES


class CustomStatusForm(forms.Form):
    name = forms.CharField(
        max_length=50,
        label="Name",
        help_text="Exported to the shipping software as the order's status string",
    )
    status = forms.ChoiceField(
        choices=MAPPABLE_CHOICES,
        label="Standard status",
        help_text="The standard status it belongs to",
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name.", code="required")
        if "," in name:
            raise forms.ValidationError(
                "A comma would split the name in the shipping software's status fields.",
                code="comma",
            )
        return name
