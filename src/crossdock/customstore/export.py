"""The ``<Orders>`` export page: the DTO a store fills, and a streaming renderer.

The hub turns its rows into :class:`ExportOrder` values; :func:`render_orders` writes them as
UTF-8 XML 1.0, one order at a time, in chunks, so a page never needs the whole document in
memory. Whatever the data holds, the output is well-formed and valid against ShipStation's
published XSD once the two documented extras (``CurrencyCode``, ``UPC``) are set aside:

- every string goes through :func:`~crossdock.customstore.text.clean_text` (stored HTML
  entities decoded, forbidden code points dropped, cut to the schema's maximum);
- free text (names, notes, messages, options) is written in CDATA with ``]]>`` split,
  codes and identifiers entity-escaped;
- typed elements are never empty: money is ``-5.00``, booleans ``true``/``false``;
- ``OrderTotal`` is computed from what is written (items including adjustments, shipping,
  tax), so ShipStation's own sum always agrees;
- item weights are per unit and never in kilograms (grams instead). ShipStation takes an
  order's weight as Σ ``Weight × Quantity``, so an order weight, when the store gives one
  (the packed weight a merchant entered), is spread over the units and wins over the
  lines' weights; without one, each line sends its own (:func:`sent_weight`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from urllib.parse import quote

from crossdock.core.dto import Address, LineOption
from crossdock.core.money import ZERO, format_money, to_money
from crossdock.core.rules import unshippable_reason
from crossdock.core.weights import Weight, WeightUnit
from crossdock.customstore.dates import format_wire_datetime
from crossdock.customstore.query import MAX_PAGE
from crossdock.customstore.text import cdata, clean_text, escape_text

#: ShipStation shows at most this many options per item.
MAX_OPTIONS = 10

#: Bytes gathered before a chunk is handed to the response.
DEFAULT_CHUNK_BYTES = 64 * 1024

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


class WeightUnits(StrEnum):
    """The ``WeightUnits`` values ShipStation accepts (kilograms are not among them)."""

    POUNDS = "Pounds"
    OUNCES = "Ounces"
    GRAMS = "Grams"


_AS_RECORDED: dict[WeightUnit, WeightUnits] = {
    WeightUnit.GRAM: WeightUnits.GRAMS,
    WeightUnit.KILOGRAM: WeightUnits.GRAMS,
    WeightUnit.OUNCE: WeightUnits.OUNCES,
    WeightUnit.POUND: WeightUnits.POUNDS,
}
_CORE_UNIT: dict[WeightUnits, WeightUnit] = {
    WeightUnits.GRAMS: WeightUnit.GRAM,
    WeightUnits.OUNCES: WeightUnit.OUNCE,
    WeightUnits.POUNDS: WeightUnit.POUND,
}
_TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One ``<Item>``: a line of goods, or an adjustment (discount, coupon) when flagged.

    ``weight`` is the weight of one unit. An adjustment has a negative ``unit_price``.
    """

    line_item_id: str
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    adjustment: bool = False
    image_url: str = ""
    weight: Weight | None = None
    location: str = ""
    options: tuple[LineOption, ...] = ()
    upc: str = ""


@dataclass(frozen=True, slots=True)
class ExportOrder:
    """One ``<Order>`` as the store means it; the renderer does every wire concern.

    ``status`` is the exact ``OrderStatus`` string (a custom status name or a standard
    one); ``weight`` is the order's total (packed) weight: when set it is what ShipStation
    receives, spread over the units, whatever the lines weigh.
    """

    order_id: str
    order_number: str
    order_date: datetime
    last_modified: datetime
    status: str
    customer_code: str
    bill_to: Address
    ship_to: Address
    items: tuple[ExportItem, ...]
    shipping_method: str = ""
    payment_method: str = ""
    currency_code: str = ""
    tax_amount: Decimal = ZERO
    shipping_amount: Decimal = ZERO
    customer_notes: str = ""
    internal_notes: str = ""
    gift: bool = False
    gift_message: str = ""
    custom_fields: tuple[str, str, str] = ("", "", "")
    requested_warehouse: str = ""
    source: str = ""
    weight: Weight | None = None


# --- rules -----------------------------------------------------------------------------


