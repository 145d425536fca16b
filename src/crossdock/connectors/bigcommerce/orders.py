"""BigCommerce V2 orders → Crossdock's :class:`OrderData`: pure functions, no I/O.

An order comes in four answers: the order itself (``GET /v2/orders``), its products, its
shipping addresses and its coupons. :class:`OrderParts` holds them together with what the
store says once (its weight unit) and what the catalog adds (variant images), and
:func:`parse_order` maps every feature the hub keeps. Golden fixtures in
``tests/connectors/bigcommerce/golden`` pin the mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from crossdock.connectors import payload
from crossdock.connectors.base import ValidationError
from crossdock.connectors.bigcommerce import wire
from crossdock.connectors.bigcommerce.wire import Document
from crossdock.core.dto import (
    Address,
    Customer,
    Discount,
    LineData,
    LineOption,
    OrderData,
    Refund,
    RefundLine,
)
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit

#: BigCommerce's fixed order statuses (``status_id``) and the hub status each one means.
#: Refunded and declined orders will not ship, so they close like cancelled ones; a
#: partial refund leaves the rest to ship.
STATUSES: dict[int, OrderStatus] = {
    0: OrderStatus.UNPAID,  # Incomplete
    1: OrderStatus.UNPAID,  # Pending
    2: OrderStatus.SHIPPED,  # Shipped
    3: OrderStatus.PARTIALLY_SHIPPED,  # Partially Shipped
    4: OrderStatus.CANCELLED,  # Refunded
    5: OrderStatus.CANCELLED,  # Cancelled
    6: OrderStatus.CANCELLED,  # Declined
    7: OrderStatus.UNPAID,  # Awaiting Payment
    8: OrderStatus.PAID,  # Awaiting Pickup
    9: OrderStatus.PAID,  # Awaiting Shipment
    10: OrderStatus.SHIPPED,  # Completed
    11: OrderStatus.PAID,  # Awaiting Fulfillment
    12: OrderStatus.ON_HOLD,  # Manual Verification Required
    13: OrderStatus.ON_HOLD,  # Disputed
    14: OrderStatus.PAID,  # Partially Refunded
}
#: Statuses that end an order unshipped, and the reason the hub records for each.
CANCEL_REASONS: dict[int, str] = {4: "Refunded", 5: "Cancelled", 6: "Declined"}

#: The store's ``weight_units`` (``GET /v2/store``) and what one unit is in the hub's units.
WEIGHT_UNITS: dict[str, tuple[WeightUnit, Decimal]] = {
    "lbs": (WeightUnit.POUND, Decimal(1)),
    "pounds": (WeightUnit.POUND, Decimal(1)),
    "ounces": (WeightUnit.OUNCE, Decimal(1)),
    "oz": (WeightUnit.OUNCE, Decimal(1)),
    "kgs": (WeightUnit.KILOGRAM, Decimal(1)),
    "kilograms": (WeightUnit.KILOGRAM, Decimal(1)),
    "grams": (WeightUnit.GRAM, Decimal(1)),
    "g": (WeightUnit.GRAM, Decimal(1)),
    "tonnes": (WeightUnit.KILOGRAM, Decimal(1000)),
}
#: Line types that never go into a parcel.
UNSHIPPABLE_TYPES = frozenset({"digital", "giftcertificate"})


@dataclass(frozen=True, slots=True)
class OrderParts:
    """One order's answers, read together; ``images`` maps a variant id to its image URL."""

    order: Document
    products: Sequence[Document] = ()
    shipping_addresses: Sequence[Document] = ()
    coupons: Sequence[Document] = ()
    weight_unit: str = "LBS"
    images: Mapping[int, str] = field(default_factory=dict)
    #: The order's refunds from the V3 payment actions API (``None``: not read).
    refunds: Sequence[Document] | None = None


def weight_unit(store: Document) -> str:
    """The store's weight unit from ``GET /v2/store``; an unknown one is named."""
    unit = wire.text(store, "weight_units")
    if unit.strip().casefold() not in WEIGHT_UNITS:
        raise ValidationError(f"store weight_units {unit!r} is not one Crossdock knows")
    return unit


