"""Export pages for ShipStation: which orders, in which order, on which page.

**Window.** Every order of the account whose ``modified_at`` is in ``[start, end + 1 min)``,
whatever its status, restricted by the integration's options (channels; orders fulfilled
by a marketplace or third party). Orders ShipStation could not import are left out of the
page and recorded as :class:`ExportSkip` rows, which a later successful export clears.

**Paging never loses an order.** Orders are read in ``(modified_at, id)`` order. Page 1
counts the window and fixes the page count ``P`` in an :class:`ExportRun`; every page
``k`` records the key of its last order (an :class:`ExportBoundary` row), and page
``k + 1`` starts strictly after it (keyset paging, not offsets). An order edited while
ShipStation pages gets a new ``modified_at`` later than every key served so far, so:

- it can only leave a served page, never push an unserved order onto one (offsets
  would); every order not edited is on exactly one page ``1..P``: page ``k`` takes the
  first ``n`` keys after page ``k - 1``'s, and no more than ``(P - k + 1)·n`` of the
  window's original orders are left after page ``k - 1``;
- if its new ``modified_at`` is still in the window, it sorts after every boundary and is
  served by a later page: the last page (``k = P``) is not cut at ``n`` but runs to the end
  of the window, streamed in chunks of ``n`` so memory stays bounded. It is served late
  (a duplicate, which ShipStation merges by order number) rather than never;
- if its new ``modified_at`` is past the window, it belongs to ShipStation's next window,
  which starts where this one ended.

A page asked for without its predecessor's boundary (the run expired, or pages were
skipped) falls back to counting ``(k - 1)·n`` orders into the current window.

**What is left to ship.** A partly shipped order goes out with what is left: lines fully
shipped are left out and each other line's ``Quantity`` is its remainder, so ShipStation
never offers units the hub has already recorded as shipped. An order with nothing left
(shipped) goes out whole, so ShipStation sees it shipped. ``send_full_quantities`` sends
every line in full instead.

**Weight.** ShipStation receives the order weight entered on the order (the packed weight)
when there is one, spread over the units sent; otherwise each line's weight. For a partly
shipped order the entered weight no longer describes what is left: the lines' weights go
when the lines have any, else the entered weight's share by units (:func:`order_weight_sent`).

**One bad order never breaks a page**: an order whose stored data cannot be turned into
the protocol's DTO is skipped and recorded like one that cannot ship.

**Bin locations.** A line the channel sent without a location goes out with its product's
default bin location (the catalog product with the line's SKU), when it has one.

**Kits.** A line whose SKU is a catalog kit goes out as the integration's ``kit_lines``
says: the kit as one line (``parent``, the default), its components (``components``), or
both. A component line is a stock-holding product of the recipe (nested kits exploded),
``quantity × per kit`` units, with the product's own name, weight and bin location, a
zero price (the kit's line carries the money: with ``components`` as an adjustment item,
nothing to pick) and an option ``Kit`` naming the kit's SKU;
its ``LineItemID`` is ``<line id>-<product id>`` so a ship notice finds the kit's line
(:func:`crossdock.hub.shipstation.shipnotify.kit_shipment_lines`). With ``both`` the
kit's line carries no weight when its components do, so nothing is weighed twice.

**Queries.** A chunk is three plain statements through ``connection.cursor()`` (orders with
their channel and custom status, their lines with the bin location of each line stored
without one, their discounts; when kits go as components, three more: its kits, their
recipes a level at a time, their parts), each reading only the columns the wire needs
(``ORDER_COLUMNS``, ``LINE_COLUMNS``) straight into the DTO, never as model instances (the
weight and kit rules take :class:`LineValues`); the few values a driver leaves raw (SQLite's
numbers and dates, JSON options) are converted here, as the ORM would. Skip records are
written only when there is one to record or clear: never a query per order or per line.
**Bookkeeping.** Page ``k > 1`` reads its run, page ``k - 1``'s boundary and whether the
integration has skip records in one statement; the reads of a page run outside any
transaction, and what it records (page 1's run, its own boundary) is written after them in
one short transaction, so concurrent pages do not queue behind each other's reads. That
loses nothing: a page's end is the key of the last order it read, whenever it is written.
A page asked for twice at once (a client's retry while the first is still running) writes
its boundary twice; orders only leave a page's range or join at the window's far end, so the
later reading's end is never before the earlier's, and whichever is written last, the next
page at worst serves again an order the retry already had, never skips one (as when such
pages were serialised).
A page costs the same at any depth of the window: its start is read
from one boundary row and written as one, and the key is the index range's only lower
bound (:meth:`Window.orders`), so the database seeks to the page instead of scanning the
window from its start. Page 1's count reads the
``(account, modified_at, id, fulfillment_source, channel)`` index alone.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict, namedtuple
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from crossdock.core.display import plural
from crossdock.core.dto import Address, LineOption
from crossdock.core.money import to_money
from crossdock.core.stock import explode
from crossdock.core.weights import Weight
from crossdock.customstore.export import (
    ExportItem,
    ExportOrder,
    SentWeight,
    WeightUnits,
    sent_weight,
    unexportable_reason,
)
from crossdock.customstore.query import MAX_PAGE, ExportQuery
from crossdock.hub.catalog.models import Product
from crossdock.hub.catalog.quantities import load_recipes
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.conversion import options_of, weight_of
from crossdock.hub.orders.models import (
    ADDRESS_FIELDS,
    CustomStatus,
    Order,
    OrderDiscount,
    OrderLine,
)
from crossdock.hub.shipstation.models import (
    CustomFieldSource,
    ExportBoundary,
    ExportRun,
    ExportSkip,
    KitLines,
    ShipStationIntegration,
    WeightUnitsChoice,
)

logger = logging.getLogger(__name__)

#: Fulfilment sources the merchant ships themselves (anything else is a marketplace or 3PL).
MERCHANT_FULFILLED = ("merchant", "")

#: Paging runs older than this are forgotten when a new one starts.
RUN_RETENTION = timedelta(days=2)

_UNITS: dict[str, WeightUnits | None] = {
    WeightUnitsChoice.AS_RECORDED.value: None,
    WeightUnitsChoice.GRAMS.value: WeightUnits.GRAMS,
    WeightUnitsChoice.OUNCES.value: WeightUnits.OUNCES,
    WeightUnitsChoice.POUNDS.value: WeightUnits.POUNDS,
}

Key = tuple[datetime, int]
#: An order read as an :data:`OrderRow` (``ORDER_COLUMNS`` by name).
Row = Any


@dataclass(frozen=True, slots=True)
class ExportPage:
    """One page, ready to stream: the first chunk is read, the rest are read on demand."""

    pages: int
    units: WeightUnits | None
    first: list[ExportOrder]
    rest: Iterator[list[ExportOrder]]

    def orders(self) -> Iterator[ExportOrder]:
        yield from self.first
        for chunk in self.rest:
            yield from chunk


# --- rows to protocol values -------------------------------------------------------------

#: The order columns the export reads (``values_list``: no model instances on this path).
ORDER_COLUMNS = (
    "id",
    "number",
    "placed_at",
    "modified_at",
    "status",
    "custom_status__name",
    "customer_code",
    "customer_email",
    *(f"bill_to_{name}" for name in ADDRESS_FIELDS),
    *(f"ship_to_{name}" for name in ADDRESS_FIELDS),
    "requested_shipping_service",
    "payment_method",
    "currency",
    "tax",
    "shipping_paid",
    "customer_notes",
    "internal_notes",
    "gift",
    "gift_message",
    "marketplace_order_id",
    "external_id",
    "channel__name",
    "weight_value",
    "weight_unit",
)
_BILL_TO = slice(8, 8 + len(ADDRESS_FIELDS))
_SHIP_TO = slice(_BILL_TO.stop, _BILL_TO.stop + len(ADDRESS_FIELDS))

#: The line columns the export reads, in :func:`line_of`'s order after ``order_id``.
LINE_COLUMNS = (
    "order_id",
    "id",
    "sku",
    "name",
    "quantity",
    "quantity_shipped",
    "unit_price",
    "weight_value",
    "weight_unit",
    "image_url",
    "location",
    "options",
    "upc",
)

#: The discount columns the export reads.
DISCOUNT_COLUMNS = ("order_id", "code", "description", "amount")

#: An order row as the chunk reads it (``ORDER_COLUMNS``, by name).
OrderRow = namedtuple("OrderRow", ORDER_COLUMNS)  # type: ignore[misc]

_JOINED = {"custom_status__name": "s.name", "channel__name": "c.name"}
_ORDER_SELECT = ", ".join(_JOINED.get(column, f"o.{column}") for column in ORDER_COLUMNS)
_PLACED, _MODIFIED = ORDER_COLUMNS.index("placed_at"), ORDER_COLUMNS.index("modified_at")
_TAX, _SHIPPING = ORDER_COLUMNS.index("tax"), ORDER_COLUMNS.index("shipping_paid")
_ORDER_WEIGHT = ORDER_COLUMNS.index("weight_value")
_LINE_SELECT = ", ".join(f"l.{column}" for column in LINE_COLUMNS)
_DECIMALS = Context(prec=15)


@lru_cache(maxsize=4096)
def _number(value: float | int | str, places: int) -> Decimal:
    """A number SQLite returned for a decimal column, as the ORM reads it (to ``places``)."""
    if isinstance(value, str):
        return Decimal(value).quantize(Decimal(1).scaleb(-places))
    return _DECIMALS.create_decimal_from_float(float(value)).quantize(Decimal(1).scaleb(-places))


def _decimal(value: object, places: int) -> Decimal | None:
    """A decimal column read with a plain cursor: PostgreSQL's ``Decimal`` as it is."""
    if value is None or isinstance(value, Decimal):
        return value
    return _number(value, places)