def unexportable_reason(order: ExportOrder) -> str:
    """Why ShipStation could not import ``order`` (no ship-to, no country, nothing to ship).

    ``""`` when it can. Such an order is left out of its page, never allowed to break it.
    """
    goods = sum(item.quantity for item in order.items if not item.adjustment)
    return unshippable_reason(order.ship_to, goods)


def order_total(order: ExportOrder) -> Decimal:
    """Items (adjustments included) + shipping + tax, from the amounts as written."""
    goods = sum(
        (to_money(item.unit_price) * item.quantity for item in order.items), start=Decimal(0)
    )
    return to_money(goods + to_money(order.shipping_amount) + to_money(order.tax_amount))


def _two_places(value: Decimal) -> str:
    return f"{value.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP):.2f}"


class WeightBasis(StrEnum):
    """Where the weight ShipStation receives comes from."""

    ORDER = "order"
    LINES = "lines"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class SentWeight:
    """The order weight ShipStation receives (Σ weight × quantity), and where it comes from."""

    weight: Weight | None
    basis: WeightBasis


def _goods_quantity(items: Iterable[ExportItem]) -> int:
    return sum(item.quantity for item in items if not item.adjustment)


def sent_weight(items: tuple[ExportItem, ...], order_weight: Weight | None) -> SentWeight:
    """The total weight an order's items carry to ShipStation.

    The order weight when there is one and something to ship; else the sum of the goods'
    weights (in their common unit; in grams to two places when they differ); else none.
    """
    if order_weight is not None and _goods_quantity(items) > 0:
        return SentWeight(order_weight, WeightBasis.ORDER)
    weights = [
        item.weight * item.quantity
        for item in items
        if not item.adjustment and item.weight is not None
    ]
    if not weights:
        return SentWeight(None, WeightBasis.NONE)
    if len({w.unit for w in weights}) == 1:
        unit = weights[0].unit
        total = sum((w.value for w in weights), start=Decimal(0))
    else:
        # Units differ: summed in grams, to the hundredth ShipStation's values carry.
        unit = WeightUnit.GRAM
        total = sum((w.to(unit).value for w in weights), start=Decimal(0)).quantize(
            _TWO_PLACES, rounding=ROUND_HALF_UP
        )
    return SentWeight(Weight(total, unit), WeightBasis.LINES)


def item_weights(
    order: ExportOrder, units: WeightUnits | None = None
) -> list[tuple[str, WeightUnits] | None]:
    """The ``(Weight, WeightUnits)`` written for each item, ``None`` where none is written.

    ``units`` forces one unit; ``None`` keeps each weight's own unit (kilograms as grams).
    An order weight is spread evenly over the units, so Σ weight × quantity is the order's
    weight (to the cent of the unit written); without one each item sends its own.
    """
    quantity = _goods_quantity(order.items)
    if order.weight is None or quantity <= 0:
        written: list[tuple[str, WeightUnits] | None] = []
        for item in order.items:
            if item.adjustment or item.weight is None:
                written.append(None)
                continue
            target = units or _AS_RECORDED[item.weight.unit]
            written.append((_two_places(item.weight.to(_CORE_UNIT[target]).value), target))
        return written
    target = units or _AS_RECORDED[order.weight.unit]
    each = _two_places(order.weight.to(_CORE_UNIT[target]).value / quantity)
    return [None if item.adjustment else (each, target) for item in order.items]


@lru_cache(maxsize=1024)
def _image_url(value: str) -> str:
    """An ``xs:anyURI`` for an http(s) image, or ``""`` when it cannot be one."""
    if not value:
        return ""
    url = clean_text(value).strip()
    if not url.lower().startswith(("http://", "https://")):
        return ""
    url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return url if len(url) <= 500 else ""


# --- writing ---------------------------------------------------------------------------


def _code_as_is(value: str, limit: int) -> bool:
    """Whether ``value`` is written as it is (most stored codes: printable, short enough,
    nothing to escape), which is what cleaning and escaping it would give."""
    return (
        len(value) <= limit
        and value.isprintable()
        and "&" not in value
        and "<" not in value
        and ">" not in value
    )


