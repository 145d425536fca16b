"""Upserting orders pulled from a channel: one row per ``(channel, external id)``, never two.

The sync engine calls :func:`upsert_channel_order` for every order a pull reads, including
the ones an overlap window reads again. A payload whose digest matches the stored one is
no change at all: no write, no event, ``modified_at`` untouched (so ShipStation's export
window does not fill with re-reads). A changed payload updates the channel-owned fields,
records one event and moves ``modified_at``.

What the channel owns and what the merchant owns:

- The channel owns buyer, addresses, lines, prices, coupons, gift, buyer notes, weight.
- The merchant owns holds, custom statuses and internal notes (set from the channel only
  when the order is created).
- Statuses only move forward: a shipped or cancelled hub order keeps its status; a held
  order stays held and remembers the channel's status for its release. A cancellation on
  the channel cancels the hub order unless something has shipped.
- Lines are matched by the channel's line id; a line already (partly) shipped is never
  deleted or reduced below what shipped.

**Batches.** A pull stores a page of new orders with :func:`create_channel_orders`: a
fixed number of statements for the whole page (orders, lines, discounts, events) instead
of five per order. Whatever the batch cannot take for sure (an invalid total, a number
already used, a number twice in the page, a concurrent insert) is left to
:func:`upsert_channel_order`, one order at a time, with its own error. Both paths end in
:func:`after_channel_order_saved`, the one place for steps every stored channel order
takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model, Q
from django.utils import timezone

from crossdock.core.actors import Actor
from crossdock.core.digests import digest_matches, is_current, order_digest
from crossdock.core.dto import LineData, LineOption, OrderData
from crossdock.core.image_urls import clean_image_url
from crossdock.core.money import to_money
from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.services import holding_products, sync_order_stock
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import ensure_manual_channel
from crossdock.hub.orders.conversion import order_columns, weight_columns
from crossdock.hub.orders.errors import OrderError, OrderExists
from crossdock.hub.orders.models import (
    CustomStatus,
    EventKind,
    Order,
    OrderDiscount,
    OrderEvent,
    OrderLine,
    field_label,
    status_label,
)
from crossdock.hub.orders.refunds import apply_refunds_and_cancellation
from crossdock.hub.orders.services import (
    check_total,
    create_order,
    record_event,
    resolve_custom_status,
)
from crossdock.platform.rows import insert_sql


class UpsertOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CANCELLED = "cancelled"


#: Order columns the channel does not own after creation: the key, and what the merchant
#: owns (the status moves through ``_apply_status``).
_NOT_CHANNEL_OWNED = ("external_id", "status", "internal_notes")


def _channel_columns(data: OrderData) -> dict[str, Any]:
    """The order columns a channel owns, from its latest payload (as a create stores them)."""
    columns = order_columns(data)
    for column in _NOT_CHANNEL_OWNED:
        del columns[column]
    return columns


def _line_columns(line: LineData, position: int) -> dict[str, Any]:
    weight_value, weight_unit = weight_columns(line.weight)
    return {
        "position": position,
        "external_id": line.external_id,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": to_money(line.unit_price),
        "weight_value": weight_value,
        "weight_unit": weight_unit,
        "image_url": line.image_url,
        "options": [{"name": option.name, "value": option.value} for option in line.options],
        "location": line.location,
        "upc": line.upc,
    }


def _reconcile_lines(order: Order, data: OrderData) -> bool:
    """Bring the order's lines in line with the payload; ``True`` when any row changed."""
    existing = list(order.lines.all())
    by_id = {line.external_id: line for line in existing if line.external_id}
    unmatched = [line for line in existing if not line.external_id]
    changed = False
    kept: set[int] = set()
    for position, incoming in enumerate(data.lines):
        row = by_id.get(incoming.external_id) if incoming.external_id else None
        if row is None:
            row = next((line for line in unmatched if line.sku == incoming.sku), None)
            if row is not None:
                unmatched.remove(row)
        columns = _line_columns(incoming, position)
        if row is None:
            OrderLine.objects.create(order=order, **columns)
            changed = True
            continue
        kept.add(row.pk)
        # Never below what already shipped (the row's check constraint says the same).
        columns["quantity"] = max(columns["quantity"], row.quantity_shipped)
        updates = {key: value for key, value in columns.items() if getattr(row, key) != value}
        if updates:
            for key, value in updates.items():
                setattr(row, key, value)
            row.save(update_fields=list(updates))
            changed = True
    for row in existing:
        if row.pk in kept or row.quantity_shipped or row.fulfillment_lines.exists():
            continue
        row.delete()
        changed = True
    return changed