def _moment(value: object) -> datetime:
    """A datetime column read with a plain cursor (SQLite's is naive UTC)."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _stored_options(text: str) -> tuple[LineOption, ...]:
    """A line's options column as the database's text (lines mostly repeat a few)."""
    return options_of(json.loads(text))


def _options(value: object) -> tuple[LineOption, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return _stored_options(value)
    return options_of(value)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class LineValues:
    """An order line as the export and its rules see it: plain values, no model."""

    id: int
    sku: str
    name: str
    quantity: int
    quantity_shipped: int
    unit_price: Decimal
    weight: Weight | None
    image_url: str
    location: str
    options: tuple[LineOption, ...]
    upc: str


@lru_cache(maxsize=4096)
def _weight(value: Decimal | None, unit: str) -> Weight | None:
    """``weight_of``, remembered: the lines of a page mostly repeat a few weights (a
    ``Weight`` is immutable and equal values write the same wire text)."""
    return weight_of(value, unit)


def line_of(
    line_id: int,
    sku: str,
    name: str,
    quantity: int,
    quantity_shipped: int,
    unit_price: Decimal,
    weight_value: Decimal | None,
    weight_unit: str,
    image_url: str,
    location: str,
    options: list[dict[str, object]],
    upc: str,
) -> LineValues:
    """A line's stored columns (``LINE_COLUMNS`` after ``order_id``) as :class:`LineValues`."""
    return LineValues(
        line_id,
        sku,
        name,
        quantity,
        quantity_shipped,
        unit_price,
        _weight(weight_value, weight_unit) if weight_unit else None,
        image_url,
        location,
        options_of(options) if options else (),
        upc,
    )


