"""Shopify Admin GraphQL answers <-> Crossdock's DTOs: pure functions, no I/O.

Golden fixtures in ``tests/connectors/shopify/golden`` pin each direction, and a contract
test checks every fixture is a possible answer to the document it stands for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from crossdock.connectors.base import (
    ListingData,
    PulledOrder,
    PushResult,
    ShipmentData,
    ShippedLine,
    ValidationError,
)
from crossdock.connectors.payload import amount as _amount
from crossdock.connectors.payload import obj as _object
from crossdock.connectors.payload import objects as _list
from crossdock.connectors.payload import text as _text
from crossdock.connectors.shopify.queries import ORDER_LINES
from crossdock.core.countries import country_problem
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

#: Shopify's word for a carrier not on its list; the carrier's own name then travels.
OTHER_CARRIER = "Other"

_UNITS: dict[str, WeightUnit] = {
    "GRAMS": WeightUnit.GRAM,
    "KILOGRAMS": WeightUnit.KILOGRAM,
    "OUNCES": WeightUnit.OUNCE,
    "POUNDS": WeightUnit.POUND,
}

#: ``displayFinancialStatus`` → hub status, for an order neither cancelled nor shipped.
#: Authorised payments count as paid (captured when shipped, as Shopify shops usually do);
#: a fully refunded order is held so nobody ships what was paid back.
_FINANCIAL: dict[str, OrderStatus] = {
    "PAID": OrderStatus.PAID,
    "AUTHORIZED": OrderStatus.PAID,
    "PARTIALLY_REFUNDED": OrderStatus.PAID,
    "PENDING": OrderStatus.UNPAID,
    "PARTIALLY_PAID": OrderStatus.UNPAID,
    "EXPIRED": OrderStatus.UNPAID,
    "VOIDED": OrderStatus.UNPAID,
    "REFUNDED": OrderStatus.ON_HOLD,
}

#: What a discount application is called when it has no title (a code has none).
_DISCOUNT_KINDS: dict[str, str] = {
    "DiscountCodeApplication": "discount code",
    "AutomaticDiscountApplication": "automatic discount",
    "ManualDiscountApplication": "manual discount",
    "ScriptDiscountApplication": "script discount",
}

#: Fulfilment order statuses that can still take a fulfilment.
OPEN_FULFILLMENT_ORDER = frozenset({"OPEN", "IN_PROGRESS"})

# ---------------------------------------------------------------------------------------------
# Reading values


def _nodes(document: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
    """The ``nodes`` of a connection field."""
    return _list(_object(document, key), "nodes")


def _strings(document: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = document.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(f"{key} is not a list of strings")
    return tuple(value)


def _integer(document: Mapping[str, Any], key: str) -> int:
    value = document.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"{key} is not an integer")
    return value


def _money(document: Mapping[str, Any], key: str) -> Decimal:
    """The shop-currency amount of a ``MoneyBag`` field (0 when absent)."""
    bag = _object(document, key)
    if not bag:
        return Decimal("0.00")
    try:
        return _amount(_object(bag, "shopMoney"), "amount")
    except ValidationError as error:
        raise ValidationError(f"{key}.shopMoney.{error}") from error


def parse_timestamp(raw: object, key: str = "timestamp") -> datetime:
    """A GraphQL ``DateTime`` (ISO 8601 with an offset) as aware UTC."""
    if not isinstance(raw, str):
        raise ValidationError(f"{key} is missing")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError) as error:
        raise ValidationError(f"{key} is not an ISO 8601 timestamp: {raw!r:.40}") from error
    if value.tzinfo is None:
        raise ValidationError(f"{key} has no UTC offset: {raw!r:.40}")
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValidationError(f"{key} is out of range: {raw!r:.40}") from error


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def orders_search(since: datetime | None) -> str | None:
    """The ``query`` argument of ``orders``: changed at or after ``since``."""
    if since is None:
        return None
    return f"updated_at:>='{format_timestamp(since)}'"


# ---------------------------------------------------------------------------------------------
# Orders


def _address(raw: Mapping[str, Any], key: str) -> Address:
    if not raw:
        return Address()
    country = _text(raw, "countryCodeV2")
    problem = country_problem(country) if country else ""
    if problem:
        raise ValidationError(f"{key}.countryCodeV2: {problem}")
    return Address(
        name=_text(raw, "name"),
        company=_text(raw, "company"),
        phone=_text(raw, "phone"),
        address1=_text(raw, "address1"),
        address2=_text(raw, "address2"),
        city=_text(raw, "city"),
        state=_text(raw, "provinceCode") or _text(raw, "province"),
        postal_code=_text(raw, "zip"),
        country=country.upper(),
    )


def _weight(raw: Mapping[str, Any], key: str) -> Weight | None:
    if not raw:
        return None
    unit = _UNITS.get(_text(raw, "unit"))
    if unit is None:
        raise ValidationError(f"{key}.unit {raw.get('unit')!r:.20} is not a Shopify weight unit")
    try:
        return Weight(_amount(raw, "value", numbers=True), unit)
    except ValidationError as error:
        raise ValidationError(f"{key}.{error}") from error
    except ValueError as error:
        raise ValidationError(f"{key}: {error}") from error


def _line_locations(order: Mapping[str, Any]) -> dict[str, str]:
    """Line item id → the name of the location its fulfilment order is assigned to."""
    where: dict[str, str] = {}
    for fulfillment_order in _nodes(order, "fulfillmentOrders"):
        name = _text(_object(fulfillment_order, "assignedLocation"), "name")
        for item in _nodes(fulfillment_order, "lineItems"):
            line_id = _text(_object(item, "lineItem"), "id")
            if line_id and name:
                where.setdefault(line_id, name)
    return where


def _line(raw: Mapping[str, Any], index: int, where: Mapping[str, str]) -> LineData:
    key = f"lineItems[{index}]"
    quantity = _integer(raw, "currentQuantity") if "currentQuantity" in raw else 0
    if quantity <= 0:
        # Removed or fully refunded: the ordered quantity stands (the order says why).
        quantity = _integer(raw, "quantity")
    if quantity < 1:
        raise ValidationError(f"{key}.quantity must be a positive integer")
    name = _text(raw, "name")
    if not name:
        raise ValidationError(f"{key}.name is missing")
    variant = _object(raw, "variant")
    measurement = _object(_object(variant, "inventoryItem"), "measurement")
    line_id = _text(raw, "id")
    return LineData(
        sku=_text(raw, "sku"),
        name=name,
        quantity=quantity,
        unit_price=_money(raw, "originalUnitPriceSet"),
        weight=_weight(_object(measurement, "weight"), f"{key}.weight"),
        image_url=_text(_object(raw, "image"), "url"),
        options=tuple(
            LineOption(name=_text(option, "name"), value=_text(option, "value"))
            for option in _list(variant, "selectedOptions")
            # A product without options has one variant called "Default Title".
            if not (option.get("name") == "Title" and option.get("value") == "Default Title")
        ),
        location=where.get(line_id, ""),
        external_id=line_id,
        upc=_text(variant, "barcode"),
    )


def _discounts(order: Mapping[str, Any]) -> tuple[Discount, ...]:
    """Each discount application with what it took off lines and shipping, in order."""
    taken: dict[int, Decimal] = {}
    allocated = [
        *(a for line in _nodes(order, "lineItems") for a in _list(line, "discountAllocations")),
        *(a for ship in _nodes(order, "shippingLines") for a in _list(ship, "discountAllocations")),
    ]
    for allocation in allocated:
        index = _integer(_object(allocation, "discountApplication"), "index")
        taken[index] = taken.get(index, Decimal("0")) + _money(allocation, "allocatedAmountSet")
    discounts = []
    for application in _nodes(order, "discountApplications"):
        index = _integer(application, "index")
        code = _text(application, "code")
        title = _text(application, "title")
        detail = _text(application, "description")
        kind = _DISCOUNT_KINDS.get(_text(application, "__typename"), "discount")
        description = (f"{title} ({detail})" if detail else title) if title else kind
        discounts.append(
            Discount(code=code, description=description, amount=taken.get(index, Decimal("0")))
        )
    return tuple(discounts)


def _status(order: Mapping[str, Any]) -> OrderStatus:
    if order.get("cancelledAt"):
        return OrderStatus.CANCELLED
    fulfilment = _text(order, "displayFulfillmentStatus")
    if fulfilment == "FULFILLED":
        return OrderStatus.SHIPPED
    if fulfilment == "PARTIALLY_FULFILLED":
        return OrderStatus.PARTIALLY_SHIPPED
    if fulfilment == "ON_HOLD":
        return OrderStatus.ON_HOLD
    financial = _text(order, "displayFinancialStatus")
    status = _FINANCIAL.get(financial)
    if status is None:
        raise ValidationError(f"displayFinancialStatus {financial!r:.30} is unknown")
    return status


def _refunds(order: Mapping[str, Any]) -> tuple[Refund, ...]:
    """Each refund Shopify recorded, oldest first, with the lines it names."""
    refunds = [
        Refund(
            external_id=_text(raw, "id"),
            amount=_money(raw, "totalRefundedSet"),
            reason=_text(raw, "note"),
            refunded_at=(
                parse_timestamp(raw["createdAt"], f"refunds[{index}].createdAt")
                if raw.get("createdAt")
                else None
            ),
            lines=tuple(
                RefundLine(
                    external_line_id=_text(_object(item, "lineItem"), "id"),
                    sku=_text(_object(item, "lineItem"), "sku"),
                    quantity=_integer(item, "quantity"),
                )
                for item in _nodes(raw, "refundLineItems")
            ),
        )
        for index, raw in enumerate(_list(order, "refunds"))
    ]
    return tuple(
        sorted(refunds, key=lambda refund: refund.refunded_at or datetime.min.replace(tzinfo=UTC))
    )


def parse_order(order: Mapping[str, Any]) -> OrderData:
    """One Shopify ``Order`` as an :class:`OrderData`; raises :class:`ValidationError`."""
    external_id = _text(order, "id")
    if not external_id:
        raise ValidationError("id is missing")
    currency = _text(order, "currencyCode")
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(f"currencyCode {currency!r:.10} is not an ISO 4217 code")
    if _object(_object(order, "lineItems"), "pageInfo").get("hasNextPage") is True:
        raise ValidationError(
            f"the order has more than {ORDER_LINES} lines, more than Crossdock reads from Shopify"
        )
    where = _line_locations(order)
    lines = tuple(_line(raw, i, where) for i, raw in enumerate(_nodes(order, "lineItems")))
    if not lines:
        raise ValidationError("the order has no line items")
    customer = _object(order, "customer")
    ship_to = _address(_object(order, "shippingAddress"), "shippingAddress")
    name = _text(order, "name")
    extra: dict[str, str] = {}
    if _text(order, "sourceName"):
        extra["source_name"] = _text(order, "sourceName")
    if order.get("test") is True:
        extra["test"] = "true"
    for attribute in _list(order, "customAttributes"):
        extra[f"attribute:{_text(attribute, 'key')}"] = _text(attribute, "value")
    return OrderData(
        number=name.removeprefix("#") or external_id,
        external_id=external_id,
        status=_status(order),
        placed_at=parse_timestamp(order.get("createdAt"), "createdAt"),
        currency=currency.upper(),
        customer=Customer(
            code=_text(customer, "id"),
            name=_text(customer, "displayName"),
            email=_text(order, "email"),
            phone=_text(order, "phone") or _text(customer, "phone") or ship_to.phone,
        ),
        bill_to=_address(_object(order, "billingAddress"), "billingAddress"),
        ship_to=ship_to,
        lines=lines,
        payment_method=", ".join(_strings(order, "paymentGatewayNames")),
        requested_shipping_service=", ".join(
            _text(line, "title") for line in _nodes(order, "shippingLines") if line.get("title")
        ),
        shipping_paid=_money(order, "totalShippingPriceSet"),
        tax=_money(order, "currentTotalTaxSet"),
        discounts=_discounts(order),
        customer_notes=_text(order, "note"),
        internal_notes=", ".join(_strings(order, "tags")),
        weight=(
            Weight(Decimal(_integer(order, "totalWeight")), WeightUnit.GRAM)
            if order.get("totalWeight") is not None
            else None
        ),
        marketplace_order_id=name,
        extra=extra,
        refunds=_refunds(order),
        cancelled_at=(
            parse_timestamp(order["cancelledAt"], "cancelledAt")
            if order.get("cancelledAt")
            else None
        ),
        cancel_reason=_text(order, "cancelReason").lower(),
    )


def pulled_order(order: Mapping[str, Any], where: str) -> PulledOrder:
    """One order of a page: parsed, or recorded with its problem (never blocking the page)."""
    external_id = _text(order, "id")
    if not external_id:
        raise ValidationError(f"{where} has no id")
    updated_at = parse_timestamp(order.get("updatedAt"), f"{where}.updatedAt")
    try:
        return PulledOrder(external_id, updated_at, data=parse_order(order))
    except ValidationError as error:
        return PulledOrder(external_id, updated_at, problem=str(error))


@dataclass(frozen=True, slots=True)
class ChangedOrder:
    external_id: str
    updated_at: datetime


def parse_changed_orders(data: Mapping[str, Any]) -> tuple[tuple[ChangedOrder, ...], str | None]:
    """The ``data`` of the ``orders`` change list: ids, change times and the next cursor.

    Without an id or a change time the page itself is unreadable, not just one order.
    """
    connection = _object(data, "orders")
    if "nodes" not in connection:
        raise ValidationError("orders answer has no nodes")
    changed = []
    for index, raw in enumerate(_list(connection, "nodes")):
        external_id = _text(raw, "id")
        if not external_id:
            raise ValidationError(f"orders[{index}] has no id")
        changed.append(
            ChangedOrder(
                external_id, parse_timestamp(raw.get("updatedAt"), f"orders[{index}].updatedAt")
            )
        )
    page_info = _object(connection, "pageInfo")
    next_page = _text(page_info, "endCursor") if page_info.get("hasNextPage") is True else ""
    return tuple(changed), next_page or None


# ---------------------------------------------------------------------------------------------
# Shipments


@dataclass(frozen=True, slots=True)
class FulfillmentOrderLine:
    """One line of a fulfilment order: its id, the order line it holds and what remains."""

    id: str
    line_item_id: str
    sku: str
    remaining: int


@dataclass(frozen=True, slots=True)
class FulfillmentOrder:
    id: str
    location_id: str
    lines: tuple[FulfillmentOrderLine, ...]


@dataclass(frozen=True, slots=True)
class OrderFulfilments:
    """What a shipment needs from an order: open fulfilment orders and sent fulfilments."""

    order_id: str
    open_orders: tuple[FulfillmentOrder, ...]
    #: Tracking number → id of the fulfilment that carries it.
    tracked: Mapping[str, str]
    fully_fulfilled: bool


def parse_fulfillment_orders(data: Mapping[str, Any], order_id: str) -> OrderFulfilments:
    """The ``data`` of the ``FULFILLMENT_ORDERS`` query."""
    order = _object(data, "order")
    if not order:
        raise ValidationError(f"Shopify has no order {order_id}")
    tracked: dict[str, str] = {}
    for fulfillment in _list(order, "fulfillments"):
        for info in _list(fulfillment, "trackingInfo"):
            number = _text(info, "number")
            if number:
                tracked.setdefault(number, _text(fulfillment, "id"))
    open_orders = []
    for raw in _nodes(order, "fulfillmentOrders"):
        actions = {_text(action, "action") for action in _list(raw, "supportedActions")}
        if (
            _text(raw, "status") not in OPEN_FULFILLMENT_ORDER
            or "CREATE_FULFILLMENT" not in actions
        ):
            continue
        open_orders.append(
            FulfillmentOrder(
                id=_text(raw, "id"),
                location_id=_text(_object(_object(raw, "assignedLocation"), "location"), "id"),
                lines=tuple(
                    FulfillmentOrderLine(
                        id=_text(item, "id"),
                        line_item_id=_text(_object(item, "lineItem"), "id"),
                        sku=_text(_object(item, "lineItem"), "sku"),
                        remaining=_integer(item, "remainingQuantity"),
                    )
                    for item in _nodes(raw, "lineItems")
                ),
            )
        )
    return OrderFulfilments(
        order_id=_text(order, "id") or order_id,
        open_orders=tuple(open_orders),
        tracked=tracked,
        fully_fulfilled=_text(order, "displayFulfillmentStatus") == "FULFILLED",
    )


def _wanted(line: ShippedLine, candidate: FulfillmentOrderLine) -> bool:
    if line.external_line_id:
        return candidate.line_item_id == line.external_line_id
    return bool(line.sku) and candidate.sku == line.sku


def allocate(
    lines: Sequence[ShippedLine], open_orders: Sequence[FulfillmentOrder]
) -> dict[str, list[tuple[FulfillmentOrder, list[tuple[str, int]]]]]:
    """The shipped lines spread over open fulfilment orders, grouped by location.

    Each shipped quantity is taken from the fulfilment order lines holding that order line,
    in order, up to what remains on each. No lines: everything that remains ships. A line
    nothing remains for is skipped (it shipped already); what cannot be placed at all
    raises :class:`ValidationError` naming the line.
    """
    plan: dict[str, dict[str, tuple[FulfillmentOrder, list[tuple[str, int]]]]] = {}

    def take(fulfillment_order: FulfillmentOrder, line_id: str, quantity: int) -> None:
        by_order = plan.setdefault(fulfillment_order.location_id, {})
        entry = by_order.setdefault(fulfillment_order.id, (fulfillment_order, []))
        entry[1].append((line_id, quantity))

    if not lines:
        for fulfillment_order in open_orders:
            for candidate in fulfillment_order.lines:
                if candidate.remaining > 0:
                    take(fulfillment_order, candidate.id, candidate.remaining)
    for line in lines:
        missing = line.quantity
        known = False
        for fulfillment_order in open_orders:
            for candidate in fulfillment_order.lines:
                if missing <= 0 or not _wanted(line, candidate):
                    continue
                known = True
                quantity = min(missing, candidate.remaining)
                if quantity > 0:
                    take(fulfillment_order, candidate.id, quantity)
                    missing -= quantity
        if not known and line.quantity > 0:
            raise ValidationError(
                f"line {line.external_line_id or line.sku!r} is not open for fulfilment on Shopify"
            )
    return {location: list(orders.values()) for location, orders in plan.items()}


def tracking_company(shipment: ShipmentData) -> str | None:
    """Shopify's ``trackingInfo.company``: its own carrier name, or the carrier as reported.

    Shopify takes any text as company; a name it knows gets its tracking link, any other
    shows as given and links to the ``url`` we send. With no name at all, none is sent.
    """
    if shipment.carrier == OTHER_CARRIER or not shipment.carrier:
        return shipment.carrier_name or None
    return shipment.carrier


def render_fulfillment(
    shipment: ShipmentData, groups: Sequence[tuple[FulfillmentOrder, list[tuple[str, int]]]]
) -> dict[str, Any]:
    """The ``FulfillmentInput`` for the fulfilment orders of one location."""
    tracking: dict[str, Any] = {"number": shipment.tracking_number}
    company = tracking_company(shipment)
    if company:
        tracking["company"] = company
    if shipment.tracking_url:
        tracking["url"] = shipment.tracking_url
    return {
        "notifyCustomer": shipment.notify_buyer,
        "trackingInfo": tracking,
        "lineItemsByFulfillmentOrder": [
            {
                "fulfillmentOrderId": fulfillment_order.id,
                "fulfillmentOrderLineItems": [
                    {"id": line_id, "quantity": quantity} for line_id, quantity in items
                ],
            }
            for fulfillment_order, items in groups
        ],
    }


def user_errors(payload: Mapping[str, Any]) -> str:
    """Shopify's ``userErrors`` of a mutation payload as one message ("" when none)."""
    messages = []
    for error in _list(payload, "userErrors"):
        field = ".".join(str(part) for part in error.get("field") or ())
        message = _text(error, "message")
        messages.append(f"{field}: {message}" if field else message)
    return "; ".join(messages)


