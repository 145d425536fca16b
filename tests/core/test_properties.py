"""Property tests of the pure rules: order status from shipped quantities, money and weight
conversions."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from crossdock.core.money import to_money
from crossdock.core.statuses import CLOSED_STATUSES, OrderStatus, shipment_status
from crossdock.core.weights import Weight, WeightUnit

quantities = st.integers(0, 10_000)
amounts = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=10**6, allow_nan=False, allow_infinity=False, places=4)


@given(quantities, quantities)
def test_the_status_from_shipped_quantities_is_none_partial_or_shipped(
    ordered: int, shipped: int
) -> None:
    status = shipment_status(ordered, shipped)

    if shipped <= 0:
        assert status is None
    elif shipped >= ordered:
        assert status is OrderStatus.SHIPPED
    else:
        assert status is OrderStatus.PARTIALLY_SHIPPED


@given(st.integers(1, 1000), st.lists(st.integers(1, 50), min_size=1, max_size=20))
def test_shipping_more_never_moves_an_order_back(ordered: int, parcels: list[int]) -> None:
    shipped = 0
    seen: list[OrderStatus | None] = []
    for units in parcels:
        shipped += units
        seen.append(shipment_status(ordered, shipped))

    rank = {None: 0, OrderStatus.PARTIALLY_SHIPPED: 1, OrderStatus.SHIPPED: 2}
    assert [rank[status] for status in seen] == sorted(rank[status] for status in seen)
    assert (seen[-1] in CLOSED_STATUSES) == (shipped >= ordered)


@given(amounts)
def test_money_has_two_places_and_is_within_half_a_cent(amount: Decimal) -> None:
    money = to_money(amount)

    assert money.as_tuple().exponent == -2
    assert abs(money - amount) <= Decimal("0.005")
    assert to_money(money) == money
    assert to_money(str(amount)) == money


@given(weights, st.sampled_from(WeightUnit), st.sampled_from(WeightUnit))
def test_a_weight_converted_there_and_back_keeps_its_mass(
    value: Decimal, unit: WeightUnit, other: WeightUnit
) -> None:
    weight = Weight(value, unit)

    back = weight.to(other).to(unit)

    assert back.unit is unit
    assert abs(back.value - value) <= Decimal("1e-20") * max(value, Decimal(1))


@given(weights, st.sampled_from(WeightUnit), st.integers(0, 1000))
def test_a_weight_times_a_quantity_converts_like_the_quantity_of_weights(
    value: Decimal, unit: WeightUnit, quantity: int
) -> None:
    grams = (Weight(value, unit) * quantity).to(WeightUnit.GRAM).value

    assert abs(grams - Weight(value, unit).to(WeightUnit.GRAM).value * quantity) <= Decimal(
        "1e-15"
    ) * max(grams, Decimal(1))
