"""Recording shipments: a fulfillment and its lines, shipped quantities, status, write-back.

One function serves every source: ShipStation's ship notices (lenient: lines that no
longer match mean the whole order, quantities are capped at what is left) and a merchant
recording a shipment by hand (strict: every line must exist and have that much left).

A lenient shipment that reports more units of a line than were left to ship is an
**over-shipment**: the extra units cannot be recorded against the order, but they were
shipped (and the buyer told so). It is never dropped silently: the fulfillment keeps the
count (``over_shipped_units``), an ``over_shipment`` event says what was reported against
what was left, and the order page and the dashboard show it as a problem.

Idempotency is the unique ``(order, dedupe_key)`` constraint: the key is derived from what
the shipment *is* (carrier case-folded and tracking number; without a tracking number,
carrier, service, ship date and lines), so a retry, a manual resend or two identical posts
at the same moment land on one row and queue one write-back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from crossdock.core.actors import Actor
from crossdock.core.carriers import canonical_carrier, carrier_name
from crossdock.core.display import plural
from crossdock.core.money import to_money
from crossdock.core.statuses import OrderStatus, shipment_status
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.services import consume_shipment
from crossdock.hub.channels.models import MANUAL_KIND, Channel
from crossdock.hub.fulfillment.errors import FulfillmentValidationError
from crossdock.hub.fulfillment.models import Fulfillment, FulfillmentLine
from crossdock.hub.fulfillment.outbox import queue_write_back
from crossdock.hub.orders.errors import OrderNotFound
from crossdock.hub.orders.models import EventKind, Order, OrderEvent, OrderLine
from crossdock.platform.rows import insert

#: The order event kind that records an over-shipment.


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    """A line in a shipment: by the order line's id, else (leniently) by SKU."""

    quantity: int
    line_id: int | None = None
    sku: str = ""


