"""Property tests of how a shipment's units are allocated over an order's lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossdock.hub.fulfillment.errors import FulfillmentValidationError
from crossdock.hub.fulfillment.services import Shipment, ShipmentLine, _allocate
from crossdock.hub.orders.models import OrderLine


@st.composite
def order_lines(draw: st.DrawFn) -> list[OrderLine]:
    count = draw(st.integers(1, 6))
    lines = []
    for position in range(count):
        quantity = draw(st.integers(1, 20))
        lines.append(
            OrderLine(
                pk=position + 1,
                sku=draw(st.sampled_from(["MUG", "TEE", "CAP"])),
                name="x",
                quantity=quantity,
                quantity_shipped=draw(st.integers(0, quantity)),
                unit_price=Decimal("1.00"),
            )
        )
    return lines


requests = st.lists(
    st.builds(
        ShipmentLine,
        quantity=st.integers(-2, 30),
        line_id=st.one_of(st.none(), st.integers(0, 8)),
        sku=st.sampled_from(["", "MUG", "TEE", "CAP", "HAT"]),
    ),
    max_size=8,
)


def _left(line: OrderLine) -> int:
    return line.quantity - line.quantity_shipped


@given(order_lines(), requests)
def test_a_notice_never_records_more_than_a_line_has_left(
    lines: list[OrderLine], wanted: list[ShipmentLine]
) -> None:
    allocation = _allocate(lines, Shipment(lines=tuple(wanted)), strict=False)

    by_id = {line.pk: line for line in lines}
    assert all(0 < units <= _left(by_id[line_id]) for line_id, units in allocation.units.items())
    assert all(over.excess > 0 for over in allocation.over)


@given(order_lines())
def test_a_shipment_without_lines_ships_everything_left(lines: list[OrderLine]) -> None:
    allocation = _allocate(lines, Shipment(), strict=False)

    assert allocation.units == {line.pk: _left(line) for line in lines if _left(line) > 0}
    assert allocation.over == ()


@given(order_lines(), requests)
def test_a_strict_shipment_records_exactly_what_was_asked_or_refuses(
    lines: list[OrderLine], wanted: list[ShipmentLine]
) -> None:
    shipment = Shipment(lines=tuple(wanted))
    try:
        allocation = _allocate(lines, shipment, strict=True)
    except FulfillmentValidationError:
        return

    if wanted:
        assert sum(allocation.units.values()) == sum(request.quantity for request in wanted)
    by_id = {line.pk: line for line in lines}
    assert all(units <= _left(by_id[line_id]) for line_id, units in allocation.units.items())


def test_a_strict_shipment_of_more_than_is_left_names_the_field() -> None:
    lines = [OrderLine(pk=1, sku="MUG", quantity=2, quantity_shipped=1, unit_price=Decimal(1))]

    with pytest.raises(FulfillmentValidationError) as refused:
        _allocate(lines, Shipment(lines=(ShipmentLine(quantity=2, line_id=1),)), strict=True)

    assert str(refused.value) == "lines.0.quantity: only 1 left to ship on this line"