def _replace_discounts(order: Order, data: OrderData) -> bool:
    current = [(d.code, d.description, d.amount) for d in order.discounts.all()]
    incoming = [(d.code, d.description, to_money(d.amount)) for d in data.discounts]
    if current == incoming:
        return False
    order.discounts.all().delete()
    OrderDiscount.objects.bulk_create(
        OrderDiscount(order=order, position=index, code=code, description=text, amount=amount)
        for index, (code, text, amount) in enumerate(incoming)
    )
    return True


_STICKY = frozenset({OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.CANCELLED})


def _apply_status(order: Order, incoming: OrderStatus, actor: Actor) -> str | None:
    """Move the status forward from the channel's; the event kind recorded, or ``None``."""
    current = OrderStatus(order.status)
    if incoming == OrderStatus.CANCELLED:
        if current == OrderStatus.CANCELLED:
            return None
        if current in (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED):
            record_event(
                order,
                actor,
                EventKind.CHANNEL_CANCEL_IGNORED,
                "The channel cancelled the order, but it is already "
                f"{status_label(current).lower()}",
            )
            return EventKind.CHANNEL_CANCEL_IGNORED
        order.status = OrderStatus.CANCELLED.value
        order.status_before_hold = ""
        order.custom_status = None
        record_event(order, actor, EventKind.CANCELLED, "Cancelled on the channel")
        return EventKind.CANCELLED
    if current in _STICKY or current == incoming:
        return None
    if current == OrderStatus.ON_HOLD and incoming in (OrderStatus.UNPAID, OrderStatus.PAID):
        order.status_before_hold = incoming.value
        return None
    order.status = incoming.value
    order.status_before_hold = ""
    order.custom_status = None
    record_event(
        order,
        actor,
        EventKind.STATUS_CHANGED,
        f"Status changed on the channel: {status_label(current)} → {status_label(incoming)}",
    )
    return EventKind.STATUS_CHANGED


def _update(order: Order, data: OrderData, digest: str, actor: Actor) -> UpsertOutcome:
    columns = _channel_columns(data)
    changed = [column for column, value in columns.items() if getattr(order, column) != value]
    for column, value in columns.items():
        setattr(order, column, value)
    if _reconcile_lines(order, data):
        changed.append("lines")
    if _replace_discounts(order, data):
        changed.append("discounts")
    status_event = _apply_status(order, data.status, actor)
    apply_refunds_and_cancellation(order, data, actor)
    if changed:
        record_event(
            order,
            actor,
            EventKind.CHANNEL_UPDATED,
            "Updated from the channel: " + ", ".join(field_label(name) for name in changed),
            {"fields": changed},
        )
    order.payload_digest = digest
    if not changed and status_event is None:
        # The payload moved only in what the merchant owns (internal notes, a status the
        # hold keeps): store it, but nothing ShipStation exports changed.
        order.save()
        return UpsertOutcome.UNCHANGED
    order.modified_at = timezone.now()
    order.save()
    sync_order_stock(order, actor)
    return UpsertOutcome.CANCELLED if status_event == "cancelled" else UpsertOutcome.UPDATED


def after_channel_order_saved(order: Order, data: OrderData, actor: Actor) -> None:
    """The steps every newly stored channel order takes, single or batched.

    Called inside the transaction that stored it: the channel's refunds and cancellation
    details are recorded and the order's stock reserved (both idempotent). A changed order
    takes the same steps inside :func:`_update`. The batch takes them in
    :func:`_after_orders_inserted`, reading only the orders that have such a step to take.
    """
    apply_refunds_and_cancellation(order, data, actor)
    if holding_products([(order, order.account_id, [line.sku for line in data.lines])]):
        sync_order_stock(order, actor)