@dataclass(frozen=True, slots=True)
class Shipment:
    """What was shipped. No ``lines`` means everything the order has left to ship."""

    carrier: str = ""
    service: str = ""
    tracking_number: str = ""
    shipping_cost: Decimal | None = None
    ship_date: date | None = None
    label_created_at: datetime | None = None
    notes_to_buyer: str = ""
    notify_customer: bool = True
    lines: tuple[ShipmentLine, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordedShipment:
    """The fulfillment row; ``created`` is false when the shipment was already recorded."""

    fulfillment: Fulfillment
    created: bool


def dedupe_key(shipment: Shipment) -> str:
    """The key that makes one shipment one row, however often it is reported.

    With a tracking number: carrier (case-folded) and tracking number. Without one:
    carrier, service, ship date and the lines as reported.
    """
    carrier = shipment.carrier.strip().casefold()
    tracking = shipment.tracking_number.strip()
    if tracking:
        basis = f"tracking\0{carrier}\0{tracking}"
    else:
        lines = sorted(
            f"{line.line_id if line.line_id is not None else ''}:{line.sku}:{line.quantity}"
            for line in shipment.lines
        )
        basis = "\0".join(
            (
                "untracked",
                carrier,
                shipment.service.strip().casefold(),
                shipment.ship_date.isoformat() if shipment.ship_date else "",
                "|".join(lines),
            )
        )
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _remaining(line: OrderLine) -> int:
    return line.quantity - line.quantity_shipped


def _whole_order(lines: Sequence[OrderLine]) -> dict[int, int]:
    return {line.pk: _remaining(line) for line in lines if _remaining(line) > 0}


def _allocate_strict(lines: Sequence[OrderLine], wanted: Sequence[ShipmentLine]) -> dict[int, int]:
    by_id = {line.pk: line for line in lines}
    allocation: dict[int, int] = {}
    for position, request in enumerate(wanted):
        field = f"lines.{position}"
        line = by_id.get(request.line_id) if request.line_id is not None else None
        if line is None:
            raise FulfillmentValidationError(f"{field}.line_id", "no such line on this order")
        if request.quantity < 1:
            raise FulfillmentValidationError(f"{field}.quantity", "must be at least 1")
        allocation[line.pk] = allocation.get(line.pk, 0) + request.quantity
        if allocation[line.pk] > _remaining(line):
            raise FulfillmentValidationError(
                f"{field}.quantity", f"only {_remaining(line)} left to ship on this line"
            )
    return allocation


@dataclass(frozen=True, slots=True)
class OverShipment:
    """Units of one line reported shipped beyond what it had left."""

    line_id: int
    sku: str
    reported: int
    left: int

    @property
    def excess(self) -> int:
        return self.reported - self.left


@dataclass(frozen=True, slots=True)
class Allocation:
    """Units recorded per order line, and what a notice reported beyond them."""

    units: dict[int, int]
    over: tuple[OverShipment, ...] = ()


def _allocate_lenient(lines: Sequence[OrderLine], wanted: Sequence[ShipmentLine]) -> Allocation:
    """Match by line id, then SKU, capping at what is left; nothing matched is the whole order."""
    by_id = {line.pk: line for line in lines}
    allocation: dict[int, int] = {}
    reported: dict[int, int] = {}
    matched = False
    for request in wanted:
        if request.quantity <= 0:
            continue
        line = by_id.get(request.line_id) if request.line_id is not None else None
        if line is None and request.sku:
            same_sku = [candidate for candidate in lines if candidate.sku == request.sku]
            line = next(
                (c for c in same_sku if _remaining(c) - allocation.get(c.pk, 0) > 0),
                same_sku[0] if same_sku else None,
            )
        if line is None:
            continue
        matched = True
        reported[line.pk] = reported.get(line.pk, 0) + request.quantity
        take = min(request.quantity, _remaining(line) - allocation.get(line.pk, 0))
        if take > 0:
            allocation[line.pk] = allocation.get(line.pk, 0) + take
    if not matched:
        # Items that no longer match the order mean the whole order, never a rejection.
        return Allocation(_whole_order(lines))
    over = tuple(
        OverShipment(line.pk, line.sku, reported[line.pk], _remaining(line))
        for line in lines
        if reported.get(line.pk, 0) > _remaining(line)
    )
    return Allocation(allocation, over)


def _allocate(lines: Sequence[OrderLine], shipment: Shipment, *, strict: bool) -> Allocation:
    if not shipment.lines:
        allocation = _whole_order(lines)
        if strict and not allocation:
            raise FulfillmentValidationError("lines", "nothing is left to ship on this order")
        return Allocation(allocation)
    if strict:
        return Allocation(_allocate_strict(lines, shipment.lines))
    return _allocate_lenient(lines, shipment.lines)


def _validate(shipment: Shipment) -> None:
    if shipment.shipping_cost is not None and to_money(shipment.shipping_cost) < 0:
        raise FulfillmentValidationError("shipping_cost", "must not be negative")
    for field, value, limit in (
        ("carrier", shipment.carrier, 100),
        ("service", shipment.service, 100),
        ("tracking_number", shipment.tracking_number, 100),
    ):
        if len(value.strip()) > limit:
            raise FulfillmentValidationError(field, f"must be at most {limit} characters")


#: What recording a shipment reads of an order (and of its channel, the kind).
SHIPMENT_ORDER_FIELDS = ("account", "channel", "number", "status", "channel__kind")

# The hot statements of a ship notice, as plain SQL (``docs/performance.md``: Django took
# 1–2 ms to build each, the database a few hundredths of that to run it). Names come from
# the models' metadata; every value is a parameter.


def _in_model_order(model: type[Model], names: set[str]) -> tuple[str, ...]:
    """``names`` (columns) in the order of ``model``'s fields, the order ``from_db`` wants."""
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in names)


