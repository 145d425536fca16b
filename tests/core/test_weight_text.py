"""Weights for people: the sensible unit of the weight's own system, rounded, no exponent."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossdock.core.weights import GRAMS_PER_UNIT, Weight, WeightUnit, format_weight

TEXT = re.compile(r"^(0|[1-9]\d*)(\.\d*[1-9])? (g|kg|oz|lb)$")
METRIC = {WeightUnit.GRAM, WeightUnit.KILOGRAM}
#: Half of the last place shown, in grams, per unit shown.
HALF_PLACE = {
    WeightUnit.GRAM: Decimal("0.5"),
    WeightUnit.KILOGRAM: Decimal("0.005") * GRAMS_PER_UNIT[WeightUnit.KILOGRAM],
    WeightUnit.OUNCE: Decimal("0.05") * GRAMS_PER_UNIT[WeightUnit.OUNCE],
    WeightUnit.POUND: Decimal("0.005") * GRAMS_PER_UNIT[WeightUnit.POUND],
}

weights = st.builds(
    Weight,
    st.decimals(min_value=0, max_value=1_000_000, places=3, allow_nan=False),
    st.sampled_from(list(WeightUnit)),
)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        ("1276.8", WeightUnit.GRAM, "1.28 kg"),
        ("180", WeightUnit.GRAM, "180 g"),
        ("0.75", WeightUnit.KILOGRAM, "750 g"),
        ("2.5", WeightUnit.KILOGRAM, "2.5 kg"),
        ("999.7", WeightUnit.GRAM, "1 kg"),
        ("1000", WeightUnit.GRAM, "1 kg"),
        ("12.4", WeightUnit.GRAM, "12 g"),
        ("0", WeightUnit.GRAM, "0 g"),
        ("3.5", WeightUnit.OUNCE, "3.5 oz"),
        ("20", WeightUnit.OUNCE, "1.25 lb"),
        ("0.5", WeightUnit.POUND, "8 oz"),
        ("6", WeightUnit.POUND, "6 lb"),
        ("15.97", WeightUnit.OUNCE, "1 lb"),
    ],
)
def test_examples(value: str, unit: WeightUnit, text: str) -> None:
    assert format_weight(Weight(Decimal(value), unit)) == text


@given(weights)
def test_the_text_is_a_plain_number_and_a_unit_of_the_same_system(weight: Weight) -> None:
    match = TEXT.match(format_weight(weight))

    assert match is not None
    assert (WeightUnit(match.group(3)) in METRIC) == (weight.unit in METRIC)


@given(weights)
def test_the_small_unit_is_shown_only_below_one_large_unit(weight: Weight) -> None:
    number, unit = format_weight(weight).split(" ")

    if unit == "g":
        assert Decimal(number) < 1000
    elif unit == "oz":
        assert Decimal(number) < 16
    else:
        assert Decimal(number) >= 1


@given(weights)
def test_the_text_is_the_weight_to_within_half_its_last_place(weight: Weight) -> None:
    number, unit = format_weight(weight).split(" ")

    shown_grams = Decimal(number) * GRAMS_PER_UNIT[WeightUnit(unit)]
    true_grams = weight.value * GRAMS_PER_UNIT[weight.unit]

    assert abs(shown_grams - true_grams) <= HALF_PLACE[WeightUnit(unit)]