def _after_orders_inserted(
    channel: Channel, created: Sequence[tuple[int, OrderData]], actor: Actor
) -> None:
    """:func:`after_channel_order_saved` for a batch of new orders, by id.

    Most new orders have no step to take: no refunds or cancellation details in the
    payload, and no SKU that is a product (a new order holds no reservation to release).
    One product look-up finds the others; only those are read back as model instances.
    """
    telling = {
        pk
        for pk, data in created
        if data.refunds or data.cancelled_at is not None or data.cancel_reason
    }
    stocked = set(
        holding_products(
            [(pk, channel.account_id, [line.sku for line in data.lines]) for pk, data in created]
        )
    )
    wanted = telling | stocked
    if not wanted:
        return
    orders = Order.objects.in_bulk(wanted)
    for pk, data in created:
        if pk in telling:
            apply_refunds_and_cancellation(orders[pk], data, actor)
        if pk in stocked:
            sync_order_stock(orders[pk], actor)


def _creatable(channel: Channel, items: Sequence[OrderData]) -> list[tuple[OrderData, Decimal]]:
    """The items the batch can create for sure (valid totals, numbers free and unique), each
    with its checked total."""
    numbers = [data.number for data in items]
    keys = [data.external_id or data.number for data in items]
    taken = set(
        Order.objects.filter(
            Q(number__in=numbers) | Q(external_id__in=keys), channel=channel
        ).values_list("number", "external_id")
    )
    seen = {value for pair in taken for value in pair}
    chosen = []
    for data in items:
        key = data.external_id or data.number
        # A number or key met before (stored, or earlier in the page) is the single path's.
        if data.number in seen or key in seen:
            continue
        seen |= {data.number, key}
        try:
            chosen.append((data, check_total(data, None)))
        except (OrderError, ArithmeticError, ValueError):
            continue
    return chosen


@dataclass(frozen=True, slots=True)
class CreatedOrder:
    """An order a batch stored: its id, number and key (the batch builds no model instance)."""

    pk: int
    number: str
    external_id: str


def create_channel_orders(
    channel: Channel, items: Sequence[OrderData], actor: Actor
) -> dict[str, CreatedOrder]:
    """Create the new orders of a page in one transaction; the ones created, by external id.

    Items left out (see the module docstring) are for :func:`upsert_channel_order`. Every
    order is created as :func:`~crossdock.hub.orders.services.create_order` would, with its
    digest; a conflict with a concurrent pull creates nothing here.
    """
    chosen = _creatable(channel, items) if items else []
    if not chosen:
        return {}
    try:
        orders = _insert_orders(
            channel, [(data, None, total) for data, total in chosen], actor, digests=True
        )
    except IntegrityError:
        # A concurrent pull stored one of them first: the single path sorts each out.
        return {}
    return {order.external_id: order for order in orders}


def new_row_columns(model: type[Model]) -> dict[str, Field[Any, Any]]:
    """The columns of ``model``'s table a new row fills (every concrete one but the id)."""
    return {
        field.column or field.attname: field
        for field in model._meta.concrete_fields
        if not field.primary_key
    }


_LINE_COLUMNS = (
    "order_id",
    "position",
    "external_id",
    "sku",
    "name",
    "quantity",
    "unit_price",
    "weight_value",
    "weight_unit",
    "image_url",
    "options",
    "location",
    "upc",
    "quantity_shipped",
)
_DISCOUNT_COLUMNS = ("order_id", "position", "code", "description", "amount")
_EVENT_COLUMNS = ("account_id", "order_id", "at", "actor", "kind", "message", "data")
#: Most keys one ``IN (…)`` lists (under SQLite's and PostgreSQL's limits on parameters).
_KEYS_PER_QUERY = 900