_ORDER_FIELDS = _in_model_order(Order, {"id", "account_id", "channel_id", "number", "status"})
_ORDER_SQL = (
    f"SELECT {', '.join('o.' + name for name in _ORDER_FIELDS)}, c.kind "  # noqa: S608
    f"FROM {Order._meta.db_table} o JOIN {Channel._meta.db_table} c ON c.id = o.channel_id "
    "WHERE o.id = %s AND o.account_id = %s"
)
_FULFILLMENT_SQL = (
    f"SELECT {', '.join(str(field.column) for field in Fulfillment._meta.concrete_fields)} "  # noqa: S608
    f"FROM {Fulfillment._meta.db_table} WHERE order_id = %s AND dedupe_key = %s AND account_id = %s"
)
_LINE_FIELDS = _in_model_order(OrderLine, {"id", "order_id", "sku", "quantity", "quantity_shipped"})
_LINES_SQL = (
    f"SELECT {', '.join('l.' + name for name in _LINE_FIELDS)}, o.status "  # noqa: S608
    f"FROM {OrderLine._meta.db_table} l JOIN {Order._meta.db_table} o ON o.id = l.order_id "
    "WHERE l.order_id = %s ORDER BY l.position, l.id"
)
_STATUS_SQL = f"SELECT status FROM {Order._meta.db_table} WHERE id = %s"  # noqa: S608
_SHIP_LINE_SQL = f"UPDATE {OrderLine._meta.db_table} SET quantity_shipped = %s WHERE id = %s"  # noqa: S608
_FULFILLMENT_LINE_SQL = (
    f"INSERT INTO {FulfillmentLine._meta.db_table} (fulfillment_id, line_id, quantity) "  # noqa: S608
    "VALUES (%s, %s, %s)"
)


def _for_update(sql: str) -> str:
    """``sql`` locking the rows it reads (PostgreSQL; SQLite's write lock is the database's)."""
    return sql + " FOR UPDATE" if connection.features.has_select_for_update else sql


def shipment_orders(account_id: int) -> QuerySet[Order]:
    """The account's orders with only the columns recording a shipment reads.

    A caller that has to find the order first (a ship notice) reads it through this, or
    by id through :func:`shipment_order`, and hands it to :func:`record_fulfillment`,
    which then does not read it again.
    """
    return (
        Order.objects.filter(account_id=account_id)
        .select_related("channel")
        .only(*SHIPMENT_ORDER_FIELDS)
    )


def shipment_order(account_id: int, order_id: int) -> Order | None:
    """The account's order ``order_id`` as :func:`shipment_orders` reads it, in one plain
    statement (a ship notice's look-up), or ``None``."""
    with connection.cursor() as cursor:
        cursor.execute(_ORDER_SQL, [order_id, account_id])
        row = cursor.fetchone()
    if row is None:
        return None
    # Ids and text: nothing to convert. The other columns are deferred, as with ``only``.
    order = Order.from_db(connection.alias, _ORDER_FIELDS, row[:-1])
    # Its channel with the one column recording reads.
    order.channel = Channel.from_db(connection.alias, ["id", "kind"], [order.channel_id, row[-1]])
    return order


