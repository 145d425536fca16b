"""Translation between stored order rows and the framework-free DTOs of ``crossdock.core``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crossdock.core.dto import Address, Customer, LineOption, OrderData
from crossdock.core.money import to_money
from crossdock.core.rules import PricedLine, order_total
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


def options_of(stored: list[dict[str, object]]) -> tuple[LineOption, ...]:
    """A line's stored options (its ``options`` column) as values."""
    return tuple(
        LineOption(name=str(option.get("name", "")), value=str(option.get("value", "")))
        for option in stored
    )


def line_options(line: OrderLine) -> tuple[LineOption, ...]:
    return options_of(line.options)


def order_total_of(data: OrderData) -> Decimal:
    """The order's total as the lines, discounts, shipping and tax add up."""
    return order_total(
        (PricedLine(line.quantity, line.unit_price) for line in data.lines),
        (discount.amount for discount in data.discounts),
        data.shipping_paid,
        data.tax,
    )


def order_columns(data: OrderData, total: Decimal | None = None) -> dict[str, Any]:
    """Column values of an order row for ``data`` (the create and the channel upsert share it);
    ``total`` is the one :func:`order_total_of` gave, when the caller already checked it."""
    weight_value, weight_unit = weight_columns(data.weight)
    return {
        "external_id": data.external_id or data.number,
        "number": data.number,
        "status": data.status.value,
        "placed_at": data.placed_at,
        "currency": data.currency.upper(),
        "customer_code": data.customer.code,
        "customer_name": data.customer.name,
        "customer_email": data.customer.email,
        "customer_phone": data.customer.phone,
        **address_columns("bill_to", data.bill_to),
        **address_columns("ship_to", data.ship_to),
        "payment_method": data.payment_method,
        "requested_shipping_service": data.requested_shipping_service,
        "shipping_paid": to_money(data.shipping_paid),
        "tax": to_money(data.tax),
        "total": total if total is not None else order_total_of(data),
        "gift": data.gift,
        "gift_message": data.gift_message,
        "customer_notes": data.customer_notes,
        "internal_notes": data.internal_notes,
        "weight_value": weight_value,
        "weight_unit": weight_unit,
        "fulfillment_source": data.fulfillment_source,
        "marketplace_order_id": data.marketplace_order_id,
    }