def line_values(line: OrderLine) -> LineValues:
    """An order line model as :class:`LineValues` (the order page's weight)."""
    return line_of(*(getattr(line, "pk" if c == "id" else c) for c in LINE_COLUMNS[1:]))


def _custom_field(source: str, order: Row, codes: list[str]) -> str:
    if source == CustomFieldSource.COUPON_CODES:
        return ", ".join(code for code in codes if code)
    if source == CustomFieldSource.CHANNEL:
        return str(order.channel__name)
    if source == CustomFieldSource.MARKETPLACE_ORDER_ID:
        return str(order.marketplace_order_id)
    if source == CustomFieldSource.CHANNEL_ORDER_ID:
        return str(order.external_id)
    if source == CustomFieldSource.PAYMENT_METHOD:
        return str(order.payment_method)
    return ""


def _discount_item(code: str, description: str, amount: Decimal) -> ExportItem:
    label = description or "Discount"
    name = f"Coupon {code}: {label}" if code else label
    return ExportItem(
        line_item_id="",
        sku="",
        name=name,
        quantity=1,
        unit_price=-to_money(amount),
        adjustment=True,
    )


def _line_item(line: LineValues, quantity: int) -> ExportItem:
    return ExportItem(
        str(line.id),
        line.sku,
        line.name,
        quantity,
        line.unit_price,
        False,
        line.image_url,
        line.weight,
        line.location,
        line.options,
        line.upc,
    )