def record_fulfillment(
    account: Account | int,
    order: int | Order,
    shipment: Shipment,
    actor: Actor,
    *,
    source: Fulfillment.Source = Fulfillment.Source.MANUAL,
    write_back: bool = True,
    strict: bool | None = None,
) -> RecordedShipment:
    """Record a shipment of an order of ``account`` (the account or its id), exactly once.

    ``order`` is the order's id, or the order as the caller already read it through
    :func:`shipment_orders` or :func:`shipment_order` for this account (then it is not
    read again).

    In one transaction: the fulfillment and its lines, ``quantity_shipped`` on the order
    lines, the order's status (``partially_shipped`` until every line has shipped, then
    ``shipped``), an event, ``modified_at``, and, when ``write_back`` is wanted and the
    order came from a real channel, the queued write-back. A shipment already recorded
    (same dedupe key) returns the existing row with ``created=False`` and writes nothing.

    ``strict`` (default: for manual shipments) refuses lines that do not exist or have
    too little left; otherwise lines are matched by id, then SKU, and capped.
    """
    strict = source == Fulfillment.Source.MANUAL if strict is None else strict
    _validate(shipment)
    key = dedupe_key(shipment)
    account_id = account if isinstance(account, int) else account.pk
    order_id = order if isinstance(order, int) else order.pk
    # A repeat is one read and takes no write lock (on SQLite the write transaction holds
    # the database's one write lock, and every notice waits for it).
    found = _recorded(account_id, order_id, key)
    if found is not None:
        return RecordedShipment(fulfillment=found, created=False)
    if isinstance(order, int):
        read = shipment_order(account_id, order)
        if read is None:
            raise OrderNotFound(f"no order {order}")
        order = read
    carrier = shipment.carrier.strip()
    try:
        with transaction.atomic():
            # The lines and the order's status are read once, locked: the allocation is
            # computed from the counts no other shipment can move until this one commits.
            lines = _locked_lines(order)
            allocation = _allocate(lines, shipment, strict=strict)
            # The unique (order, dedupe_key) constraint decides, not the read above: a
            # concurrent identical notice fails here and rolls this whole transaction back
            # before anything else was written.
            fulfillment = Fulfillment(
                account_id=account_id,
                order=order,
                source=source,
                carrier=carrier,
                carrier_code=canonical_carrier(carrier).value if carrier else "",
                service=shipment.service.strip(),
                tracking_number=shipment.tracking_number.strip(),
                shipping_cost=(
                    to_money(shipment.shipping_cost) if shipment.shipping_cost is not None else None
                ),
                ship_date=shipment.ship_date,
                label_created_at=shipment.label_created_at,
                notes_to_buyer=shipment.notes_to_buyer,
                notify_customer=shipment.notify_customer,
                dedupe_key=key,
                over_shipped_units=sum(over.excess for over in allocation.over),
            )
            insert(fulfillment)
            _apply(order, lines, allocation, fulfillment, actor, write_back=write_back)
    except IntegrityError:
        found = _recorded(account_id, order_id, key)
        if found is None:
            raise
        return RecordedShipment(fulfillment=found, created=False)
    return RecordedShipment(fulfillment=fulfillment, created=True)


def _recorded(account_id: int, order_id: int, key: str) -> Fulfillment | None:
    """The fulfillment already recorded under ``key`` for the order, if any."""
    return next(iter(Fulfillment.objects.raw(_FULFILLMENT_SQL, [order_id, key, account_id])), None)


def _locked_lines(order: Order) -> Sequence[OrderLine]:
    """The order's lines, locked (on PostgreSQL, with the order's row), in one statement;
    sets ``order.status`` to the locked row's. Raises :class:`OrderNotFound` if it is gone."""
    with connection.cursor() as cursor:
        cursor.execute(_for_update(_LINES_SQL), [order.pk])
        rows = cursor.fetchall()
        if not rows:
            # No lines to join the order's status from: lock and read the order alone.
            cursor.execute(_for_update(_STATUS_SQL), [order.pk])
            status = cursor.fetchone()
            if status is None:
                raise OrderNotFound(f"no order {order.pk}")
            order.status = status[0]
            return []
    order.status = rows[0][-1]
    return [OrderLine.from_db(connection.alias, _LINE_FIELDS, row[:-1]) for row in rows]


