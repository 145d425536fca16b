"""Weights: a value with a unit (g, kg, oz, lb), exact conversions, and text for people."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from crossdock.core.numbers import plain_decimal


class WeightUnit(StrEnum):
    GRAM = "g"
    KILOGRAM = "kg"
    OUNCE = "oz"
    POUND = "lb"


#: Grams in one of each unit (the avoirdupois ounce and pound are exact by definition).
GRAMS_PER_UNIT: dict[WeightUnit, Decimal] = {
    WeightUnit.GRAM: Decimal("1"),
    WeightUnit.KILOGRAM: Decimal("1000"),
    WeightUnit.OUNCE: Decimal("28.349523125"),
    WeightUnit.POUND: Decimal("453.59237"),
}


@dataclass(frozen=True, slots=True)
class Weight:
    """A non-negative weight. Equality is on the recorded value and unit, not the mass."""

    value: Decimal
    unit: WeightUnit

    def __post_init__(self) -> None:
        if not self.value.is_finite() or self.value < 0:
            raise ValueError(f"weight must be a finite, non-negative number, got {self.value}")

    def to(self, unit: WeightUnit) -> Weight:
        """Convert to ``unit`` exactly (callers round when they write a wire value)."""
        if unit == self.unit:
            return self
        grams = self.value * GRAMS_PER_UNIT[self.unit]
        return Weight(grams / GRAMS_PER_UNIT[unit], unit)

    def __mul__(self, quantity: int) -> Weight:
        return Weight(self.value * quantity, self.unit)


#: Per system: the small unit, the large unit, and how many small make one large.
_SCALES: dict[WeightUnit, tuple[WeightUnit, WeightUnit, Decimal]] = {
    WeightUnit.GRAM: (WeightUnit.GRAM, WeightUnit.KILOGRAM, Decimal(1000)),
    WeightUnit.KILOGRAM: (WeightUnit.GRAM, WeightUnit.KILOGRAM, Decimal(1000)),
    WeightUnit.OUNCE: (WeightUnit.OUNCE, WeightUnit.POUND, Decimal(16)),
    WeightUnit.POUND: (WeightUnit.OUNCE, WeightUnit.POUND, Decimal(16)),
}
#: Places shown: whole grams are fine, ounces to the tenth, the large units to the hundredth.
_PLACES: dict[WeightUnit, Decimal] = {
    WeightUnit.GRAM: Decimal("1"),
    WeightUnit.OUNCE: Decimal("0.1"),
    WeightUnit.KILOGRAM: Decimal("0.01"),
    WeightUnit.POUND: Decimal("0.01"),
}


def format_weight(weight: Weight) -> str:
    """A weight for people in the sensible unit of its own system: ``1.28 kg``, ``180 g``.

    Metric stays metric and imperial stays imperial: grams up to a kilogram, then kilograms
    to the hundredth (``1276.8 g`` → ``1.28 kg``); ounces to the tenth below a pound, then
    pounds to the hundredth. Trailing zeros are dropped. A value that rounds up to the
    next unit is shown in it (``999.7 g`` → ``1 kg``, never ``1000 g``).
    """
    small, large, per_large = _SCALES[weight.unit]
    in_small = weight.to(small).value.quantize(_PLACES[small], rounding=ROUND_HALF_UP)
    if in_small < per_large:
        return f"{plain_decimal(in_small)} {small}"
    in_large = weight.to(large).value.quantize(_PLACES[large], rounding=ROUND_HALF_UP)
    return f"{plain_decimal(in_large)} {large}"
