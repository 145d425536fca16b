"""The sandbox marketplace's JSON <-> Crossdock's DTOs: pure functions, no I/O.

The sandbox speaks its own dialect on purpose (``line1``/``region``/``country_code``
addresses, coupons, a gift object, weights in g, kg, oz or lb) so the mapping does real
work, like a real marketplace's would. Golden fixtures in ``tests/connectors/golden``
pin both directions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from crossdock.connectors.base import (
    ListingData,
    OrderBatch,
    PulledOrder,
    PushResult,
    ShipmentData,
    StockLevel,
    ValidationError,
)
from crossdock.connectors.payload import amount as _amount
from crossdock.connectors.payload import country
from crossdock.connectors.payload import obj as _object
from crossdock.connectors.payload import objects as _list
from crossdock.connectors.payload import text as _text
from crossdock.core.dto import Address, Customer, Discount, LineData, LineOption, OrderData
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit

#: Sandbox order statuses and the hub status each one means.
STATUSES: dict[str, OrderStatus] = {
    "awaiting_payment": OrderStatus.UNPAID,
    "paid": OrderStatus.PAID,
    "partially_shipped": OrderStatus.PARTIALLY_SHIPPED,
    "shipped": OrderStatus.SHIPPED,
    "cancelled": OrderStatus.CANCELLED,
}

#: Carrier codes the sandbox accepts (case-sensitive, like most marketplaces).
CARRIERS = ("usps", "ups", "fedex", "dhl_express", "dhl_ecommerce", "other")
#: The sandbox's word for "a carrier not on our list" (then ``carrier_name`` is required).
OTHER_CARRIER = "other"

_UNITS: dict[str, WeightUnit] = {
    "g": WeightUnit.GRAM,
    "kg": WeightUnit.KILOGRAM,
    "oz": WeightUnit.OUNCE,
    "lb": WeightUnit.POUND,
}


def parse_timestamp(raw: object, key: str = "timestamp") -> datetime:
    """An ISO 8601 timestamp with an offset, as aware UTC."""
    if not isinstance(raw, str):
        raise ValidationError(f"{key} is missing")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if value.tzinfo is None:
            raise ValidationError(f"{key} has no UTC offset: {raw!r}")
        return value.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        # OverflowError: an offset that pushes the time out of datetime's range.
        raise ValidationError(f"{key} is not an ISO 8601 timestamp: {raw!r}") from error


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _weight(document: Mapping[str, Any], key: str) -> Weight | None:
    raw = _object(document, key)
    if not raw:
        return None
    unit = _UNITS.get(_text(raw, "unit").strip().lower())
    if unit is None:
        raise ValidationError(f"{key}.unit {raw.get('unit')!r} is not g, kg, oz or lb")
    try:
        return Weight(_amount(raw, "value"), unit)
    except ValueError as error:
        raise ValidationError(f"{key}: {error}") from error


def _address(raw: Mapping[str, Any], key: str) -> Address:
    return Address(
        name=_text(raw, "name"),
        company=_text(raw, "company"),
        phone=_text(raw, "phone"),
        email=_text(raw, "email"),
        address1=_text(raw, "line1"),
        address2=_text(raw, "line2"),
        city=_text(raw, "city"),
        state=_text(raw, "region"),
        postal_code=_text(raw, "postal_code"),
        country=country(raw, "country_code", key),
    )


def _line(raw: Mapping[str, Any], index: int) -> LineData:
    quantity = raw.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ValidationError(f"lines[{index}].quantity must be a positive integer")
    title = _text(raw, "title")
    if not title:
        raise ValidationError(f"lines[{index}].title is missing")
    return LineData(
        sku=_text(raw, "sku"),
        name=title,
        quantity=quantity,
        unit_price=_amount(raw, "unit_price"),
        weight=_weight(raw, "weight"),
        image_url=_text(raw, "image_url"),
        options=tuple(
            LineOption(name=_text(option, "name"), value=_text(option, "value"))
            for option in _list(raw, "options")
        ),
        location=_text(raw, "location"),
        external_id=_text(raw, "id"),
    )


def parse_order(payload: Mapping[str, Any]) -> OrderData:
    """One sandbox order as an :class:`OrderData`; raises :class:`ValidationError`."""
    external_id = _text(payload, "id")
    if not external_id:
        raise ValidationError("id is missing")
    status = STATUSES.get(_text(payload, "status"))
    if status is None:
        raise ValidationError(f"status {payload.get('status')!r} is unknown")
    currency = _text(payload, "currency")
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(f"currency {currency!r} is not an ISO 4217 code")
    lines = tuple(_line(raw, index) for index, raw in enumerate(_list(payload, "lines")))
    if not lines:
        raise ValidationError("the order has no lines")
    buyer = _object(payload, "buyer")
    gift = _object(payload, "gift")
    return OrderData(
        number=_text(payload, "number") or external_id,
        external_id=external_id,
        status=status,
        placed_at=parse_timestamp(payload.get("created_at"), "created_at"),
        currency=currency.upper(),
        customer=Customer(
            code=_text(buyer, "id"),
            name=_text(buyer, "name"),
            email=_text(buyer, "email"),
            phone=_text(buyer, "phone"),
        ),
        bill_to=_address(_object(payload, "billing_address"), "billing_address"),
        ship_to=_address(_object(payload, "shipping_address"), "shipping_address"),
        lines=lines,
        payment_method=_text(payload, "payment_method"),
        requested_shipping_service=_text(payload, "shipping_method"),
        shipping_paid=_amount(payload, "shipping_price"),
        tax=_amount(payload, "tax"),
        discounts=tuple(
            Discount(
                code=_text(coupon, "code"),
                description=_text(coupon, "description"),
                amount=_amount(coupon, "amount"),
            )
            for coupon in _list(payload, "coupons")
        ),
        gift=bool(gift.get("is_gift", False)),
        gift_message=_text(gift, "message"),
        customer_notes=_text(payload, "buyer_note"),
        internal_notes=_text(payload, "seller_note"),
        weight=_weight(payload, "total_weight"),
        marketplace_order_id=external_id,
    )


def parse_order_page(payload: Mapping[str, Any]) -> OrderBatch:
    """A page of ``GET /orders``: each order parsed alone, so one bad order is only a problem."""
    raw_orders = payload.get("orders")
    if not isinstance(raw_orders, list):
        raise ValidationError("orders page has no orders list")
    orders: list[PulledOrder] = []
    for index, raw in enumerate(raw_orders):
        if not isinstance(raw, Mapping):
            raise ValidationError(f"orders[{index}] is not an object")
        external_id = _text(raw, "id")
        # Without an id or a change time the page itself is unreadable, not just one order.
        if not external_id:
            raise ValidationError(f"orders[{index}] has no id")
        updated_at = parse_timestamp(raw.get("updated_at"), f"orders[{index}].updated_at")
        try:
            orders.append(PulledOrder(external_id, updated_at, data=parse_order(raw)))
        except ValidationError as error:
            orders.append(PulledOrder(external_id, updated_at, problem=str(error)))
    next_page = payload.get("next_page_token")
    if next_page is not None and not isinstance(next_page, str):
        raise ValidationError("next_page_token is not a string")
    return OrderBatch(orders=tuple(orders), next_page=next_page or None)


def render_shipment(shipment: ShipmentData) -> dict[str, Any]:
    """The body of ``POST /orders/{id}/shipments``."""
    return {
        "carrier": shipment.carrier,
        "carrier_name": shipment.carrier_name,
        "service": shipment.service,
        "tracking_number": shipment.tracking_number,
        "tracking_url": shipment.tracking_url,
        "shipped_on": shipment.ship_date.isoformat() if shipment.ship_date else None,
        "lines": [
            {"line_id": line.external_line_id, "quantity": line.quantity} for line in shipment.lines
        ],
        "note_to_buyer": shipment.note_to_buyer,
        "notify_buyer": shipment.notify_buyer,
    }


def parse_shipment(payload: Mapping[str, Any]) -> PushResult:
    """The answer to a shipment push: the sandbox's shipment id."""
    shipment_id = _text(payload, "id")
    if not shipment_id:
        raise ValidationError("shipment answer has no id")
    return PushResult(external_id=shipment_id)


def parse_shipment_list(payload: Mapping[str, Any]) -> tuple[PushResult, ...]:
    return tuple(parse_shipment(item) for item in _list(payload, "shipments"))


def render_stock(levels: Sequence[StockLevel]) -> dict[str, Any]:
    """The body of ``POST /stock``."""
    return {"items": [{"sku": level.sku, "quantity": level.quantity} for level in levels]}


def parse_listings(payload: Mapping[str, Any]) -> tuple[ListingData, ...]:
    listings = []
    for raw in _list(payload, "listings"):
        quantity = raw.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            raise ValidationError(f"listing {raw.get('id')!r} has no integer quantity")
        listings.append(
            ListingData(
                external_id=_text(raw, "id"),
                sku=_text(raw, "sku"),
                title=_text(raw, "title"),
                quantity=quantity,
                extra={"price": _text(raw, "price")},
            )
        )
    return tuple(listings)