def _free_as_is(value: str, limit: int) -> bool:
    """Whether ``value`` goes into one CDATA section as it is (see :func:`_code_as_is`)."""
    return len(value) <= limit and value.isprintable() and "&" not in value and "]]>" not in value


def _code(out: list[str], tag: str, value: str, limit: int) -> None:
    """An identifier-like element, always written (entity-escaped)."""
    text = value if _code_as_is(value, limit) else escape_text(clean_text(value, limit))
    out.append(f"<{tag}>{text}</{tag}>")


def _optional_code(out: list[str], tag: str, value: str, limit: int) -> None:
    if not value:
        return
    if _code_as_is(value, limit):
        out.append(f"<{tag}>{value}</{tag}>")
        return
    text = clean_text(value, limit)
    if text:
        out.append(f"<{tag}>{escape_text(text)}</{tag}>")


def _free(out: list[str], tag: str, value: str, limit: int) -> None:
    """A free-text element, always written (CDATA)."""
    if _free_as_is(value, limit):
        out.append(f"<{tag}><![CDATA[{value}]]></{tag}>")
    else:
        out.append(f"<{tag}>{cdata(clean_text(value, limit))}</{tag}>")


def _optional_free(out: list[str], tag: str, value: str, limit: int) -> None:
    if not value:
        return
    if _free_as_is(value, limit):
        out.append(f"<{tag}><![CDATA[{value}]]></{tag}>")
        return
    text = clean_text(value, limit)
    if text:
        out.append(f"<{tag}>{cdata(text)}</{tag}>")


def _country(out: list[str], value: str, *, required: bool) -> None:
    code = clean_text(value).strip().upper() if value else ""
    if len(code) == 2:
        out.append(f"<Country>{escape_text(code)}</Country>")
    elif required:
        # Unreachable for exported orders (unexportable_reason refuses them); kept valid.
        out.append("<Country>ZZ</Country>")  # ISO 3166 user-assigned: unknown


def _bill_to(out: list[str], bill_to: Address, ship_to: Address) -> None:
    out.append("<BillTo>")
    _free(out, "Name", bill_to.name or ship_to.name, 100)
    _optional_free(out, "Company", bill_to.company, 100)
    _optional_code(out, "Phone", bill_to.phone, 50)
    _optional_code(out, "Email", bill_to.email, 100)
    _optional_free(out, "Address1", bill_to.address1, 200)
    _optional_free(out, "Address2", bill_to.address2, 200)
    _optional_free(out, "City", bill_to.city, 100)
    _optional_free(out, "State", bill_to.state, 100)
    _optional_code(out, "PostalCode", bill_to.postal_code, 50)
    _country(out, bill_to.country, required=False)
    out.append("</BillTo>")


def _ship_to(out: list[str], ship_to: Address) -> None:
    out.append("<ShipTo>")
    _free(out, "Name", ship_to.name, 100)
    _optional_free(out, "Company", ship_to.company, 100)
    _free(out, "Address1", ship_to.address1, 200)
    _optional_free(out, "Address2", ship_to.address2, 200)
    _free(out, "City", ship_to.city, 100)
    _optional_free(out, "State", ship_to.state, 100)
    _code(out, "PostalCode", ship_to.postal_code, 50)
    _country(out, ship_to.country, required=True)
    _optional_code(out, "Phone", ship_to.phone, 50)
    out.append("</ShipTo>")


def _item(
    out: list[str], item: ExportItem, price: Decimal, weight: tuple[str, WeightUnits] | None
) -> None:
    """An ``<Item>``; ``price`` is its unit price already made money."""
    out.append("<Item>")
    _optional_code(out, "LineItemID", item.line_item_id, 50)
    _code(out, "SKU", item.sku, 100)
    _free(out, "Name", item.name, 200)
    if item.adjustment:
        out.append("<Adjustment>true</Adjustment>")
    image_url = _image_url(item.image_url)
    if image_url:
        out.append(f"<ImageUrl>{escape_text(image_url)}</ImageUrl>")
    if weight is not None:
        out.append(f"<Weight>{weight[0]}</Weight><WeightUnits>{weight[1].value}</WeightUnits>")
    out.append(f"<Quantity>{int(item.quantity)}</Quantity><UnitPrice>{price:.2f}</UnitPrice>")
    _optional_code(out, "UPC", item.upc, 12)
    _optional_free(out, "Location", item.location, 100)
    if item.options:
        out.append("<Options>")
        for option in item.options[:MAX_OPTIONS]:
            out.append("<Option>")
            _free(out, "Name", option.name, 100)
            _free(out, "Value", option.value, 100)
            out.append("</Option>")
        out.append("</Options>")
    out.append("</Item>")


