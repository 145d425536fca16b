"""WooCommerce REST ``wc/v3`` JSON <-> Crossdock's DTOs: pure functions, no I/O.

Orders arrive as the ``GET /orders`` documents (``date_*_gmt`` times without an offset are
UTC); refunds in detail from ``GET /orders/{id}/refunds``. Shipments go out as a Shipment
Tracking item, an order note and the order's ``_crossdock_shipments`` meta (what shipped,
line by line, so partial shipments add up and a resend is recognised). Golden fixtures in
``tests/connectors/woocommerce/golden`` pin both directions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from crossdock.connectors.base import (
    ListingData,
    PulledOrder,
    ShipmentData,
    StockLevel,
    StockResult,
    ValidationError,
)
from crossdock.connectors.payload import amount, country, obj, objects, text
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

#: WooCommerce order statuses and the hub status each one means (``refunded`` orders will
#: not ship: they arrive cancelled, the refund itself in ``refunds``).
STATUSES: dict[str, OrderStatus] = {
    "pending": OrderStatus.UNPAID,
    "failed": OrderStatus.UNPAID,
    "checkout-draft": OrderStatus.UNPAID,
    "on-hold": OrderStatus.ON_HOLD,
    "processing": OrderStatus.PAID,
    "completed": OrderStatus.SHIPPED,
    "cancelled": OrderStatus.CANCELLED,
    "refunded": OrderStatus.CANCELLED,
}

#: The order meta key holding the shipments Crossdock recorded (a JSON list, as text).
SHIPMENTS_META = "_crossdock_shipments"

_UNITS: dict[str, WeightUnit] = {
    "g": WeightUnit.GRAM,
    "kg": WeightUnit.KILOGRAM,
    "oz": WeightUnit.OUNCE,
    "lbs": WeightUnit.POUND,
    "lb": WeightUnit.POUND,
}


def weight_unit(raw: str) -> WeightUnit:
    """The store's ``woocommerce_weight_unit`` setting as a unit."""
    unit = _UNITS.get(raw.strip().lower())
    if unit is None:
        raise ValidationError(f"weight unit {raw!r} is not g, kg, oz or lbs")
    return unit


def parse_gmt(raw: object, key: str) -> datetime:
    """A ``date_*_gmt`` value (ISO 8601 without an offset, meaning UTC) as aware UTC."""
    if not isinstance(raw, str) or not raw:
        raise ValidationError(f"{key} is missing")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValidationError(f"{key} is not an ISO 8601 time: {raw!r}") from error
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_gmt(value: datetime) -> str:
    """A time for ``modified_after`` with ``dates_are_gmt=true`` (whole seconds, UTC)."""
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat()


def _address(raw: Mapping[str, Any], key: str) -> Address:
    name = " ".join(part for part in (text(raw, "first_name"), text(raw, "last_name")) if part)
    return Address(
        name=name,
        company=text(raw, "company"),
        phone=text(raw, "phone"),
        email=text(raw, "email"),
        address1=text(raw, "address_1"),
        address2=text(raw, "address_2"),
        city=text(raw, "city"),
        state=text(raw, "state"),
        postal_code=text(raw, "postcode"),
        country=country(raw, "country", key),
    )


def _options(raw: Mapping[str, Any]) -> tuple[LineOption, ...]:
    """The variant options of a line: its visible meta (keys not starting with ``_``)."""
    options = []
    for meta in objects(raw, "meta_data"):
        key = text(meta, "key")
        value = meta.get("display_value", meta.get("value"))
        if not key or key.startswith("_") or not isinstance(value, str | int):
            continue
        options.append(LineOption(name=text(meta, "display_key") or key, value=str(value)))
    return tuple(options)


def _line(
    raw: Mapping[str, Any], index: int, weights: Mapping[str, Weight], location: str
) -> LineData:
    quantity = raw.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise ValidationError(f"line_items[{index}].quantity must be a positive integer")
    name = text(raw, "name")
    if not name:
        raise ValidationError(f"line_items[{index}].name is missing")
    product = product_key(text(raw, "product_id"), text(raw, "variation_id"))
    return LineData(
        sku=text(raw, "sku"),
        name=name,
        quantity=quantity,
        unit_price=amount(raw, "price", numbers=True),
        weight=weights.get(product) or weights.get(text(raw, "product_id")),
        image_url=text(obj(raw, "image"), "src"),
        options=_options(raw),
        location=location,
        external_id=text(raw, "id"),
    )


