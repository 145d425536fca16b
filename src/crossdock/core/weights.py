"""Weights: a value with a unit (g, kg, oz, lb) and exact conversions between units."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


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
