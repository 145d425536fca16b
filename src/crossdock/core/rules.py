"""Business rules on orders that need no storage: totals and shippability."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from crossdock.core.countries import is_country_code
from crossdock.core.dto import Address
from crossdock.core.money import to_money


@dataclass(frozen=True, slots=True)
class PricedLine:
    quantity: int
    unit_price: Decimal


def order_total(
    lines: Iterable[PricedLine], discounts: Iterable[Decimal], shipping: Decimal, tax: Decimal
) -> Decimal:
    """Lines less discounts plus shipping and tax: the total ShipStation recomputes."""
    goods = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    return to_money(goods - sum(discounts, Decimal(0)) + shipping + tax)


def ship_to_problems(ship_to: Address) -> list[str]:
    """Why an address cannot be shipped to; empty when it can."""
    problems: list[str] = []
    if not ship_to.name.strip():
        problems.append("ship-to name is missing")
    if not ship_to.address1.strip():
        problems.append("ship-to address line 1 is missing")
    if not ship_to.city.strip():
        problems.append("ship-to city is missing")
    if not ship_to.country.strip():
        problems.append("ship-to country is missing")
    elif not is_country_code(ship_to.country):
        problems.append(f"ship-to country {ship_to.country!r} is not an ISO 3166-1 code")
    return problems


def unshippable_reason(ship_to: Address, quantity_to_ship: int) -> str:
    """One sentence saying why an order cannot be shipped, or ``""`` when it can."""
    problems = ship_to_problems(ship_to)
    if quantity_to_ship <= 0:
        problems.append("nothing to ship")
    return "; ".join(problems)