def render_order(order: ExportOrder, units: WeightUnits | None = None) -> str:
    """One ``<Order>`` element as text (children in schema order, each at most once)."""
    # Each price made money once, for its item and for the total (as order_total sums them).
    prices = [to_money(item.unit_price) for item in order.items]
    goods = sum(
        (price * item.quantity for price, item in zip(prices, order.items, strict=True)),
        start=Decimal(0),
    )
    total = to_money(goods + to_money(order.shipping_amount) + to_money(order.tax_amount))
    out: list[str] = ["<Order>"]
    _code(out, "OrderID", order.order_id, 50)
    _code(out, "OrderNumber", order.order_number, 50)
    out.append(f"<OrderDate>{format_wire_datetime(order.order_date)}</OrderDate>")
    _code(out, "OrderStatus", order.status, 50)
    out.append(f"<LastModified>{format_wire_datetime(order.last_modified)}</LastModified>")
    _optional_free(out, "ShippingMethod", order.shipping_method, 100)
    _optional_free(out, "PaymentMethod", order.payment_method, 50)
    _optional_code(out, "CurrencyCode", order.currency_code.upper(), 3)
    out.append(
        f"<OrderTotal>{total:.2f}</OrderTotal>"
        f"<TaxAmount>{format_money(order.tax_amount)}</TaxAmount>"
        f"<ShippingAmount>{format_money(order.shipping_amount)}</ShippingAmount>"
    )
    _optional_free(out, "CustomerNotes", order.customer_notes, 1000)
    _optional_free(out, "InternalNotes", order.internal_notes, 1000)
    out.append(f"<Gift>{'true' if order.gift else 'false'}</Gift>")
    _optional_free(out, "GiftMessage", order.gift_message, 1000)
    field1, field2, field3 = order.custom_fields
    _optional_free(out, "CustomField1", field1, 100)
    _optional_free(out, "CustomField2", field2, 100)
    _optional_free(out, "CustomField3", field3, 100)
    _optional_free(out, "RequestedWarehouse", order.requested_warehouse, 100)
    _optional_free(out, "Source", order.source, 50)
    out.append("<Customer>")
    _code(out, "CustomerCode", order.customer_code, 50)
    _bill_to(out, order.bill_to, order.ship_to)
    _ship_to(out, order.ship_to)
    out.append("</Customer>")
    out.append("<Items>")
    weights = item_weights(order, units)
    for item, price, weight in zip(order.items, prices, weights, strict=True):
        _item(out, item, price, weight)
    out.append("</Items>")
    out.append("</Order>\n")
    return "".join(out)


def orders_start(pages: int) -> str:
    """The declaration and the opening ``<Orders>`` tag; ``pages`` kept within ``xs:short``."""
    return f'{XML_DECLARATION}<Orders pages="{min(max(pages, 1), MAX_PAGE)}">\n'


ORDERS_END = "</Orders>\n"


def render_orders(
    orders: Iterable[ExportOrder],
    pages: int,
    *,
    units: WeightUnits | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> Iterator[bytes]:
    """The whole ``<Orders>`` document as UTF-8 chunks of about ``chunk_bytes``.

    ``orders`` is consumed lazily, one order at a time: memory holds one chunk, never the
    page. An empty iterable gives a valid empty document (ShipStation's connection test).
    """
    buffer: list[bytes] = [orders_start(pages).encode("utf-8")]
    size = len(buffer[0])
    for order in orders:
        encoded = render_order(order, units).encode("utf-8")
        buffer.append(encoded)
        size += len(encoded)
        if size >= chunk_bytes:
            yield b"".join(buffer)
            buffer, size = [], 0
    buffer.append(ORDERS_END.encode("utf-8"))
    yield b"".join(buffer)
