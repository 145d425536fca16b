"""Template filters that format hub values for people: money, weights, dates, carriers.

The rules live in ``crossdock.core``; the filters both products need are registered from
:data:`crossdock.core.display.SHARED_FILTERS` (the desk does the same), so a date, a
carrier or an empty value reads the same in the hub and the desk.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from crossdock.core.display import EMPTY, SHARED_FILTERS, tracking_html
from crossdock.core.weights import Weight, WeightUnit, format_weight

register = template.Library()


@register.filter
def weight(value: Decimal | None, unit: str = "") -> str:
    """``180 g``, ``1.28 kg``: the sensible unit of the weight's system; absent: an em dash."""
    if value is None or unit not in {u.value for u in WeightUnit}:
        return EMPTY
    return format_weight(Weight(Decimal(value), WeightUnit(unit)))


for _name, _function in SHARED_FILTERS.items():
    register.filter(_name, _function)


@register.filter
def tracking_link(tracking_number: str | None, carrier_code: str = "") -> SafeString:
    """The tracking number linked to the carrier's tracking page; plain text without one."""
    return mark_safe(tracking_html(carrier_code or "", tracking_number or ""))  # noqa: S308 (core escapes it)


@register.filter
def options_text(options: Any) -> str:
    """Line options as ``Size: M · Colour: Green``."""
    if not isinstance(options, list):
        return ""
    parts = [
        f"{option.get('name', '')}: {option.get('value', '')}"
        for option in options
        if isinstance(option, dict)
    ]
    return " · ".join(parts)