def _order_defaults(now: Any) -> dict[str, Any]:
    """Every order column's value for a new row, before the payload's own (adapted once)."""
    values = {
        column: field.get_db_prep_save(field.get_default(), connection)
        for column, field in new_row_columns(Order).items()
    }
    values.update(created_at=now, updated_at=now, modified_at=now)
    return values


def _insert_orders(
    channel: Channel,
    items: Sequence[tuple[OrderData, CustomStatus | None, Decimal]],
    actor: Actor,
    *,
    digests: bool,
) -> list[CreatedOrder]:
    """Store ``items`` (checked already, each with its checked total, so no total is computed
    twice) on ``channel`` in one transaction: one ``executemany`` per table (orders, lines,
    discounts, events) and one read of the new ids, whatever the number of orders; then the
    steps of :func:`after_channel_order_saved`.

    The rows are built from the DTOs as the ORM would store them (the same values through
    the backend's adapters), with no model instance: this is every new order's path, a
    pulled page's and a bulk API call's. Raises :class:`IntegrityError`, having stored
    nothing, when a concurrent writer took a number first.
    """
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    defaults = _order_defaults(now)
    columns = tuple(defaults)
    account_id, channel_id = channel.account_id, channel.pk
    order_rows = []
    for data, custom, total in items:
        row = defaults | order_columns(data, total)
        row["account_id"], row["channel_id"] = account_id, channel_id
        row["placed_at"] = ops.adapt_datetimefield_value(data.placed_at)
        row["custom_status_id"] = custom.pk if custom is not None else None
        if digests:
            row["payload_digest"] = order_digest(data)
        order_rows.append(tuple(map(row.__getitem__, columns)))
    keys = [data.external_id or data.number for data, *_ in items]
    no_data = ops.adapt_json_value({}, None)
    # Lines of a batch mostly share a few sets of options: each set is written once.
    written: dict[tuple[LineOption, ...], Any] = {}

    def options_json(options: tuple[LineOption, ...]) -> Any:
        value = written.get(options)
        if value is None:
            value = written[options] = ops.adapt_json_value(
                [{"name": option.name, "value": option.value} for option in options], None
            )
        return value

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(insert_sql(Order, columns), order_rows)
        ids: dict[str, int] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start : start + _KEYS_PER_QUERY]
            ids.update(
                Order.objects.filter(channel_id=channel_id, external_id__in=chunk).values_list(
                    "external_id", "id"
                )
            )
        created = [(ids[key], data) for key, (data, *_) in zip(keys, items, strict=True)]
        lines = [
            (
                pk,
                position,
                line.external_id,
                line.sku,
                line.name,
                line.quantity,
                to_money(line.unit_price),
                *weight_columns(line.weight),
                # Only http(s) pictures are stored, whatever the channel sent.
                clean_image_url(line.image_url),
                options_json(line.options),
                line.location,
                line.upc,
                0,
            )
            for pk, data in created
            for position, line in enumerate(data.lines)
        ]
        if lines:
            cursor.executemany(insert_sql(OrderLine, _LINE_COLUMNS), lines)
        discounts = [
            (pk, position, discount.code, discount.description, to_money(discount.amount))
            for pk, data in created
            for position, discount in enumerate(data.discounts)
        ]
        if discounts:
            cursor.executemany(insert_sql(OrderDiscount, _DISCOUNT_COLUMNS), discounts)
        who = str(actor)
        cursor.executemany(
            insert_sql(OrderEvent, _EVENT_COLUMNS),
            [
                (
                    account_id,
                    pk,
                    now,
                    who,
                    EventKind.CREATED.value,
                    f"Order {data.number} created"[:500],
                    no_data,
                )
                for pk, data in created
            ],
        )
        _after_orders_inserted(channel, created, actor)
    return [
        CreatedOrder(pk, data.number, key) for key, (pk, data) in zip(keys, created, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class NewOrder:
    """An order to create on the manual channel, as ``POST /api/v1/orders`` takes it."""

    data: OrderData
    total: Decimal | None = None
    custom_status: str | None = None


def create_orders(
    account: Account, items: Sequence[NewOrder], actor: Actor
) -> list[CreatedOrder | OrderError]:
    """Create many orders on the account's manual channel; one answer per item, in order.

    Each item is checked as :func:`~crossdock.hub.orders.services.create_order` checks it
    (its total, its custom status, its number free on the channel and not repeated in
    ``items``): a refused item gets its error and is not stored at all. The accepted ones
    are stored together (:func:`_insert_orders`: a fixed number of statements, then every
    order's :func:`after_channel_order_saved`). Should a concurrent writer take one of the
    numbers meanwhile, the batch stores nothing and each item is created on its own.
    """
    channel = ensure_manual_channel(account)
    if not items:
        return []
    taken = set(
        Order.objects.filter(
            channel=channel, number__in=[item.data.number for item in items]
        ).values_list("number", flat=True)
    )
    customs: dict[tuple[str, OrderStatus], CustomStatus | None] = {}
    answers: dict[int, CreatedOrder | OrderError] = {}
    accepted: list[tuple[int, OrderData, CustomStatus | None, Decimal]] = []
    for index, item in enumerate(items):
        try:
            total = check_total(item.data, item.total)
            custom = None
            if item.custom_status:
                wanted = (item.custom_status, item.data.status)
                if wanted not in customs:
                    customs[wanted] = resolve_custom_status(account, *wanted)
                custom = customs[wanted]
            if item.data.number in taken:
                raise OrderExists(f"order {item.data.number!r} already exists on {channel.name}")
        except OrderError as error:
            answers[index] = error
            continue
        taken.add(item.data.number)
        accepted.append((index, item.data, custom, total))
    try:
        stored: Sequence[CreatedOrder | OrderError] = _insert_orders(
            channel,
            [(data, custom, total) for _, data, custom, total in accepted],
            actor,
            digests=False,
        )
    except IntegrityError:
        stored = [_create_one(account, channel, items[index], actor) for index, *_ in accepted]
    answers.update((index, order) for (index, *_), order in zip(accepted, stored, strict=True))
    return [answers[index] for index in range(len(items))]


def _create_one(
    account: Account, channel: Channel, item: NewOrder, actor: Actor
) -> CreatedOrder | OrderError:
    try:
        with transaction.atomic():
            order = create_order(
                account,
                item.data,
                actor,
                channel=channel,
                total=item.total,
                custom_status=item.custom_status,
            )
            after_channel_order_saved(order, item.data, actor)
    except OrderError as error:
        return error
    return CreatedOrder(order.pk, order.number, order.external_id)


def upsert_channel_order(
    channel: Channel, data: OrderData, actor: Actor
) -> tuple[Order, UpsertOutcome]:
    """Store or update the order ``data`` describes on ``channel``; idempotent per digest."""
    digest = order_digest(data)
    external_id = data.external_id or data.number
    for _ in range(2):
        with transaction.atomic():
            order = (
                Order.objects.select_for_update()
                .filter(channel=channel, external_id=external_id)
                .first()
            )
            if order is not None:
                if digest_matches(order.payload_digest, data, digest):
                    if not is_current(order.payload_digest):
                        # Stored before the digest's current form: kept in the new one.
                        Order.objects.filter(pk=order.pk).update(payload_digest=digest)
                        order.payload_digest = digest
                    return order, UpsertOutcome.UNCHANGED
                return order, _update(order, data, digest, actor)
        try:
            # One transaction: an order is never stored without the digest of its payload.
            with transaction.atomic():
                created = create_order(channel.account, data, actor, channel=channel)
                Order.objects.filter(pk=created.pk).update(payload_digest=digest)
                after_channel_order_saved(created, data, actor)
        except OrderExists:
            # Either a concurrent pull created it (loop: update it) or another order of the
            # channel already uses this number (the loop finds nothing and raises below).
            continue
        created.payload_digest = digest
        return created, UpsertOutcome.CREATED
    raise OrderExists(
        f"order number {data.number!r} is taken on {channel.name} by another external id"
    )