def parse_fulfillment_created(data: Mapping[str, Any]) -> str:
    """The id of the fulfilment ``fulfillmentCreate`` made; its userErrors raise."""
    payload = _object(data, "fulfillmentCreate")
    problem = user_errors(payload)
    if problem:
        raise ValidationError(f"Shopify refused the fulfilment: {problem}")
    fulfillment_id = _text(_object(payload, "fulfillment"), "id")
    if not fulfillment_id:
        raise ValidationError("Shopify answered fulfillmentCreate without a fulfilment")
    return fulfillment_id


#: The metafield namespace of what Crossdock remembers on an order.
METAFIELD_NAMESPACE = "crossdock"


def shipment_key(idempotency_key: str) -> str:
    """The metafield key for a shipment's idempotency key (Shopify allows 64 of [a-z0-9_-])."""
    return "shipment-" + hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]


def shipment_metafield(order_id: str, idempotency_key: str, result: PushResult) -> dict[str, str]:
    """The ``MetafieldsSetInput`` remembering a shipment on its order."""
    return {
        "ownerId": order_id,
        "namespace": METAFIELD_NAMESPACE,
        "key": shipment_key(idempotency_key),
        "type": "single_line_text_field",
        "value": result.external_id,
    }


def parse_shipment_record(data: Mapping[str, Any]) -> PushResult | None:
    """The shipment remembered on an order under a key, if any."""
    value = _text(_object(_object(data, "order"), "metafield"), "value")
    return PushResult(external_id=value) if value else None