@dataclass(frozen=True, slots=True)
class KitPart:
    """One stock-holding product of a kit, as it goes out: per kit sold."""

    product_id: int
    sku: str
    name: str
    per_kit: int
    weight: Weight | None
    location: str
    upc: str
    image_url: str


#: Kit SKU → its parts, for the kits among a chunk's lines.
KitParts = dict[str, tuple[KitPart, ...]]


def kit_parts(account_id: int, skus: set[str]) -> KitParts:
    """The parts of every kit among ``skus`` (nested kits exploded to what holds stock)."""
    kits = dict(
        Product.objects.filter(account_id=account_id, sku__in=skus, is_kit=True).values_list(
            "pk", "sku"
        )
    )
    if not kits:
        return {}
    recipes = load_recipes(kits)
    leaves = {kit: explode(recipes, kit, 1) for kit in kits}
    products = {
        row[0]: row
        for row in Product.objects.filter(
            pk__in={leaf for parts in leaves.values() for leaf in parts}
        ).values_list(
            "pk",
            "sku",
            "name",
            "weight_value",
            "weight_unit",
            "bin_location",
            "barcode",
            "image_url",
        )
    }
    return {
        sku: tuple(
            KitPart(
                product_id=leaf,
                sku=products[leaf][1],
                name=products[leaf][2],
                per_kit=per_kit,
                weight=weight_of(products[leaf][3], products[leaf][4]),
                location=products[leaf][5],
                upc=products[leaf][6],
                image_url=products[leaf][7],
            )
            for leaf, per_kit in sorted(leaves[kit].items())
        )
        for kit, sku in kits.items()
    }


def _kit_items(
    line: LineValues, quantity: int, parts: tuple[KitPart, ...], kit_lines: str
) -> tuple[ExportItem, ...]:
    """A kit line as ``kit_lines`` sends it (see the module docstring)."""
    components = tuple(
        ExportItem(
            line_item_id=f"{line.id}-{part.product_id}",
            sku=part.sku,
            name=part.name,
            quantity=quantity * part.per_kit,
            unit_price=Decimal("0"),
            image_url=part.image_url,
            weight=part.weight,
            location=part.location,
            options=(LineOption(name="Kit", value=f"{line.sku} × {quantity}"),),
            upc=part.upc,
        )
        for part in parts
    )
    parent = _line_item(line, quantity)
    if kit_lines == KitLines.COMPONENTS:
        # The kit's price as an adjustment (nothing to pick), so ``OrderTotal`` stays whole.
        return (replace(parent, adjustment=True, weight=None, location=""), *components)
    if any(part.weight is not None for part in parts):
        parent = replace(parent, weight=None)
    return (parent, *components)


def lines_to_send(
    lines: Sequence[LineValues], *, full_quantities: bool
) -> list[tuple[LineValues, int]]:
    """Each line sent with its quantity: what is left to ship, or in full (see the docstring)."""
    if full_quantities or not any(line.quantity_shipped for line in lines):
        return [(line, line.quantity) for line in lines]
    left = [(line, line.quantity - line.quantity_shipped) for line in lines]
    if not any(quantity > 0 for _, quantity in left):
        return [(line, line.quantity) for line in lines]
    return [(line, quantity) for line, quantity in left if quantity > 0]


def order_weight_sent(
    entered: Weight | None, lines: Sequence[LineValues], sent: list[tuple[LineValues, int]]
) -> Weight | None:
    """The order weight to send with ``sent``, given the ``entered`` one: all of it for the
    whole order, its share by units for a remainder whose lines carry no weight, none when
    they do."""
    if entered is None:
        return None
    ordered = sum(line.quantity for line in lines)
    sending = sum(quantity for _, quantity in sent)
    if sending >= ordered:
        return entered
    if any(line.weight is not None for line, _ in sent):
        return None
    return Weight(entered.value * sending / ordered, entered.unit) if ordered else None


@dataclass(frozen=True, slots=True)
class ShippingWeight:
    """What the order page says about weight: what ShipStation receives, and the parts."""

    sent: SentWeight
    #: The order weight entered on the order, if any.
    entered: Weight | None
    #: Σ line weight × quantity over the lines as sent (``None``: no line has a weight).
    lines: Weight | None
    units_sent: int
    units_ordered: int


