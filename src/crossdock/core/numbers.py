"""Plain decimal text for wire formats."""

from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal) -> str:
    """``value`` without trailing zeros or exponent (``Decimal("1.5000")`` → ``"1.5"``)."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"
