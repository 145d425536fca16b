"""Money: ``Decimal`` amounts with two places, parsed from and written to wire strings.

Floats never touch money. Amounts are quantized to cents with banker-free
``ROUND_HALF_UP`` (what shoppers expect on receipts).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Largest absolute amount a 9,2 wire field (ShipStation's ``xs:decimal`` 9,2) can hold.
MAX_AMOUNT = Decimal("9999999.99")


class MoneyError(ValueError):
    """A value that is not a finite decimal amount."""


def to_money(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a two-place ``Decimal``; reject floats, NaN and infinities."""
    if isinstance(
        value, float
    ):  # pragma: no cover - guarded by typing, kept for callers at runtime
        raise MoneyError("money must not be a float")
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation as error:
        raise MoneyError(f"not a decimal amount: {value!r}") from error
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    try:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        # Far too many digits for cents (e.g. 1e999999999): not an amount anyone charges.
        raise MoneyError(f"amount out of range: {str(value)[:40]!r}") from error


def format_money(amount: Decimal) -> str:
    """Write an amount as a plain dot decimal with two places (``-5.00``)."""
    return f"{to_money(amount):.2f}"