def _weight(raw: Document, unit: str, where: str) -> Weight | None:
    value = wire.decimal(raw, "weight", where)
    if value is None or value == 0:
        return None
    hub_unit, factor = WEIGHT_UNITS.get(unit.strip().casefold(), (WeightUnit.POUND, Decimal(1)))
    return Weight(value * factor, hub_unit)


def _address(raw: Document, where: str) -> Address:
    return Address(
        name=" ".join(
            part for part in (wire.text(raw, "first_name"), wire.text(raw, "last_name")) if part
        ),
        company=wire.text(raw, "company"),
        phone=wire.text(raw, "phone"),
        email=wire.text(raw, "email"),
        address1=wire.text(raw, "street_1"),
        address2=wire.text(raw, "street_2"),
        city=wire.text(raw, "city"),
        state=wire.text(raw, "state"),
        postal_code=wire.text(raw, "zip"),
        country=payload.country(raw, "country_iso2", where.rstrip(".")),
    )


def _options(raw: Document, where: str) -> tuple[LineOption, ...]:
    options = [
        LineOption(
            name=wire.text(option, "display_name") or wire.text(option, "name"),
            value=wire.text(option, "display_value") or wire.text(option, "value"),
        )
        for option in wire.objects(raw, "product_options", where)
    ]
    wrapping = wire.text(raw, "wrapping_name")
    if wrapping:
        options.append(LineOption(name="Gift wrapping", value=wrapping))
    return tuple(options)


def _line(raw: Document, parts: OrderParts, index: int) -> LineData:
    where = f"products[{index}]."
    quantity = wire.integer(raw, "quantity", where)
    if quantity < 1:
        raise ValidationError(f"{where}quantity must be at least 1, got {quantity}")
    name = wire.text(raw, "name")
    if not name:
        raise ValidationError(f"{where}name is missing")
    variant = wire.optional_integer(raw, "variant_id", where)
    return LineData(
        sku=wire.text(raw, "sku"),
        name=name,
        quantity=quantity,
        unit_price=wire.amount(raw, "price_ex_tax", where),
        weight=_weight(raw, parts.weight_unit, where),
        image_url=parts.images.get(variant, "") if variant is not None else "",
        options=_options(raw, where),
        location=wire.text(raw, "bin_picking_number"),
        external_id=str(wire.integer(raw, "id", where)),
        upc=wire.text(raw, "upc"),
    )


def _discounts(parts: OrderParts) -> tuple[Discount, ...]:
    found = [
        Discount(
            code=wire.text(coupon, "code"),
            description="Coupon",
            amount=wire.amount(coupon, "discount", f"coupons[{index}]."),
        )
        for index, coupon in enumerate(parts.coupons)
    ]
    manual = wire.amount(parts.order, "discount_amount")
    if manual:
        found.append(Discount(code="", description="Discount", amount=manual))
    return tuple(found)


def _gift_message(products: Sequence[Document]) -> str:
    messages = [wire.text(raw, "wrapping_message").strip() for raw in products]
    return "\n".join(dict.fromkeys(message for message in messages if message))


def status_of(order: Document) -> OrderStatus:
    """The hub status of an order; an archived (deleted) order will not ship: cancelled."""
    status_id = wire.integer(order, "status_id")
    status = STATUSES.get(status_id)
    if status is None:
        raise ValidationError(f"status_id {status_id} is not a BigCommerce order status")
    return OrderStatus.CANCELLED if order.get("is_deleted") is True else status


def _refund(raw: Document, index: int) -> Refund:
    """One refund of ``GET /v3/orders/{id}/payment_actions/refunds``."""
    where = f"refunds[{index}]."
    lines = tuple(
        RefundLine(
            str(wire.integer(item, "item_id", where)), "", wire.integer(item, "quantity", where)
        )
        for item in wire.objects(raw, "items", where)
        if item.get("item_type") == "PRODUCT" and item.get("quantity")
    )
    created = raw.get("created")
    return Refund(
        external_id=str(wire.integer(raw, "id", where)),
        amount=wire.amount(raw, "total_amount", where),
        reason=wire.text(raw, "reason", where),
        refunded_at=wire.parse_date(created, f"{where}created") if created else None,
        lines=lines,
    )


