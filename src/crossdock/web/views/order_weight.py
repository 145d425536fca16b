"""The order page's weight line: what ShipStation receives, and why, in the merchant's words."""

from __future__ import annotations

from dataclasses import dataclass

from crossdock.core.display import plural
from crossdock.core.weights import Weight
from crossdock.customstore.export import WeightBasis
from crossdock.hub.orders.conversion import weight_of
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.shipstation.export import line_values, shipping_weight
from crossdock.web.templatetags.hub_format import weight as format_weight


@dataclass(frozen=True, slots=True)
class WeightLine:
    shown: str
    why: str


def _text(value: Weight | None) -> str:
    return format_weight(value.value, value.unit.value) if value is not None else "—"


def weight_for_shipstation(order: Order, lines: list[OrderLine]) -> WeightLine:
    """The weight ShipStation will receive for ``order`` and the reason, for the page."""
    found = shipping_weight(
        weight_of(order.weight_value, order.weight_unit), [line_values(line) for line in lines]
    )
    partial = found.units_sent < found.units_ordered
    left = f"the {plural(found.units_sent, 'unit')} left to ship"
    if found.sent.basis == WeightBasis.ORDER:
        if partial:
            why = f"the entered order weight ({_text(found.entered)}) shared out over {left}"
        elif found.lines is not None and found.lines != found.entered:
            why = f"the order weight entered; the lines add up to {_text(found.lines)}"
        else:
            why = "the order weight entered"
    elif found.sent.basis == WeightBasis.LINES:
        why = f"the sum of the lines' weights for {left}" if partial else "the sum of the lines"
        if found.entered is not None:
            why += f"; the order weight entered ({_text(found.entered)}) is for the whole order"
        else:
            why += "; no order weight entered"
    else:
        why = "no order weight entered and no line has a weight"
    return WeightLine(shown=_text(found.sent.weight), why=why)
