"""The ``<ShipNotice>`` document: what ShipStation posts when a label is bought.

:func:`render_ship_notice` writes one (the shipping desk posts it); :func:`parse_ship_notice`
reads one safely (the hub receives it). No XSD exists: every element is optional in
practice, unknown elements are ignored, and only values that are present but unreadable
(a date, an amount, a quantity, a flag) make a notice malformed. Errors::

    NoticeError                 base; a ValueError
    ├── NoticeTooLargeError     the body is over the size cap (HTTP 413)
    ├── UnsafeNoticeError       DOCTYPE, entity declaration or reference (HTTP 400)
    └── MalformedNoticeError    not XML, not a ShipNotice, or a bad value; names the field
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from crossdock.core.countries import country_problem
from crossdock.core.dto import Address
from crossdock.core.money import MAX_AMOUNT, MoneyError, format_money, to_money
from crossdock.customstore.dates import (
    DateError,
    format_ship_date,
    format_wire_datetime,
    parse_ship_date,
    parse_wire_datetime,
)
from crossdock.customstore.safexml import (
    MalformedXmlError,
    UnsafeXmlError,
    XmlTooLargeError,
    parse_untrusted,
)
from crossdock.customstore.text import strip_forbidden

#: A notice is a few kilobytes; even a thousand-line shipment fits well under this.
NOTICE_MAX_BYTES = 256_000

#: The largest quantity a notice line may carry.
MAX_QUANTITY = 1_000_000


class NoticeError(ValueError):
    """Base of the errors reading a ship notice."""


class NoticeTooLargeError(NoticeError):
    pass


class UnsafeNoticeError(NoticeError):
    pass


class MalformedNoticeError(NoticeError):
    """The body is not a readable notice; ``field`` names the element at fault, if one is."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


@dataclass(frozen=True, slots=True)
class ShipNoticeItem:
    """A line in this shipment, as ShipStation echoes it (``LineItemID`` is the store's)."""

    line_item_id: str
    sku: str
    name: str
    quantity: int
    upc: str = ""


#: Who the label was addressed to (informational: the order keeps its own address). A
#: notice carries no phone or e-mail: those stay empty.
ShipNoticeRecipient = Address


@dataclass(frozen=True, slots=True)
class ShipNotice:
    """One shipment (one label) of some or all of an order's lines.

    Strings are ``""`` when absent; typed values are ``None`` when absent. ``items`` empty
    means "the whole order" to a receiver.
    """

    order_id: str
    order_number: str
    customer_code: str
    notes_to_customer: str
    notify_customer: bool | None
    label_create_date: datetime | None
    ship_date: date | None
    carrier: str
    service: str
    tracking_number: str
    shipping_cost: Decimal | None
    custom_fields: tuple[str, str, str]
    items: tuple[ShipNoticeItem, ...]
    customer_notes: str = ""
    internal_notes: str = ""
    requested_warehouse: str = ""
    recipient: Address = field(default_factory=Address)


_RECIPIENT_ELEMENTS = (
    ("Name", "name"),
    ("Company", "company"),
    ("Address1", "address1"),
    ("Address2", "address2"),
    ("City", "city"),
    ("State", "state"),
    ("PostalCode", "postal_code"),
    ("Country", "country"),
)


# --- rendering -------------------------------------------------------------------------