def parse_refunds(parts: OrderParts) -> tuple[Refund, ...]:
    """The merchant's refunds: one by one when they were read, else the refunded total.

    ``parts.refunds`` holds the V3 payment actions' refunds (``None`` when they could not
    be read). Without them the order's ``refunded_amount`` and its products'
    ``quantity_refunded`` travel as one refund whose id stays the same while it grows, so
    only the first refunded total reaches the hub.
    """
    if parts.refunds:
        return tuple(_refund(raw, index) for index, raw in enumerate(parts.refunds))
    amount = wire.amount(parts.order, "refunded_amount")
    if not amount:
        return ()
    lines = []
    for index, raw in enumerate(parts.products):
        quantity = int(wire.decimal(raw, "quantity_refunded", f"products[{index}].") or 0)
        if quantity:
            lines.append(RefundLine(str(wire.integer(raw, "id")), wire.text(raw, "sku"), quantity))
    order_id = wire.integer(parts.order, "id")
    return (Refund(external_id=f"{order_id}-refunded", amount=amount, lines=tuple(lines)),)


def parse_order(parts: OrderParts) -> OrderData:
    """One BigCommerce order as an :class:`OrderData`; raises :class:`ValidationError`."""
    order = parts.order
    external_id = str(wire.integer(order, "id"))
    currency = wire.text(order, "currency_code").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(f"currency_code {currency!r} is not an ISO 4217 code")
    shippable = [
        (index, raw)
        for index, raw in enumerate(parts.products)
        if wire.text(raw, "type") not in UNSHIPPABLE_TYPES
    ]
    lines = tuple(_line(raw, parts, index) for index, raw in shippable)
    if not lines:
        raise ValidationError("the order has nothing to ship (no physical products)")
    billing = order.get("billing_address")
    if not isinstance(billing, Mapping):
        raise ValidationError("billing_address is missing")
    bill_to = _address(billing, "billing_address.")
    first = parts.shipping_addresses[0] if parts.shipping_addresses else None
    ship_to = _address(first, "shipping_addresses[0].") if first is not None else bill_to
    customer_id = wire.optional_integer(order, "customer_id") or 0
    gift_message = _gift_message([raw for _, raw in shippable])
    extra: dict[str, str] = {}
    status_id = wire.integer(order, "status_id")
    cancel_reason = "Archived" if order.get("is_deleted") is True else ""
    cancel_reason = cancel_reason or CANCEL_REASONS.get(status_id, "")
    if len(parts.shipping_addresses) > 1:
        extra["shipping_addresses"] = str(len(parts.shipping_addresses))
    return OrderData(
        number=external_id,
        external_id=external_id,
        status=status_of(order),
        placed_at=wire.parse_date(order.get("date_created"), "date_created"),
        currency=currency,
        customer=Customer(
            code=str(customer_id) if customer_id else "",
            name=bill_to.name,
            email=bill_to.email,
            phone=bill_to.phone,
        ),
        bill_to=bill_to,
        ship_to=ship_to,
        lines=lines,
        payment_method=wire.text(order, "payment_method"),
        requested_shipping_service=wire.text(first, "shipping_method") if first else "",
        shipping_paid=wire.amount(order, "shipping_cost_ex_tax"),
        tax=wire.amount(order, "total_tax"),
        discounts=_discounts(parts),
        gift=bool(gift_message) or any(wire.text(raw, "wrapping_name") for _, raw in shippable),
        gift_message=gift_message,
        customer_notes=wire.text(order, "customer_message"),
        internal_notes=wire.text(order, "staff_notes"),
        extra=extra,
        refunds=parse_refunds(parts),
        cancelled_at=(
            wire.parse_date(order.get("date_modified"), "date_modified") if cancel_reason else None
        ),
        cancel_reason=cancel_reason,
    )