def shipping_weight(
    entered: Weight | None, lines: Sequence[LineValues], *, full_quantities: bool = False
) -> ShippingWeight:
    """The weight ShipStation receives for an order with the ``entered`` weight and these
    lines, and what it is made of (the order page; the export sends the same)."""
    sent = lines_to_send(lines, full_quantities=full_quantities)
    items = tuple(_line_item(line, quantity) for line, quantity in sent)
    return ShippingWeight(
        sent=sent_weight(items, order_weight_sent(entered, lines, sent)),
        entered=entered,
        lines=sent_weight(items, None).weight,
        units_sent=sum(quantity for _, quantity in sent),
        units_ordered=sum(line.quantity for line in lines),
    )


def export_order(
    order: Row,
    lines: list[LineValues],
    discounts: list[tuple[str, str, Decimal]],
    integration: ShipStationIntegration,
    kits: KitParts | None = None,
) -> ExportOrder:
    """An order row (``ORDER_COLUMNS``) as the protocol's DTO; ``discounts`` are its
    ``(code, description, amount)``; ``kits`` holds the parts of its kit lines when the
    integration sends kits as components."""
    sent = lines_to_send(lines, full_quantities=integration.send_full_quantities)
    if kits:
        items: list[ExportItem] = []
        for line, quantity in sent:
            if line.sku in kits:
                items.extend(_kit_items(line, quantity, kits[line.sku], integration.kit_lines))
            else:
                items.append(_line_item(line, quantity))
    else:
        items = [_line_item(line, quantity) for line, quantity in sent]
    if discounts:
        items.extend(_discount_item(*discount) for discount in discounts)
    sources = (integration.custom_field1, integration.custom_field2, integration.custom_field3)
    codes = [discount[0] for discount in discounts]
    return ExportOrder(
        order_id=str(order.id),
        order_number=order.number,
        order_date=order.placed_at,
        last_modified=order.modified_at,
        status=order.custom_status__name or order.status,
        customer_code=(
            order.customer_code
            or order.customer_email
            or order.bill_to_email
            or order.ship_to_email
            or f"order-{order.id}"
        ),
        bill_to=Address(*order[_BILL_TO]),
        ship_to=Address(*order[_SHIP_TO]),
        items=tuple(items),
        shipping_method=order.requested_shipping_service,
        payment_method=order.payment_method,
        currency_code=order.currency,
        tax_amount=order.tax,
        shipping_amount=order.shipping_paid,
        customer_notes=order.customer_notes,
        internal_notes=order.internal_notes if integration.send_internal_notes else "",
        gift=order.gift,
        gift_message=order.gift_message,
        custom_fields=(
            _custom_field(sources[0], order, codes),
            _custom_field(sources[1], order, codes),
            _custom_field(sources[2], order, codes),
        ),
        source=order.channel__name,
        weight=order_weight_sent(weight_of(order.weight_value, order.weight_unit), lines, sent),
    )


# --- the window and its pages ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """An integration's export window ``[start, end)``, with its channel choice read once."""

    integration: ShipStationIntegration
    start: datetime
    end: datetime
    channel_ids: tuple[int, ...]

    def orders(self, after: Key | None = None) -> QuerySet[Order]:
        """The window's orders after ``after`` (all without one), in ``(modified_at, id)`` order.

        The key's time is the range's only lower bound: given two (the window's start and
        the key's), SQLite seeks to the first one written and filters every order between
        them, so a page deep in a large window scanned all the pages before it.
        """
        start = self.start if after is None else max(self.start, after[0])
        found = Order.objects.filter(
            account_id=self.integration.account_id, modified_at__gte=start, modified_at__lt=self.end
        )
        if after is not None:
            found = found.filter(Q(modified_at__gt=after[0]) | Q(id__gt=after[1]))
        if self.channel_ids:
            found = found.filter(channel_id__in=self.channel_ids)
        if self.integration.exclude_external_fulfillment:
            found = found.filter(fulfillment_source__in=MERCHANT_FULFILLED)
        return found.order_by("modified_at", "id")

    def chunk_sql(self, after: Key | None, size: int) -> tuple[str, list[Any]]:
        """:meth:`orders` (the same conditions, so the same index) as one plain statement
        reading ``ORDER_COLUMNS`` of up to ``size`` orders."""
        adapt = connection.ops.adapt_datetimefield_value
        start = self.start if after is None else max(self.start, after[0])
        where = "o.account_id = %s AND o.modified_at >= %s AND o.modified_at < %s"
        params: list[Any] = [self.integration.account_id, adapt(start), adapt(self.end)]
        if after is not None:
            where += " AND (o.modified_at > %s OR o.id > %s)"
            params += [adapt(after[0]), after[1]]
        if self.channel_ids:
            where += f" AND o.channel_id IN ({', '.join('%s' for _ in self.channel_ids)})"
            params += self.channel_ids
        if self.integration.exclude_external_fulfillment:
            where += " AND o.fulfillment_source IN (%s, %s)"
            params += MERCHANT_FULFILLED
        # Names from the models' metadata, values as parameters: nothing from a request.
        sql = (
            f"SELECT {_ORDER_SELECT} FROM {Order._meta.db_table} o"  # noqa: S608
            f" INNER JOIN {Channel._meta.db_table} c ON c.id = o.channel_id"
            f" LEFT OUTER JOIN {CustomStatus._meta.db_table} s ON s.id = o.custom_status_id"
            f" WHERE {where} ORDER BY o.modified_at ASC, o.id ASC LIMIT %s"
        )
        return sql, [*params, size]