def _apply(
    order: Order,
    lines: Sequence[OrderLine],
    allocated: Allocation,
    fulfillment: Fulfillment,
    actor: Actor,
    *,
    write_back: bool,
) -> None:
    allocation = allocated.units
    shipped_lines = [line for line in lines if allocation.get(line.pk)]
    # The lines are locked (read for update): their counts are current.
    for line in shipped_lines:
        line.quantity_shipped += allocation[line.pk]
    if shipped_lines:
        with connection.cursor() as cursor:
            cursor.executemany(
                _FULFILLMENT_LINE_SQL,
                [(fulfillment.pk, line.pk, allocation[line.pk]) for line in shipped_lines],
            )
            cursor.executemany(
                _SHIP_LINE_SQL, [(line.quantity_shipped, line.pk) for line in shipped_lines]
            )
    consume_shipment(order, [(line.sku, allocation[line.pk]) for line in shipped_lines], actor)
    ordered = sum(line.quantity for line in lines)
    shipped = sum(line.quantity_shipped for line in lines)
    previous = OrderStatus(order.status)
    status = shipment_status(ordered, shipped)
    now = timezone.now()
    changes: dict[str, Any] = {"modified_at": now, "updated_at": now}
    if status is not None and status != previous:
        changes |= {"status": status.value, "status_before_hold": "", "custom_status_id": None}
    # Only the columns this shipment moves: the order row was read before the lock, and
    # whatever else it holds (notes, a custom status) may have changed since.
    stored = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Order._meta.db_table} SET "  # noqa: S608 - names from the model
            + ", ".join(f"{column} = %s" for column in changes)
            + " WHERE id = %s",
            [*(stored if value is now else value for value in changes.values()), order.pk],
        )
    for column, value in changes.items():
        setattr(order, column, value)
    described = " ".join(
        part for part in (carrier_name(fulfillment.carrier), fulfillment.tracking_number) if part
    )
    units = sum(allocation.values())
    if units:
        message = plural(units, "unit") + " shipped" + (f" ({described})" if described else "")
    else:
        message = "Shipment recorded; nothing was left to ship" + (
            f" ({described})" if described else ""
        )
    if previous == OrderStatus.CANCELLED:
        message += "; the order had been cancelled"
    events = [
        _event(
            order,
            actor,
            EventKind.SHIPMENT_RECORDED,
            message,
            {
                "fulfillment_id": fulfillment.pk,
                "source": fulfillment.source,
                "carrier": fulfillment.carrier,
                "tracking_number": fulfillment.tracking_number,
                "lines": {str(line_id): quantity for line_id, quantity in allocation.items()},
                "status": order.status,
            },
        )
    ]
    if allocated.over:
        events.append(_over_shipment_event(order, actor, fulfillment, allocated.over))
    for event in events:
        insert(event)
    # Nothing to tell a marketplace about: hand-entered orders, shipments with no lines,
    # and orders cancelled before they shipped (the channel would refuse the tracking).
    if (
        write_back
        and units
        and order.channel.kind != MANUAL_KIND
        and previous != OrderStatus.CANCELLED
    ):
        queue_write_back(fulfillment, fresh=True)


def _event(
    order: Order, actor: Actor, kind: EventKind, message: str, data: dict[str, object]
) -> OrderEvent:
    """An event row as :func:`~crossdock.hub.orders.services.record_event` writes it."""
    return OrderEvent(
        account_id=order.account_id,
        order=order,
        actor=str(actor),
        kind=kind,
        message=message[:500],
        data=data,
    )


def _over_shipment_event(
    order: Order, actor: Actor, fulfillment: Fulfillment, over: tuple[OverShipment, ...]
) -> OrderEvent:
    excess = sum(item.excess for item in over)
    detail = "; ".join(
        f"{item.sku or f'line {item.line_id}'}: {item.reported} reported, {item.left} left"
        for item in over
    )
    return _event(
        order,
        actor,
        EventKind.OVER_SHIPMENT,
        f"Over-shipped: {plural(excess, 'unit')} more than were left to ship ({detail})"[:500],
        {
            "fulfillment_id": fulfillment.pk,
            "excess_units": excess,
            "lines": [
                {
                    "line_id": item.line_id,
                    "sku": item.sku,
                    "reported": item.reported,
                    "left": item.left,
                }
                for item in over
            ],
        },
    )
