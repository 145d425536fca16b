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

**Queries.** A chunk is four reads (orders with their channel and custom status, their
lines, the bin locations of lines without one, their discounts; when kits go as components,
three more: its kits, their recipes a level at a time, their parts), each read as tuples of
only the columns the wire needs (``ORDER_COLUMNS``, ``LINE_COLUMNS``) straight into the DTO,
never as model instances (the weight and kit rules take :class:`LineValues`), and writes for skip
records only when there is one to record or clear, whatever its size: never a query per
order or per line. A page costs the same at any depth of the window: its start is read
from one boundary row and written as one, and the key is the index range's only lower
bound (:meth:`Window.orders`), so the database seeks to the page instead of scanning the
window from its start. Page 1's count reads the
``(account, modified_at, id, fulfillment_source, channel)`` index alone.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import transaction
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
from crossdock.hub.orders.conversion import options_of, weight_of
from crossdock.hub.orders.models import ADDRESS_FIELDS, Order, OrderDiscount, OrderLine
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
#: An order read as ``values_list(*ORDER_COLUMNS, named=True)``.
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


def export_window(integration: ShipStationIntegration, start: datetime, end: datetime) -> Window:
    channel_ids = tuple(integration.channels.values_list("pk", flat=True))
    return Window(integration, start, end, channel_ids)


def window_orders(
    integration: ShipStationIntegration, start: datetime, end: datetime
) -> QuerySet[Order]:
    """The integration's orders modified in ``[start, end)``, in ``(modified_at, id)`` order."""
    return export_window(integration, start, end).orders()


def _boundary(run: ExportRun, page: int) -> Key | None:
    """Where page ``page`` of the run ended, if it was served and recorded."""
    row = (
        ExportBoundary.objects.filter(run=run, page=page)
        .values_list("modified_at", "order_id")
        .first()
    )
    return (row[0], row[1]) if row else None


def _record_boundary(run: ExportRun, page: int, key: Key) -> None:
    """Page ``page`` ended at ``key``; the ends of later pages no longer follow from it."""
    ExportBoundary.objects.filter(run=run, page__gte=page).delete()
    ExportBoundary.objects.create(run=run, page=page, modified_at=key[0], order_id=key[1])


def _offset_key(window: Window, offset: int) -> Key | None:
    if offset <= 0:
        return None
    row = window.orders().values_list("modified_at", "id")[offset - 1 : offset].first()
    return (row[0], row[1]) if row else None


def _read_chunk(
    integration: ShipStationIntegration,
    window: Window,
    after: Key | None,
    size: int,
    skips: bool = True,
) -> tuple[list[ExportOrder], Key | None]:
    """Up to ``size`` orders after ``after``: exportable ones as DTOs, the rest recorded.

    Rows are read as tuples of the columns the export needs, straight into the DTO.
    """
    rows = list(window.orders(after).values_list(*ORDER_COLUMNS, named=True)[:size])
    if not rows:
        return [], None
    ids = [row.id for row in rows]
    raw_lines = list(
        OrderLine.objects.filter(order_id__in=ids)
        .order_by("order_id", "position", "id")
        .values_list(*LINE_COLUMNS)
    )
    bins = _bin_locations(integration.account_id, raw_lines)
    lines: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for raw in raw_lines:
        lines[raw[0]].append(raw)
    kits = (
        kit_parts(integration.account_id, {raw[2] for raw in raw_lines})
        if integration.kit_lines != KitLines.PARENT
        else {}
    )
    discounts: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for order_id, code, description, amount in (
        OrderDiscount.objects.filter(order_id__in=ids)
        .order_by("order_id", "position", "id")
        .values_list(*DISCOUNT_COLUMNS)
    ):
        discounts[order_id].append((code, description, amount))
    exported: list[ExportOrder] = []
    skipped: list[ExportSkip] = []
    now = timezone.now()
    for row in rows:
        try:
            values = _line_values(lines[row.id], bins)
            value = export_order(row, values, discounts[row.id], integration, kits)
            reason = unexportable_reason(value)
        except (ValueError, TypeError, AttributeError, KeyError, ArithmeticError) as error:
            # Stored data no reader expected (a faulty import): one order, not the page.
            logger.exception("shipstation integration %s: order %s", integration.pk, row.id)
            reason = f"could not be exported: {type(error).__name__}: {error}"
        if reason:
            skipped.append(
                ExportSkip(
                    integration=integration, order_id=row.id, reason=reason[:500], skipped_at=now
                )
            )
        else:
            exported.append(value)
    _record_skips(integration, skipped, [int(v.order_id) for v in exported] if skips else [])
    return exported, (rows[-1].modified_at, rows[-1].id)


