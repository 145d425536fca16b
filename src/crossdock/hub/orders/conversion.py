"""Translation between stored order rows and the framework-free DTOs of ``crossdock.core``."""

from __future__ import annotations

from decimal import Decimal

from crossdock.core.dto import Address, Customer, LineOption
from crossdock.core.weights import Weight, WeightUnit
from crossdock.hub.orders.models import ADDRESS_FIELDS, Order, OrderLine


def address_of(order: Order, prefix: str) -> Address:
    """The ``bill_to`` or ``ship_to`` address of an order."""
    return Address(**{name: getattr(order, f"{prefix}_{name}") for name in ADDRESS_FIELDS})


def address_columns(prefix: str, address: Address) -> dict[str, str]:
    """Column values for storing ``address`` under ``prefix``."""
    return {f"{prefix}_{name}": getattr(address, name) for name in ADDRESS_FIELDS}


def customer_of(order: Order) -> Customer:
    return Customer(
        code=order.customer_code,
        name=order.customer_name,
        email=order.customer_email,
        phone=order.customer_phone,
    )


def weight_of(value: Decimal | None, unit: str) -> Weight | None:
    if value is None or not unit:
        return None
    return Weight(value, WeightUnit(unit))


def weight_columns(weight: Weight | None) -> tuple[Decimal | None, str]:
    if weight is None:
        return None, ""
    return weight.value, weight.unit.value


def line_options(line: OrderLine) -> tuple[LineOption, ...]:
    return tuple(
        LineOption(name=str(option.get("name", "")), value=str(option.get("value", "")))
        for option in line.options
    )