_CHOSEN = ShipStationIntegration.channels.through
_CHOSEN_SQL = (
    f"SELECT {_CHOSEN._meta.get_field('channel').column} FROM {_CHOSEN._meta.db_table}"  # noqa: S608
    f" WHERE {_CHOSEN._meta.get_field('shipstationintegration').column} = %s"
)


def export_window(integration: ShipStationIntegration, start: datetime, end: datetime) -> Window:
    """The window with the integration's chosen channels (one plain statement)."""
    with connection.cursor() as cursor:
        cursor.execute(_CHOSEN_SQL, [integration.pk])
        channel_ids = tuple(sorted(row[0] for row in cursor.fetchall()))
    return Window(integration, start, end, channel_ids)


def window_orders(
    integration: ShipStationIntegration, start: datetime, end: datetime
) -> QuerySet[Order]:
    """The integration's orders modified in ``[start, end)``, in ``(modified_at, id)`` order."""
    return export_window(integration, start, end).orders()


@dataclass(frozen=True, slots=True)
class _Paging:
    """A page's bookkeeping as read: its run, where the page before it ended, and whether
    the integration has skip records to clear."""

    run_id: int
    pages: int
    page_size: int
    after: Key | None
    skips: bool


def _paging(integration: ShipStationIntegration, query: ExportQuery) -> _Paging | None:
    """The run of the window and page ``query.page - 1``'s boundary, in one statement."""
    adapt = connection.ops.adapt_datetimefield_value
    runs, ends = ExportRun._meta.db_table, ExportBoundary._meta.db_table
    skips = ExportSkip._meta.db_table
    sql = (
        "SELECT r.id, r.pages, r.page_size, b.modified_at, b.order_id,"  # noqa: S608
        f" EXISTS (SELECT 1 FROM {skips} k WHERE k.integration_id = r.integration_id)"
        f" FROM {runs} r LEFT OUTER JOIN {ends} b ON b.run_id = r.id AND b.page = %s"
        " WHERE r.integration_id = %s AND r.start_date = %s AND r.end_date = %s"
    )
    params = [query.page - 1, integration.pk, adapt(query.start_date), adapt(query.end_date)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    run_id, pages, page_size, modified_at, order_id, has_skips = row
    after = (_moment(modified_at), order_id) if order_id is not None else None
    return _Paging(run_id, pages, page_size, after, bool(has_skips))


_ENDS = ExportBoundary._meta.db_table
_FORGET_ENDS = f"DELETE FROM {_ENDS} WHERE run_id = %s AND page >= %s"  # noqa: S608
_RECORD_END = f"INSERT INTO {_ENDS} (run_id, page, modified_at, order_id) VALUES (%s, %s, %s, %s)"  # noqa: S608


def _record_boundary(run_id: int, page: int, key: Key) -> None:
    """Page ``page`` ended at ``key``; the ends of later pages no longer follow from it
    (two plain statements, in the caller's transaction)."""
    moment = connection.ops.adapt_datetimefield_value(key[0])
    with connection.cursor() as cursor:
        cursor.execute(_FORGET_ENDS, [run_id, page])
        cursor.execute(_RECORD_END, [run_id, page, moment, key[1]])


def _offset_key(window: Window, offset: int) -> Key | None:
    if offset <= 0:
        return None
    row = window.orders().values_list("modified_at", "id")[offset - 1 : offset].first()
    return (row[0], row[1]) if row else None


def _order_row(row: tuple[Any, ...]) -> Row:
    values = list(row)
    values[_PLACED] = _moment(values[_PLACED])
    values[_MODIFIED] = _moment(values[_MODIFIED])
    values[_TAX] = _decimal(values[_TAX], 2)
    values[_SHIPPING] = _decimal(values[_SHIPPING], 2)
    values[_ORDER_WEIGHT] = _decimal(values[_ORDER_WEIGHT], 4)
    return OrderRow._make(values)


def _read_lines(
    account_id: int, ids: list[int]
) -> tuple[dict[int, list[LineValues]], dict[int, Exception], set[str]]:
    """The orders' lines (one statement), each without a location given its product's
    default bin location; what stopped an order's lines being read; and their SKUs."""
    marks = ", ".join("%s" for _ in ids)
    sql = (
        f"SELECT {_LINE_SELECT}, p.bin_location FROM {OrderLine._meta.db_table} l"  # noqa: S608
        f" LEFT OUTER JOIN {Product._meta.db_table} p ON l.location = '' AND l.sku <> ''"
        " AND p.account_id = %s AND p.sku = l.sku"
        f" WHERE l.order_id IN ({marks}) ORDER BY l.order_id, l.position, l.id"
    )
    lines: dict[int, list[LineValues]] = defaultdict(list)
    broken: dict[int, Exception] = {}
    skus: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [account_id, *ids])
        found = cursor.fetchall()
    for (order_id, line_id, sku, name, quantity, shipped, price, weight, unit, image,
         location, options, upc, bin_location) in found:  # fmt: skip
        skus.add(sku)
        try:
            lines[order_id].append(
                LineValues(
                    line_id,
                    sku,
                    name,
                    quantity,
                    shipped,
                    _decimal(price, 2),  # type: ignore[arg-type]
                    _weight(_decimal(weight, 4), unit) if unit else None,
                    image,
                    location or bin_location or "",
                    _options(options),
                    upc,
                )
            )
        except (ValueError, TypeError, AttributeError, KeyError, ArithmeticError) as error:
            broken[order_id] = error
    return lines, broken, skus