def _add(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = strip_forbidden(text)


def render_ship_notice(notice: ShipNotice) -> bytes:
    """The notice as ShipStation posts it: UTF-8 XML with a declaration.

    Every string element is written (empty when blank), as ShipStation does; typed
    elements (``NotifyCustomer``, dates, ``ShippingCost``) are left out when ``None``
    because a typed element is never empty. Code points XML 1.0 forbids are dropped.
    """
    root = etree.Element("ShipNotice")
    _add(root, "OrderID", notice.order_id)
    _add(root, "OrderNumber", notice.order_number)
    _add(root, "CustomerCode", notice.customer_code)
    _add(root, "CustomerNotes", notice.customer_notes)
    _add(root, "InternalNotes", notice.internal_notes)
    _add(root, "NotesToCustomer", notice.notes_to_customer)
    if notice.notify_customer is not None:
        _add(root, "NotifyCustomer", "true" if notice.notify_customer else "false")
    if notice.label_create_date is not None:
        _add(root, "LabelCreateDate", format_wire_datetime(notice.label_create_date))
    if notice.ship_date is not None:
        _add(root, "ShipDate", format_ship_date(notice.ship_date))
    _add(root, "Carrier", notice.carrier)
    _add(root, "Service", notice.service)
    _add(root, "TrackingNumber", notice.tracking_number)
    if notice.shipping_cost is not None:
        _add(root, "ShippingCost", format_money(notice.shipping_cost))
    for number, value in enumerate(notice.custom_fields, start=1):
        _add(root, f"CustomField{number}", value)
    _add(root, "RequestedWarehouse", notice.requested_warehouse)
    recipient = etree.SubElement(root, "Recipient")
    for tag, attribute in _RECIPIENT_ELEMENTS:
        _add(recipient, tag, getattr(notice.recipient, attribute))
    items = etree.SubElement(root, "Items")
    for item in notice.items:
        element = etree.SubElement(items, "Item")
        _add(element, "LineItemID", item.line_item_id)
        _add(element, "SKU", item.sku)
        _add(element, "Name", item.name)
        _add(element, "Quantity", str(item.quantity))
        if item.upc:
            _add(element, "UPC", item.upc)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


# --- parsing ---------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # pragma: no cover - comments and PIs are removed by the parser
        return ""
    return tag.rpartition("}")[2]


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """Child elements by local name; the first of a repeated name wins."""
    found: dict[str, etree._Element] = {}
    for child in element:
        found.setdefault(_local(child), child)
    return found


def _text(children: dict[str, etree._Element], tag: str) -> str:
    element = children.get(tag)
    if element is None:
        return ""
    return "".join(str(part) for part in element.itertext())


def _code(children: dict[str, etree._Element], tag: str) -> str:
    """An identifier-like value: surrounding white space is never meant."""
    return _text(children, tag).strip()


def _flag(children: dict[str, etree._Element], tag: str) -> bool | None:
    value = _code(children, tag).lower()
    if not value:
        return None
    if value in {"true", "1", "yes"}:
        return True
    if value in {"false", "0", "no"}:
        return False
    raise MalformedNoticeError(f"{value[:20]!r} is not true or false", tag)


def _label_date(children: dict[str, etree._Element]) -> datetime | None:
    value = _code(children, "LabelCreateDate")
    if not value:
        return None
    try:
        return parse_wire_datetime(value)
    except DateError as error:
        raise MalformedNoticeError(str(error), "LabelCreateDate") from error


def _ship_date(children: dict[str, etree._Element]) -> date | None:
    value = _code(children, "ShipDate")
    if not value:
        return None
    try:
        return parse_ship_date(value)
    except DateError as error:
        raise MalformedNoticeError(str(error), "ShipDate") from error


def _cost(children: dict[str, etree._Element]) -> Decimal | None:
    value = _code(children, "ShippingCost")
    if not value:
        return None
    try:
        amount = to_money(value)
    except (MoneyError, ArithmeticError) as error:
        # ArithmeticError: an exponent too large to round to cents (``1e999999999``).
        raise MalformedNoticeError(f"{value[:20]!r} is not an amount", "ShippingCost") from error
    if amount < 0 or amount > MAX_AMOUNT:
        raise MalformedNoticeError(f"{amount} is out of range", "ShippingCost")
    return amount


def _quantity(children: dict[str, etree._Element], where: str) -> int:
    value = _code(children, "Quantity")
    try:
        number = Decimal(value)
    except ArithmeticError as error:
        raise MalformedNoticeError(f"{value[:20]!r} is not a quantity", where) from error
    if not number.is_finite() or number != number.to_integral_value():
        raise MalformedNoticeError(f"{value[:20]!r} is not a whole quantity", where)
    if number < 0 or number > MAX_QUANTITY:
        raise MalformedNoticeError(f"{value[:20]!r} is out of range", where)
    return int(number)


def _items(children: dict[str, etree._Element]) -> tuple[ShipNoticeItem, ...]:
    container = children.get("Items")
    if container is None:
        return ()
    items: list[ShipNoticeItem] = []
    for position, element in enumerate(
        (child for child in container if _local(child) == "Item"), start=1
    ):
        fields = _children(element)
        items.append(
            ShipNoticeItem(
                line_item_id=_code(fields, "LineItemID"),
                sku=_code(fields, "SKU"),
                name=_text(fields, "Name"),
                quantity=_quantity(fields, f"Items/Item[{position}]/Quantity"),
                upc=_code(fields, "UPC"),
            )
        )
    return tuple(items)


def _recipient(children: dict[str, etree._Element]) -> ShipNoticeRecipient:
    element = children.get("Recipient")
    if element is None:
        return ShipNoticeRecipient()
    fields = _children(element)
    values = {attribute: _text(fields, tag) for tag, attribute in _RECIPIENT_ELEMENTS}
    problem = country_problem(values["country"])
    if problem:
        raise MalformedNoticeError(problem, "Recipient/Country")
    values["country"] = values["country"].strip().upper()
    return ShipNoticeRecipient(**values)


def parse_ship_notice(body: bytes, *, max_bytes: int = NOTICE_MAX_BYTES) -> ShipNotice:
    """Read a ``<ShipNotice>`` body safely; raises a :class:`NoticeError`.

    The parser refuses DOCTYPEs and entities and never touches the network. Identifier
    values (ids, carrier, tracking, SKU) are stripped of surrounding white space; free
    text (notes, names) is kept as sent.
    """
    try:
        root = parse_untrusted(body, max_bytes=max_bytes)
    except XmlTooLargeError as error:
        raise NoticeTooLargeError(str(error)) from error
    except UnsafeXmlError as error:
        raise UnsafeNoticeError(str(error)) from error
    except MalformedXmlError as error:
        raise MalformedNoticeError(str(error)) from error
    if _local(root) != "ShipNotice":
        raise MalformedNoticeError(f"the root element is <{_local(root)[:40]}>, not <ShipNotice>")
    children = _children(root)
    return ShipNotice(
        order_id=_code(children, "OrderID"),
        order_number=_code(children, "OrderNumber"),
        customer_code=_code(children, "CustomerCode"),
        notes_to_customer=_text(children, "NotesToCustomer"),
        notify_customer=_flag(children, "NotifyCustomer"),
        label_create_date=_label_date(children),
        ship_date=_ship_date(children),
        carrier=_code(children, "Carrier"),
        service=_code(children, "Service"),
        tracking_number=_code(children, "TrackingNumber"),
        shipping_cost=_cost(children),
        custom_fields=(
            _text(children, "CustomField1"),
            _text(children, "CustomField2"),
            _text(children, "CustomField3"),
        ),
        items=_items(children),
        customer_notes=_text(children, "CustomerNotes"),
        internal_notes=_text(children, "InternalNotes"),
        requested_warehouse=_text(children, "RequestedWarehouse"),
        recipient=_recipient(children),
    )