def _line_values(raw_lines: list[tuple[Any, ...]], bins: dict[str, str]) -> list[LineValues]:
    """An order's line rows as values; a line stored without a location gets its bin's."""
    found = [line_of(*raw[1:]) for raw in raw_lines]
    if bins:
        found = [
            replace(line, location=bins[line.sku])
            if not line.location and line.sku in bins
            else line
            for line in found
        ]
    return found


def _bin_locations(account_id: int, raw_lines: list[tuple[Any, ...]]) -> dict[str, str]:
    """SKU → its product's default bin location, for the lines stored without a location."""
    missing = {raw[2] for raw in raw_lines if not raw[10] and raw[2]}
    if not missing:
        return {}
    return dict(
        Product.objects.filter(account_id=account_id, sku__in=missing)
        .exclude(bin_location="")
        .values_list("sku", "bin_location")
    )


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


def _run(integration: ShipStationIntegration, query: ExportQuery, window: Window) -> ExportRun:
    """The paging run of this window; page 1 (or a page with no run) starts it afresh."""
    now = timezone.now()
    run = None
    if query.page > 1:
        run = ExportRun.objects.filter(
            integration=integration, start_date=query.start_date, end_date=query.end_date
        ).first()
    if run is not None:
        return run
    ExportRun.objects.filter(integration=integration, started_at__lt=now - RUN_RETENTION).delete()
    size = integration.page_size
    pages = min(MAX_PAGE, max(1, math.ceil(window.orders().count() / size)))
    run, created = ExportRun.objects.update_or_create(
        integration=integration,
        start_date=query.start_date,
        end_date=query.end_date,
        defaults={"page_size": size, "pages": pages, "started_at": now},
    )
    if not created:
        ExportBoundary.objects.filter(run=run).delete()
    return run


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
    the chunks after the first are read while the answer streams.
    """
    units = _UNITS.get(integration.weight_units)
    window = export_window(integration, query.start, query.end)
    # Skip records are cleared only when the integration has any (a read, not a write).
    skips = ExportSkip.objects.filter(integration=integration).exists()
    with transaction.atomic():
        run = _run(integration, query, window)
        if query.page > run.pages:
            return ExportPage(pages=run.pages, units=units, first=[], rest=iter(()))
        size = run.page_size
        # Page k follows page k - 1's boundary when it is known; else it counts (and then
        # records nothing: its end is no boundary of the pages before it).
        after = _boundary(run, query.page - 1) if query.page > 1 else None
        follows = query.page == 1 or after is not None
        if not follows:
            after = _offset_key(window, (query.page - 1) * size)
            if after is None:
                return ExportPage(pages=run.pages, units=units, first=[], rest=iter(()))
        first, last_key = _read_chunk(integration, window, after, size, skips)
        end_key = last_key or after
        if follows and query.page < run.pages and end_key is not None:
            _record_boundary(run, query.page, end_key)
    is_last = query.page >= run.pages
    rest = _later_chunks(integration, window, last_key, size, skips) if is_last else iter(())
    return ExportPage(pages=run.pages, units=units, first=first, rest=rest)