def _read_discounts(ids: list[int]) -> dict[int, list[tuple[str, str, Decimal]]]:
    marks = ", ".join("%s" for _ in ids)
    discounts: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    with connection.cursor() as cursor:
        sql = (
            f"SELECT {', '.join(DISCOUNT_COLUMNS)} FROM {OrderDiscount._meta.db_table}"  # noqa: S608
            f" WHERE order_id IN ({marks}) ORDER BY order_id, position, id"
        )
        cursor.execute(sql, ids)
        for order_id, code, description, amount in cursor.fetchall():
            discounts[order_id].append((code, description, _decimal(amount, 2)))  # type: ignore[arg-type]
    return discounts


def _read_chunk(
    integration: ShipStationIntegration,
    window: Window,
    after: Key | None,
    size: int,
    skips: bool = True,
) -> tuple[list[ExportOrder], Key | None]:
    """Up to ``size`` orders after ``after``: exportable ones as DTOs, the rest recorded.

    Three plain statements (orders, lines with their bin locations, discounts) read only
    the columns the export needs, converted here where the driver leaves them raw (SQLite's
    numbers and dates), straight into the DTO.
    """
    with connection.cursor() as cursor:
        cursor.execute(*window.chunk_sql(after, size))
        rows = cursor.fetchall()
    if not rows:
        return [], None
    ids = [row[0] for row in rows]
    lines, broken, skus = _read_lines(integration.account_id, ids)
    kits = (
        kit_parts(integration.account_id, skus) if integration.kit_lines != KitLines.PARENT else {}
    )
    discounts = _read_discounts(ids)
    exported: list[ExportOrder] = []
    skipped: list[ExportSkip] = []
    now = timezone.now()
    for raw in rows:
        order_id = raw[0]
        try:
            if order_id in broken:
                raise broken[order_id]
            row = _order_row(raw)
            value = export_order(row, lines[order_id], discounts[order_id], integration, kits)
            reason = unexportable_reason(value)
        except (ValueError, TypeError, AttributeError, KeyError, ArithmeticError) as error:
            # Stored data no reader expected (a faulty import): one order, not the page.
            logger.exception("shipstation integration %s: order %s", integration.pk, order_id)
            reason = f"could not be exported: {type(error).__name__}: {error}"
        if reason:
            skipped.append(
                ExportSkip(
                    integration=integration, order_id=order_id, reason=reason[:500], skipped_at=now
                )
            )
        else:
            exported.append(value)
    _record_skips(integration, skipped, [int(v.order_id) for v in exported] if skips else [])
    return exported, (_moment(rows[-1][_MODIFIED]), rows[-1][0])


