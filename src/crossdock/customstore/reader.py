"""The lenient reader of a store's ``<Orders>`` export page, as ShipStation reads it.

Any conformant store may answer an export, so the reader assumes little: unknown elements
are ignored, CDATA and entity-escaped text read the same, dates are parsed tolerantly, and
each typed field is checked on its own. An order that fails a check is left out of the page
and reported with the reason (:class:`SkippedOrder`); it never breaks the rest of the page.

Errors (a tree)::

    ValueError
     ├─ safexml.MalformedXmlError   the body is not XML (line and column)
     ├─ safexml.UnsafeXmlError      a DOCTYPE or entity declaration
     ├─ safexml.XmlTooLargeError    over the size cap
     └─ OrdersDocumentError         XML, but its root is not ``<Orders>``
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from crossdock.core.countries import country_problem
from crossdock.core.dto import Address
from crossdock.core.image_urls import clean_image_url
from crossdock.core.weights import Weight, WeightUnit
from crossdock.customstore.dates import DateError, parse_wire_datetime
from crossdock.customstore.safexml import parse_untrusted

#: ``pages`` is an ``xs:short``: a store can never announce more pages than this.
MAX_PAGES = 32767
#: Export pages may be large; a few megabytes at most.
MAX_PAGE_BYTES = 20_000_000
#: The longest order key the desk stores (the protocol allows 50; a lenient reader, 100).
MAX_KEY_LENGTH = 100
#: Bounds of numbers a lenient reader still accepts (the wire's own are far smaller); a
#: value beyond them skips its order with the reason instead of failing later on storage.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_QUANTITY = 1_000_000
MAX_WEIGHT = Decimal(1_000_000)

_WEIGHT_UNITS = {
    "pound": WeightUnit.POUND,
    "pounds": WeightUnit.POUND,
    "lb": WeightUnit.POUND,
    "lbs": WeightUnit.POUND,
    "gram": WeightUnit.GRAM,
    "grams": WeightUnit.GRAM,
    "gm": WeightUnit.GRAM,
    "g": WeightUnit.GRAM,
    "oz": WeightUnit.OUNCE,
    "ounce": WeightUnit.OUNCE,
    "ounces": WeightUnit.OUNCE,
}
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class OrdersDocumentError(ValueError):
    """Well-formed XML whose root element is not ``<Orders>``."""


class _FieldError(ValueError):
    """One field of one order failed its check; the order is skipped with this reason."""


@dataclass(frozen=True, slots=True)
class ReadOption:
    name: str
    value: str
    weight: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ReadItem:
    line_item_id: str
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    adjustment: bool = False
    image_url: str = ""
    #: Weight of one unit, in the unit the store wrote.
    weight: Weight | None = None
    upc: str = ""
    location: str = ""
    options: tuple[ReadOption, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadOrder:
    """One order of an export page, every field the protocol defines."""

    order_id: str
    order_number: str
    order_date: datetime
    last_modified: datetime
    order_status: str
    order_total: Decimal
    tax_amount: Decimal
    shipping_amount: Decimal
    customer_code: str
    bill_to: Address
    ship_to: Address
    items: tuple[ReadItem, ...]
    shipping_method: str = ""
    payment_method: str = ""
    currency_code: str = ""
    customer_notes: str = ""
    internal_notes: str = ""
    gift: bool = False
    gift_message: str = ""
    custom_fields: tuple[str, str, str] = ("", "", "")
    requested_warehouse: str = ""
    source: str = ""

    @property
    def key(self) -> str:
        """How the desk recognises the order again: its ``OrderID``, else its number."""
        return self.order_id or self.order_number


@dataclass(frozen=True, slots=True)
class SkippedOrder:
    """An order left out of a page, and why (shown to the merchant in the import history)."""

    order_number: str
    reason: str


@dataclass(frozen=True, slots=True)
class OrdersPage:
    pages: int
    orders: tuple[ReadOrder, ...]
    skipped: tuple[SkippedOrder, ...]
    #: Why the ``pages`` attribute was unusable ("" when it was fine or absent).
    pages_problem: str = ""


def read_pages(value: str | None) -> tuple[int, str]:
    """The page count from a ``pages`` attribute, and the problem with it if any.

    A missing attribute means one page; a bad one also means one page (the reader stays
    lenient) but the problem is reported so that "test connection" can show it.
    """
    if value is None:
        return 1, ""
    text = value.strip()
    try:
        pages = int(text)
    except ValueError:
        return 1, f'the pages attribute "{text[:20]}" is not a whole number'
    if pages < 1:
        return 1, f"the pages attribute is {pages}; it must be at least 1"
    if pages > MAX_PAGES:
        return MAX_PAGES, f"the pages attribute is {pages}; it must be at most {MAX_PAGES}"
    return pages, ""


def parse_orders(body: bytes, *, max_bytes: int = MAX_PAGE_BYTES) -> OrdersPage:
    """Read one export page; raises the errors in the module docstring, never for one order."""
    root = parse_untrusted(body, max_bytes=max_bytes)
    if _local(root) != "Orders":
        raise OrdersDocumentError(f"the root element is <{_local(root)}>, not <Orders>")
    pages, pages_problem = read_pages(root.get("pages"))
    orders: list[ReadOrder] = []
    skipped: list[SkippedOrder] = []
    for node in root:
        if not isinstance(node.tag, str) or _local(node) != "Order":
            continue
        fields = _fields(node)
        try:
            orders.append(_order(fields))
        except _FieldError as error:
            number = _string(fields, "OrderNumber") or _string(fields, "OrderID")
            skipped.append(SkippedOrder(order_number=number[:MAX_KEY_LENGTH], reason=str(error)))
    return OrdersPage(
        pages=pages, orders=tuple(orders), skipped=tuple(skipped), pages_problem=pages_problem
    )


Fields = dict[str, etree._Element]


def _local(node: etree._Element) -> str:
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _fields(node: etree._Element | None) -> Fields:
    """Child elements by local name (namespaces ignored); the first of a repeated name wins."""
    found: Fields = {}
    if node is not None:
        for child in node:
            name = _local(child)
            if name and name not in found:
                found[name] = child
    return found


def _elements(node: etree._Element | None, name: str) -> list[etree._Element]:
    """Every child named ``name`` (the repeated ``Item`` and ``Option`` elements)."""
    if node is None:
        return []
    return [child for child in node if _local(child) == name]


def _text(node: etree._Element | None) -> str:
    """All text of a node (CDATA sections included, split ones joined), trimmed."""
    if node is None:
        return ""
    if not len(node):
        # The usual case: a leaf, whose CDATA sections lxml has already joined into .text.
        return (node.text or "").strip()
    parts = (part if isinstance(part, str) else part.decode("utf-8") for part in node.itertext())
    return "".join(parts).strip()


def _string(fields: Fields, name: str) -> str:
    return _text(fields.get(name))


def _required(fields: Fields, name: str, where: str = "") -> str:
    value = _string(fields, name)
    if not value:
        raise _FieldError(f"{where}{name} is missing")
    return value


def _decimal(fields: Fields, name: str, where: str = "") -> Decimal | None:
    text = _string(fields, name)
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise _FieldError(f'{where}{name} "{text[:30]}" is not a number') from error
    if not value.is_finite():
        raise _FieldError(f'{where}{name} "{text[:30]}" is not a finite number')
    return value


def _money(fields: Fields, name: str, where: str = "") -> Decimal | None:
    value = _decimal(fields, name, where)
    if value is None:
        return None
    if abs(value) > MAX_AMOUNT:
        raise _FieldError(f"{where}{name} {str(value)[:30]} is beyond {MAX_AMOUNT}")
    return value.quantize(Decimal("0.01"))


def _date(fields: Fields, name: str) -> datetime | None:
    text = _string(fields, name)
    if not text:
        return None
    try:
        return parse_wire_datetime(text)
    except DateError as error:
        raise _FieldError(f'{name} "{text[:40]}" is not a date') from error


def _boolean(fields: Fields, name: str, where: str = "") -> bool:
    text = _string(fields, name).lower()
    if not text or text in _FALSE:
        return False
    if text in _TRUE:
        return True
    raise _FieldError(f'{where}{name} "{text[:20]}" is not true or false')


def _country(fields: Fields, where: str) -> str:
    text = _string(fields, "Country")
    problem = country_problem(text)
    if problem:
        raise _FieldError(f"{where}Country {problem}")
    return text.upper()


def _address(node: etree._Element | None, where: str) -> Address:
    fields = _fields(node)
    return Address(
        name=_string(fields, "Name"),
        company=_string(fields, "Company"),
        phone=_string(fields, "Phone"),
        email=_string(fields, "Email"),
        address1=_string(fields, "Address1"),
        address2=_string(fields, "Address2"),
        city=_string(fields, "City"),
        state=_string(fields, "State"),
        postal_code=_string(fields, "PostalCode"),
        country=_country(fields, where),
    )


def _weight(fields: Fields, where: str) -> Weight | None:
    value = _decimal(fields, "Weight", where)
    if value is None:
        return None
    if value < 0:
        raise _FieldError(f"{where}Weight {value} is negative")
    if value > MAX_WEIGHT:
        raise _FieldError(f"{where}Weight {str(value)[:30]} is beyond {MAX_WEIGHT}")
    units = _string(fields, "WeightUnits")
    if not units:
        # ShipStation's own default unit for a bare weight.
        return Weight(value, WeightUnit.OUNCE)
    unit = _WEIGHT_UNITS.get(units.lower())
    if unit is None:
        raise _FieldError(f'{where}WeightUnits "{units[:20]}" is not Pounds, Ounces or Grams')
    return Weight(value, unit)


def _options(fields: Fields, where: str) -> tuple[ReadOption, ...]:
    options: list[ReadOption] = []
    for node in _elements(fields.get("Options"), "Option"):
        option = _fields(node)
        name = _string(option, "Name")
        value = _string(option, "Value")
        if not name and not value:
            continue
        options.append(ReadOption(name, value, _decimal(option, "Weight", f"{where}option ")))
    return tuple(options)


def _item(node: etree._Element, position: int) -> ReadItem:
    where = f"item {position}: "
    fields = _fields(node)
    quantity_text = _string(fields, "Quantity")
    if not quantity_text:
        raise _FieldError(f"{where}Quantity is missing")
    try:
        quantity = int(quantity_text)
    except ValueError as error:
        raise _FieldError(
            f'{where}Quantity "{quantity_text[:20]}" is not a whole number'
        ) from error
    if quantity < 0:
        raise _FieldError(f"{where}Quantity {quantity} is negative")
    if quantity > MAX_QUANTITY:
        raise _FieldError(f"{where}Quantity {quantity} is beyond {MAX_QUANTITY}")
    adjustment = _boolean(fields, "Adjustment", where)
    name = _string(fields, "Name")
    sku = _string(fields, "SKU")
    if not name and not sku:
        raise _FieldError(f"{where}has neither SKU nor Name")
    return ReadItem(
        line_item_id=_string(fields, "LineItemID"),
        sku=sku,
        name=name or sku,
        quantity=quantity,
        unit_price=_money(fields, "UnitPrice", where) or Decimal("0.00"),
        adjustment=adjustment,
        # Only http(s) pictures are kept: a javascript: or data: URL is no image to show.
        image_url=clean_image_url(_string(fields, "ImageUrl")),
        weight=_weight(fields, where),
        upc=_string(fields, "UPC"),
        location=_string(fields, "Location"),
        options=_options(fields, where),
    )


def _order(fields: Fields) -> ReadOrder:
    order_id = _string(fields, "OrderID")
    number = _required(fields, "OrderNumber")
    for label, value in (("OrderID", order_id), ("OrderNumber", number)):
        if len(value) > MAX_KEY_LENGTH:
            raise _FieldError(f"{label} is longer than {MAX_KEY_LENGTH} characters")
    status = _required(fields, "OrderStatus")
    order_date = _date(fields, "OrderDate")
    last_modified = _date(fields, "LastModified")
    if order_date is None:
        if last_modified is None:
            raise _FieldError("OrderDate and LastModified are missing")
        order_date = last_modified
    if last_modified is None:
        last_modified = order_date
    customer = _fields(fields.get("Customer"))
    ship_to = customer.get("ShipTo")
    if ship_to is None:
        raise _FieldError("Customer/ShipTo is missing")
    items_node = fields.get("Items")
    if items_node is None:
        raise _FieldError("Items is missing")
    items = tuple(
        _item(item, position)
        for position, item in enumerate(_elements(items_node, "Item"), start=1)
    )
    tax = _money(fields, "TaxAmount") or Decimal("0.00")
    shipping = _money(fields, "ShippingAmount") or Decimal("0.00")
    total = _money(fields, "OrderTotal")
    if total is None:
        goods = sum((item.unit_price * item.quantity for item in items), Decimal("0.00"))
        total = goods + tax + shipping
        if abs(total) > MAX_AMOUNT:
            raise _FieldError(f"the items' total {str(total)[:30]} is beyond {MAX_AMOUNT}")
    return ReadOrder(
        order_id=order_id,
        order_number=number,
        order_date=order_date,
        last_modified=last_modified,
        order_status=status,
        order_total=total,
        tax_amount=tax,
        shipping_amount=shipping,
        customer_code=_string(customer, "CustomerCode"),
        bill_to=_address(customer.get("BillTo"), "BillTo/"),
        ship_to=_address(ship_to, "ShipTo/"),
        items=items,
        shipping_method=_string(fields, "ShippingMethod"),
        payment_method=_string(fields, "PaymentMethod"),
        currency_code=_string(fields, "CurrencyCode").upper()[:3],
        customer_notes=_string(fields, "CustomerNotes"),
        internal_notes=_string(fields, "InternalNotes"),
        gift=_boolean(fields, "Gift"),
        gift_message=_string(fields, "GiftMessage"),
        custom_fields=(
            _string(fields, "CustomField1"),
            _string(fields, "CustomField2"),
            _string(fields, "CustomField3"),
        ),
        requested_warehouse=_string(fields, "RequestedWarehouse"),
        source=_string(fields, "Source"),
    )
