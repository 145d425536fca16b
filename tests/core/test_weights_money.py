"""Units, money and order rules of the pure core."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossdock.core.dto import Address
from crossdock.core.money import MoneyError, format_money, to_money
from crossdock.core.rules import PricedLine, order_total, unshippable_reason
from crossdock.core.weights import Weight, WeightUnit


def test_weights_convert_exactly_between_units() -> None:
    assert Weight(Decimal("1"), WeightUnit.POUND).to(WeightUnit.OUNCE).value == Decimal(16)
    assert Weight(Decimal("1.5"), WeightUnit.KILOGRAM).to(WeightUnit.GRAM).value == Decimal(1500)
    assert Weight(Decimal("8"), WeightUnit.OUNCE).to(WeightUnit.POUND).value == Decimal("0.5")


def test_a_negative_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Weight(Decimal("-1"), WeightUnit.GRAM)


def test_money_rounds_half_up_to_cents_and_refuses_non_numbers() -> None:
    assert to_money("2.345") == Decimal("2.35")
    assert format_money(Decimal("-5")) == "-5.00"
    with pytest.raises(MoneyError):
        to_money("NaN")
    with pytest.raises(MoneyError):
        to_money("ten")
    with pytest.raises(MoneyError, match="out of range"):
        to_money("1e999999999")


def test_order_total_is_lines_less_discounts_plus_shipping_and_tax() -> None:
    lines = [PricedLine(2, Decimal("12.50")), PricedLine(1, Decimal("33.00"))]

    total = order_total(lines, [Decimal("5.00")], Decimal("5.90"), Decimal("12.35"))

    assert total == Decimal("71.25")


def test_unshippable_reason_names_every_problem() -> None:
    reason = unshippable_reason(Address(name="A", city="B", country="ZZ"), 0)

    assert reason == (
        "ship-to address line 1 is missing; ship-to country 'ZZ' is not an ISO 3166-1 code; "
        "nothing to ship"
    )
    assert unshippable_reason(Address(name="A", address1="1 Road", city="B", country="US"), 1) == ""