def _record_skips(
    integration: ShipStationIntegration, skipped: list[ExportSkip], exported_ids: list[int]
) -> None:
    if exported_ids:
        ExportSkip.objects.filter(integration=integration, order_id__in=exported_ids).delete()
    if skipped:
        ExportSkip.objects.bulk_create(
            skipped,
            update_conflicts=True,
            unique_fields=["integration", "order"],
            update_fields=["reason", "skipped_at"],
        )
        logger.info(
            "shipstation integration %s: %s left out of the export",
            integration.pk,
            plural(len(skipped), "order"),
        )


def _start_run(integration: ShipStationIntegration, query: ExportQuery, pages: int) -> int:
    """The window's run afresh (page 1, or a page with no run): its page count and no
    boundaries; runs older than :data:`RUN_RETENTION` are forgotten."""
    now = timezone.now()
    ExportRun.objects.filter(integration=integration, started_at__lt=now - RUN_RETENTION).delete()
    run, created = ExportRun.objects.update_or_create(
        integration=integration,
        start_date=query.start_date,
        end_date=query.end_date,
        defaults={"page_size": integration.page_size, "pages": pages, "started_at": now},
    )
    if not created:
        ExportBoundary.objects.filter(run=run).delete()
    return run.pk


def _later_chunks(
    integration: ShipStationIntegration,
    window: Window,
    after: Key | None,
    size: int,
    skips: bool,
) -> Iterator[list[ExportOrder]]:
    while after is not None:
        chunk, after = _read_chunk(integration, window, after, size, skips)
        if chunk:
            yield chunk


def export_page(integration: ShipStationIntegration, query: ExportQuery) -> ExportPage:
    """Plan and read the first chunk of page ``query.page`` (see the module docstring).

    Every read that can fail happens here, before the answer starts; on the last page
    the chunks after the first are read while the answer streams. The reads run outside
    any transaction; what the page records (a new run, its own boundary) is written after
    them in one short one, so concurrent pages never queue behind each other's reads.
    """
    units = _UNITS.get(integration.weight_units)
    window = export_window(integration, query.start, query.end)
    paging = _paging(integration, query) if query.page > 1 else None
    if paging is None:
        # Skip records are cleared only when the integration has any (a read, not a write).
        skips = ExportSkip.objects.filter(integration=integration).exists()
        size = integration.page_size
        pages = min(MAX_PAGE, max(1, math.ceil(window.orders().count() / size)))
        after = None
    else:
        skips, size, pages, after = paging.skips, paging.page_size, paging.pages, paging.after
    # Page k follows page k - 1's boundary when it is known; else it counts (and then
    # records nothing: its end is no boundary of the pages before it).
    follows = query.page == 1 or after is not None
    first: list[ExportOrder] = []
    last_key = end_key = None
    if query.page <= pages:
        if not follows:
            after = _offset_key(window, (query.page - 1) * size)
        if follows or after is not None:
            first, last_key = _read_chunk(integration, window, after, size, skips)
            end_key = last_key or after
    record = follows and query.page < pages and end_key is not None
    if paging is None or record:
        with transaction.atomic():
            run_id = _start_run(integration, query, pages) if paging is None else paging.run_id
            if record and end_key is not None:
                _record_boundary(run_id, query.page, end_key)
    is_last = query.page == pages
    rest = _later_chunks(integration, window, last_key, size, skips) if is_last else iter(())
    return ExportPage(pages=pages, units=units, first=first, rest=rest)
