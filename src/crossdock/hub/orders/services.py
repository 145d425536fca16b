"""Order writes: create, change, hold, cancel, custom statuses, and the event trail.

Every write runs in one transaction, records an :class:`OrderEvent` naming the actor, and
moves ``modified_at`` only when something a shipper cares about changed (status, address,
lines, notes, hold): that is what ShipStation's export window reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from crossdock.core.actors import SYSTEM, Actor
from crossdock.core.dto import Address, OrderData
from crossdock.core.image_urls import clean_image_url
from crossdock.core.money import MAX_AMOUNT, to_money
from crossdock.core.statuses import CLOSED_STATUSES, MAPPABLE_STATUSES, OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.services import cancel_order_stock, sync_order_stock
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import ensure_manual_channel
from crossdock.hub.orders.conversion import (
    address_columns,
    address_of,
    order_columns,
    order_total_of,
    weight_columns,
)
from crossdock.hub.orders.errors import (
    OrderExists,
    OrderNotFound,
    OrderStateError,
    OrderValidationError,
)
from crossdock.hub.orders.models import (
    FIELD_LABELS,
    CustomStatus,
    EventKind,
    Order,
    OrderDiscount,
    OrderEvent,
    OrderLine,
    status_label,
)


class Unset:
    """Marks a change that was not asked for (``None`` can be a real value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()


@dataclass(frozen=True, slots=True)
class OrderChanges:
    """What a merchant may change on an existing order. Unset fields stay as they are."""

    internal_notes: str | Unset = UNSET
    customer_notes: str | Unset = UNSET
    gift_message: str | Unset = UNSET
    hold: bool | Unset = UNSET
    custom_status: str | Unset | None = UNSET
    ship_to: Address | Unset = UNSET
    bill_to: Address | Unset = UNSET


def record_event(
    order: Order,
    actor: Actor,
    kind: EventKind,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append an event to the order's trail; ``message`` is a sentence for people."""
    return OrderEvent.objects.create(
        account_id=order.account_id,
        order=order,
        actor=str(actor),
        kind=kind,
        message=message[:500],
        data=data or {},
    )


def _line_rows(order: Order, data: OrderData) -> list[OrderLine]:
    rows = []
    for position, line in enumerate(data.lines):
        weight_value, weight_unit = weight_columns(line.weight)
        rows.append(
            OrderLine(
                order=order,
                position=position,
                external_id=line.external_id,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=to_money(line.unit_price),
                weight_value=weight_value,
                weight_unit=weight_unit,
                # Only http(s) pictures are stored, whatever the channel sent.
                image_url=clean_image_url(line.image_url),
                options=[{"name": option.name, "value": option.value} for option in line.options],
                location=line.location,
                upc=line.upc,
            )
        )
    return rows


def _discount_rows(order: Order, data: OrderData) -> list[OrderDiscount]:
    return [
        OrderDiscount(
            order=order,
            position=position,
            code=discount.code,
            description=discount.description,
            amount=to_money(discount.amount),
        )
        for position, discount in enumerate(data.discounts)
    ]


def check_total(data: OrderData, total: Decimal | None) -> Decimal:
    """The order's total as its parts add up; reject one beyond what money fields hold, or a
    stated ``total`` that disagrees with lines − discounts + shipping + tax."""
    computed = order_total_of(data)
    if abs(computed) > MAX_AMOUNT:
        raise OrderValidationError(
            "total", f"lines − discounts + shipping + tax = {computed} is beyond {MAX_AMOUNT}"
        )
    if total is None:
        return computed
    if to_money(total) != computed:
        raise OrderValidationError(
            "total",
            f"{to_money(total)} does not equal lines − discounts + shipping + tax = {computed}",
        )
    return computed


def resolve_custom_status(
    account: Account, name: str | None, status: OrderStatus | None = None
) -> CustomStatus | None:
    """The account's custom status called ``name``; it must belong to ``status`` if given."""
    if name is None or name == "":
        return None
    custom = CustomStatus.objects.filter(account=account, name=name).first()
    if custom is None:
        raise OrderValidationError("custom_status", f"no custom status named {name!r}")
    if status is not None and custom.status != mappable_status(status):
        raise OrderValidationError(
            "custom_status",
            f"{name!r} belongs to status {custom.status!r}, not {status.value!r}",
        )
    return custom


def mappable_status(status: OrderStatus) -> str:
    """The mappable status a hub status shows as (partially shipped still awaits shipment)."""
    return OrderStatus.PAID.value if status == OrderStatus.PARTIALLY_SHIPPED else status.value


def create_order(
    account: Account,
    data: OrderData,
    actor: Actor,
    *,
    channel: Channel | None = None,
    total: Decimal | None = None,
    custom_status: str | None = None,
) -> Order:
    """Store a new order on ``channel`` (the account's ``manual`` channel by default).

    A number already used on that channel raises :class:`OrderExists` and stores nothing.
    """
    computed = check_total(data, total)
    if channel is not None and channel.account_id != account.pk:
        raise OrderValidationError("channel", "channel belongs to another account")
    custom = resolve_custom_status(account, custom_status, data.status)
    now = timezone.now()
    try:
        with transaction.atomic():
            target = channel or ensure_manual_channel(account)
            if Order.objects.filter(channel=target, number=data.number).exists():
                raise OrderExists(f"order {data.number!r} already exists on {target.name}")
            order = Order.objects.create(
                account=account,
                channel=target,
                modified_at=now,
                custom_status=custom,
                **order_columns(data, computed),
            )
            OrderLine.objects.bulk_create(_line_rows(order, data))
            OrderDiscount.objects.bulk_create(_discount_rows(order, data))
            sync_order_stock(order, actor)
            record_event(order, actor, EventKind.CREATED, f"Order {order.number} created")
    except IntegrityError as error:
        # A concurrent create of the same number won the unique constraint.
        raise OrderExists(f"order {data.number!r} already exists") from error
    return order


def _locked_order(account: Account, order_id: int) -> Order:
    try:
        return Order.objects.select_for_update().get(account=account, pk=order_id)
    except Order.DoesNotExist as error:
        raise OrderNotFound(f"no order {order_id}") from error


def update_order(account: Account, order_id: int, changes: OrderChanges, actor: Actor) -> Order:
    """Apply a merchant's changes; an event per change, ``modified_at`` moved once if needed."""
    with transaction.atomic():
        order = _locked_order(account, order_id)
        changed: list[str] = []
        for field in ("internal_notes", "customer_notes", "gift_message"):
            value = getattr(changes, field)
            if not isinstance(value, Unset) and value != getattr(order, field):
                setattr(order, field, value)
                changed.append(field)
                record_event(
                    order,
                    actor,
                    EventKind.NOTES_CHANGED,
                    f"{FIELD_LABELS[field]} changed",
                    {"field": field},
                )
        for prefix in ("ship_to", "bill_to"):
            address = getattr(changes, prefix)
            if not isinstance(address, Unset) and address != address_of(order, prefix):
                for column, value in address_columns(prefix, address).items():
                    setattr(order, column, value)
                changed.append(prefix)
                record_event(
                    order, actor, EventKind.ADDRESS_CHANGED, f"{FIELD_LABELS[prefix]} changed"
                )
        if not isinstance(changes.hold, Unset):
            changed += _apply_hold(order, changes.hold, actor)
        if not isinstance(changes.custom_status, Unset):
            custom = resolve_custom_status(account, changes.custom_status)
            if custom is not None and custom.status != mappable_status(OrderStatus(order.status)):
                raise OrderValidationError(
                    "custom_status",
                    f"{custom.name!r} belongs to status {custom.status!r}, "
                    f"but the order is {order.status!r}",
                )
            if custom != order.custom_status:
                order.custom_status = custom
                changed.append("custom_status")
                record_event(
                    order,
                    actor,
                    EventKind.CUSTOM_STATUS_CHANGED,
                    f"Custom status set to {custom.name}" if custom else "Custom status cleared",
                )
        if changed:
            order.modified_at = timezone.now()
            order.save()
        return order


def _apply_hold(order: Order, hold: bool, actor: Actor) -> list[str]:
    status = OrderStatus(order.status)
    if hold:
        if status == OrderStatus.ON_HOLD:
            return []
        if status in CLOSED_STATUSES:
            raise OrderStateError(f"a {status.value} order cannot be put on hold")
        order.status_before_hold = status.value
        order.status = OrderStatus.ON_HOLD.value
        order.custom_status = None
        record_event(order, actor, EventKind.HELD, "Order put on hold")
        return ["status"]
    if status != OrderStatus.ON_HOLD:
        return []
    order.status = order.status_before_hold or OrderStatus.PAID.value
    order.status_before_hold = ""
    order.custom_status = None
    record_event(
        order, actor, EventKind.RELEASED, f"Hold released: back to {status_label(order.status)}"
    )
    return ["status"]


def cancel_order(
    account: Account, order_id: int, actor: Actor, reason: str = "", *, return_stock: bool = True
) -> Order:
    """Cancel an order that has not shipped; cancelling twice is a no-op.

    ``return_stock`` is the merchant's answer to "return the stock?": the order's reserved
    stock goes back on the shelf, or is written off as sold (``catalog.services``).
    """
    with transaction.atomic():
        order = _locked_order(account, order_id)
        status = OrderStatus(order.status)
        if status == OrderStatus.CANCELLED:
            return order
        if status in (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED):
            raise OrderStateError(f"a {status.value} order cannot be cancelled")
        order.status = OrderStatus.CANCELLED.value
        order.status_before_hold = ""
        order.custom_status = None
        order.modified_at = timezone.now()
        order.save()
        cancel_order_stock(order, actor, return_stock=return_stock)
        record_event(order, actor, EventKind.CANCELLED, reason or "Order cancelled")
        return order


def _check_custom_status_name(name: str) -> str:
    """A custom status name as ShipStation's comma-separated status fields can carry it."""
    name = name.strip()
    if not name:
        raise OrderValidationError("name", "must not be empty")
    if "," in name:
        raise OrderValidationError(
            "name", "must not contain a comma (ShipStation's status fields are comma-separated)"
        )
    return name


def create_custom_status(account: Account, name: str, status: str) -> CustomStatus:
    """Add a custom status; its name is unique in the account."""
    name = _check_custom_status_name(name)
    if status not in {mappable.value for mappable in MAPPABLE_STATUSES}:
        raise OrderValidationError("status", f"{status!r} is not one of the five mappable statuses")
    try:
        with transaction.atomic():
            return CustomStatus.objects.create(account=account, name=name, status=status)
    except IntegrityError as error:
        raise OrderExists(f"a custom status named {name!r} already exists") from error


def update_custom_status(
    account: Account,
    custom_status_id: int,
    *,
    name: str | None = None,
    status: str | None = None,
    actor: Actor = SYSTEM,
) -> CustomStatus:
    """Rename or remap a custom status; the orders carrying it move in the export window.

    A rename changes the status string those orders export. A remap to another standard
    status takes it off those orders (they no longer belong to it), each with an event.
    A change to nothing touches nothing.
    """
    with transaction.atomic():
        custom = (
            CustomStatus.objects.select_for_update()
            .filter(account=account, pk=custom_status_id)
            .first()
        )
        if custom is None:
            raise OrderNotFound(f"no custom status {custom_status_id}")
        old_name, old_status = custom.name, custom.status
        if name is not None:
            custom.name = _check_custom_status_name(name)
        if status is not None:
            if status not in {mappable.value for mappable in MAPPABLE_STATUSES}:
                raise OrderValidationError("status", f"{status!r} is not a mappable status")
            custom.status = status
        if (custom.name, custom.status) == (old_name, old_status):
            return custom
        try:
            with transaction.atomic():
                custom.save()
        except IntegrityError as error:
            raise OrderExists(f"a custom status named {custom.name!r} already exists") from error
        carriers = Order.objects.filter(custom_status=custom)
        now = timezone.now()
        if custom.status == old_status:
            carriers.update(modified_at=now)
            return custom
        for order in carriers.select_for_update():
            order.custom_status = None
            order.modified_at = now
            order.save(update_fields=["custom_status", "modified_at", "updated_at"])
            record_event(
                order,
                actor,
                EventKind.CUSTOM_STATUS_CHANGED,
                f"Custom status {old_name} removed: it now belongs to "
                f"{status_label(custom.status)}",
            )
        return custom
