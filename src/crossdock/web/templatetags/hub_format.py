"""Template filters that format hub values for people: money, weights, line options."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    """``12.50 EUR``; an absent amount is an em dash."""
    if value is None:
        return "—"
    amount = f"{Decimal(value).quantize(Decimal('0.01')):,}"
    return f"{amount} {currency}".strip()


@register.filter
def weight(value: Decimal | None, unit: str = "") -> str:
    """``180 g``, ``0.75 kg``: trailing zeros dropped; an absent weight is an em dash."""
    if value is None or not unit:
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return f"{text} {unit}"


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