# ---------------------------------------------------------------------------------------------
# Listings and stock


def parse_variant_page(data: Mapping[str, Any]) -> tuple[tuple[ListingData, ...], str | None]:
    """One page of ``productVariants``: a listing per variant (its inventory item's id)."""
    connection = _object(data, "productVariants")
    listings = []
    for index, raw in enumerate(_list(connection, "nodes")):
        item = _object(raw, "inventoryItem")
        item_id = _text(item, "id")
        if not item_id:
            raise ValidationError(f"productVariants[{index}] has no inventory item")
        quantity = raw.get("inventoryQuantity")
        listings.append(
            ListingData(
                external_id=item_id,
                sku=_text(raw, "sku"),
                title=_text(raw, "displayName"),
                quantity=quantity
                if isinstance(quantity, int) and not isinstance(quantity, bool)
                else 0,
                extra={
                    "variant_id": _text(raw, "id"),
                    "price": _text(raw, "price"),
                    "barcode": _text(raw, "barcode"),
                    "tracked": "true" if item.get("tracked") is True else "false",
                },
            )
        )
    page_info = _object(connection, "pageInfo")
    next_page = _text(page_info, "endCursor") if page_info.get("hasNextPage") is True else ""
    return tuple(listings), next_page or None


def parse_available(data: Mapping[str, Any]) -> dict[str, int]:
    """Inventory item id → its quantity ``available`` at the location asked about."""
    found: dict[str, int] = {}
    nodes = data.get("nodes")
    # An id Shopify does not know answers ``null`` in its place.
    for node in nodes if isinstance(nodes, list) else ():
        if not isinstance(node, Mapping):
            continue
        level = _object(node, "inventoryLevel")
        for quantity in _list(level, "quantities"):
            if _text(quantity, "name") == "available":
                found[_text(node, "id")] = _integer(quantity, "quantity")
    return found