def product_key(product_id: str, variation_id: str) -> str:
    """A listing's id: ``"<product>"``, or ``"<product>/<variation>"`` for a variation."""
    return f"{product_id}/{variation_id}" if variation_id not in ("", "0") else product_id


def recorded_shipments(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The shipments Crossdock recorded on an order (its ``_crossdock_shipments`` meta)."""
    for meta in objects(payload, "meta_data"):
        if meta.get("key") != SHIPMENTS_META:
            continue
        raw = meta.get("value")
        try:
            found = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as error:
            raise ValidationError(f"{SHIPMENTS_META} is not JSON") from error
        if not isinstance(found, list) or not all(isinstance(item, dict) for item in found):
            raise ValidationError(f"{SHIPMENTS_META} is not a list of shipments")
        return found
    return []


def shipped_quantities(recorded: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    shipped: dict[str, int] = {}
    for shipment in recorded:
        lines = shipment.get("lines")
        for line_id, quantity in lines.items() if isinstance(lines, dict) else ():
            if isinstance(quantity, int) and not isinstance(quantity, bool):
                shipped[str(line_id)] = shipped.get(str(line_id), 0) + quantity
    return shipped


def _status(payload: Mapping[str, Any]) -> OrderStatus:
    raw = text(payload, "status")
    status = STATUSES.get(raw)
    if status is None:
        # Shops add their own statuses (plugins); one the hub cannot place is a problem.
        raise ValidationError(f"status {raw!r} is not a WooCommerce order status we know")
    if status == OrderStatus.PAID and shipped_quantities(recorded_shipments(payload)):
        return OrderStatus.PARTIALLY_SHIPPED
    return status


def parse_refund(raw: Mapping[str, Any], index: int) -> Refund:
    """One refund, from ``GET /orders/{id}/refunds`` (or the order's ``refunds`` summary)."""
    refund_id = text(raw, "id")
    if not refund_id:
        raise ValidationError(f"refunds[{index}].id is missing")
    total = amount(raw, "amount") if "amount" in raw else amount(raw, "total")
    lines = []
    for line in objects(raw, "line_items"):
        refunded_item = next(
            (
                text(meta, "value")
                for meta in objects(line, "meta_data")
                if meta.get("key") == "_refunded_item_id"
            ),
            "",
        )
        quantity = line.get("quantity")
        if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity:
            lines.append(RefundLine(refunded_item, text(line, "sku"), abs(quantity)))
    when = raw.get("date_created_gmt")
    return Refund(
        external_id=refund_id,
        amount=abs(total),
        reason=text(raw, "reason"),
        refunded_at=parse_gmt(when, f"refunds[{index}].date_created_gmt") if when else None,
        lines=tuple(lines),
    )


def parse_order(
    payload: Mapping[str, Any],
    *,
    refunds: Sequence[Mapping[str, Any]] | None = None,
    weights: Mapping[str, Weight] | None = None,
    location: str = "",
) -> OrderData:
    """One WooCommerce order as an :class:`OrderData`; raises :class:`ValidationError`.

    ``refunds`` are the order's refunds in detail (else the order's own summary is read);
    ``weights`` the product weights by :func:`product_key`; ``location`` the channel's
    location label, set on every line.
    """
    external_id = text(payload, "id")
    if not external_id:
        raise ValidationError("id is missing")
    status = _status(payload)
    currency = text(payload, "currency")
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(f"currency {currency!r} is not an ISO 4217 code")
    lines = tuple(
        _line(raw, index, weights or {}, location)
        for index, raw in enumerate(objects(payload, "line_items"))
    )
    if not lines:
        raise ValidationError("the order has no line items")
    billing = obj(payload, "billing")
    shipping = obj(payload, "shipping")
    bill_to = _address(billing, "billing")
    ship_to = _address(shipping, "shipping")
    customer_id = text(payload, "customer_id")
    methods = [text(line, "method_title") for line in objects(payload, "shipping_lines")]
    refund_documents = objects(payload, "refunds") if refunds is None else refunds
    modified = payload.get("date_modified_gmt")
    return OrderData(
        number=text(payload, "number") or external_id,
        external_id=external_id,
        status=status,
        placed_at=parse_gmt(payload.get("date_created_gmt"), "date_created_gmt"),
        currency=currency.upper(),
        customer=Customer(
            code=customer_id if customer_id not in ("", "0") else "",
            name=bill_to.name or ship_to.name,
            email=bill_to.email,
            phone=bill_to.phone,
        ),
        bill_to=bill_to,
        ship_to=ship_to,
        lines=lines,
        payment_method=text(payload, "payment_method_title") or text(payload, "payment_method"),
        requested_shipping_service=", ".join(method for method in methods if method),
        shipping_paid=amount(payload, "shipping_total"),
        tax=amount(payload, "total_tax"),
        discounts=tuple(
            Discount(
                code=text(coupon, "code"),
                description=f"Coupon {text(coupon, 'code')}",
                amount=amount(coupon, "discount"),
            )
            for coupon in objects(payload, "coupon_lines")
        ),
        customer_notes=text(payload, "customer_note"),
        weight=_total_weight(lines),
        marketplace_order_id=external_id,
        refunds=tuple(parse_refund(raw, index) for index, raw in enumerate(refund_documents)),
        cancelled_at=(
            parse_gmt(modified, "date_modified_gmt")
            if text(payload, "status") == "cancelled" and modified
            else None
        ),
        cancel_reason="refunded" if text(payload, "status") == "refunded" else "",
    )


def _total_weight(lines: Sequence[LineData]) -> Weight | None:
    """The order's weight when every line has one in one unit, else ``None``."""
    weights = [line.weight for line in lines]
    if not weights or any(weight is None for weight in weights):
        return None
    units = {weight.unit for weight in weights if weight is not None}
    if len(units) != 1:
        return None
    total = sum(
        (
            weight.value * line.quantity
            for weight, line in zip(weights, lines, strict=True)
            if weight
        ),
        Decimal(0),
    )
    return Weight(total, units.pop())


def order_updated_at(payload: Mapping[str, Any], index: int) -> tuple[str, datetime]:
    """An order's id and change time, without which a page itself is unreadable."""
    external_id = text(payload, "id")
    if not external_id:
        raise ValidationError(f"orders[{index}] has no id")
    return external_id, parse_gmt(
        payload.get("date_modified_gmt"), f"orders[{index}].date_modified_gmt"
    )


def pulled(
    payload: Mapping[str, Any],
    index: int,
    *,
    refunds: Sequence[Mapping[str, Any]] | None = None,
    weights: Mapping[str, Weight] | None = None,
    location: str = "",
) -> PulledOrder:
    """One order of a page: parsed, or a problem that never blocks the others."""
    external_id, updated_at = order_updated_at(payload, index)
    try:
        data = parse_order(payload, refunds=refunds, weights=weights, location=location)
    except ValidationError as error:
        return PulledOrder(external_id, updated_at, problem=str(error))
    return PulledOrder(external_id, updated_at, data=data)


def parse_weights(products: Sequence[Mapping[str, Any]], unit: WeightUnit) -> dict[str, Weight]:
    """Product (and variation) weights by :func:`product_key`; blank weights are skipped."""
    weights: dict[str, Weight] = {}
    for product in products:
        raw = text(product, "weight")
        if not raw.strip():
            continue
        key = (
            product_key(text(product, "parent_id"), text(product, "id"))
            if text(product, "parent_id") not in ("", "0")
            else text(product, "id")
        )
        try:
            weights[key] = Weight(amount(product, "weight"), unit)
        except ValueError:
            continue
    return weights


# ---------------------------------------------------------------------------------------------
# Shipments


def render_tracking(shipment: ShipmentData) -> dict[str, Any]:
    """The body of ``POST /wc-shipment-tracking/v3/orders/{id}/shipment-trackings``.

    A mapped carrier travels as ``tracking_provider`` (a provider name of the extension);
    an unmapped one (empty carrier: the spec's fallback) as a custom provider named after
    the carrier as reported, with the tracking URL as its link.
    """
    body: dict[str, Any] = {"tracking_number": shipment.tracking_number}
    if shipment.carrier:
        body["tracking_provider"] = shipment.carrier
    else:
        body["custom_tracking_provider"] = shipment.carrier_name or "Carrier"
        body["custom_tracking_link"] = shipment.tracking_url
    if shipment.ship_date is not None:
        body["date_shipped"] = shipment.ship_date.isoformat()
    return body


def render_note(shipment: ShipmentData, titles: Mapping[str, str]) -> dict[str, Any]:
    """The body of ``POST /orders/{id}/notes``: what shipped, by which carrier, how to track."""
    carrier = shipment.carrier or shipment.carrier_name or "the carrier"
    service = f" ({shipment.service})" if shipment.service else ""
    shipped = ", ".join(
        f"{line.quantity} × {titles.get(line.external_line_id) or line.sku}"
        for line in shipment.lines
    )
    parts = [f"Shipped {shipped} with {carrier}{service}, tracking {shipment.tracking_number}."]
    if shipment.tracking_url:
        parts.append(f"Track it: {shipment.tracking_url}")
    if shipment.note_to_buyer:
        parts.append(shipment.note_to_buyer)
    return {"note": " ".join(parts), "customer_note": shipment.notify_buyer}


def render_order_update(
    recorded: Sequence[Mapping[str, Any]],
    entry: Mapping[str, Any],
    ordered: Mapping[str, int],
    current_status: str,
) -> dict[str, Any]:
    """The body of ``PUT /orders/{id}``: the shipment added to the meta, and ``completed``
    when every line has now shipped in full."""
    shipments = [*recorded, entry]
    shipped = shipped_quantities(shipments)
    body: dict[str, Any] = {
        "meta_data": [
            {"key": SHIPMENTS_META, "value": json.dumps(shipments, separators=(",", ":"))}
        ]
    }
    complete = all(shipped.get(line_id, 0) >= quantity for line_id, quantity in ordered.items())
    if complete and current_status != "completed":
        body["status"] = "completed"
    return body


def shipment_entry(shipment: ShipmentData, key: str, tracking_id: str) -> dict[str, Any]:
    """What the meta records of one shipment: its key, tracking and shipped lines."""
    lines: dict[str, int] = {}
    for line in shipment.lines:
        lines[line.external_line_id] = lines.get(line.external_line_id, 0) + line.quantity
    return {
        "key": key,
        "tracking_number": shipment.tracking_number,
        "tracking_id": tracking_id,
        "carrier": shipment.carrier or shipment.carrier_name,
        "lines": lines,
    }


def ordered_quantities(payload: Mapping[str, Any]) -> dict[str, int]:
    ordered: dict[str, int] = {}
    for line in objects(payload, "line_items"):
        quantity = line.get("quantity")
        if isinstance(quantity, int) and not isinstance(quantity, bool):
            ordered[text(line, "id")] = quantity
    return ordered


def line_titles(payload: Mapping[str, Any]) -> dict[str, str]:
    return {text(line, "id"): text(line, "name") for line in objects(payload, "line_items")}


# ---------------------------------------------------------------------------------------------
# Stock and listings


def render_stock_batch(levels: Sequence[tuple[int, StockLevel]]) -> dict[str, Any]:
    """The body of ``POST /products/batch`` or ``/products/{id}/variations/batch``."""
    return {
        "update": [
            {"id": int(ref), "manage_stock": True, "stock_quantity": level.quantity}
            for ref, level in levels
        ]
    }


def parse_stock_batch(
    answer: Mapping[str, Any], levels: Sequence[tuple[int, StockLevel]]
) -> list[StockResult]:
    """One result per level from a batch answer's ``update`` list (matched by id)."""
    by_id: dict[str, Mapping[str, Any]] = {
        text(item, "id"): item for item in objects(answer, "update")
    }
    results = []
    for ref, level in levels:
        item = by_id.get(str(ref))
        error = obj(item, "error") if item is not None else {}
        if item is None or error:
            message = text(error, "message") if error else "the batch answer does not list it"
            results.append(
                StockResult(level.sku, level.external_id, ok=False, problem=message or "refused")
            )
            continue
        quantity = item.get("stock_quantity")
        results.append(
            StockResult(
                level.sku,
                level.external_id,
                ok=True,
                quantity=quantity if isinstance(quantity, int) else level.quantity,
            )
        )
    return results


def parse_listing(
    product: Mapping[str, Any], parent: Mapping[str, Any] | None = None
) -> ListingData | None:
    """A product or variation with a SKU as a listing (``None`` without a SKU)."""
    sku = text(product, "sku")
    if not sku:
        return None
    quantity = product.get("stock_quantity")
    if parent is None:
        external_id = text(product, "id")
        title = text(product, "name")
    else:
        external_id = product_key(text(parent, "id"), text(product, "id"))
        options = ", ".join(
            text(attribute, "option") for attribute in objects(product, "attributes")
        )
        title = f"{text(parent, 'name')} — {options}" if options else text(parent, "name")
    return ListingData(
        external_id=external_id,
        sku=sku,
        title=title,
        quantity=quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else 0,
        extra={"price": text(product, "price")},
    )
