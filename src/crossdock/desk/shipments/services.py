"""Shipment writes: ship an order (whole or chosen lines), void a shipment, resend a notice.

Each shipment owes its store one ship notice and, when the desk e-mails the buyer, one
e-mail; both rows are created with the shipment and their jobs enqueued inside the same
transaction, so a shipment is never recorded without them (nor they without it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crossdock.core.money import MAX_AMOUNT
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine
from crossdock.desk.shipments.carriers import LabelError, LabelRequest, adapter_for
from crossdock.desk.shipments.errors import (
    ShipmentInvalid,
    ShipmentNotFound,
    ShipmentStateError,
)
from crossdock.desk.shipments.models import BuyerEmail, Shipment, ShipmentLine, StoreNotice
from crossdock.desk.shipments.tasks import deliver_notice_task, send_buyer_email_task
from crossdock.desk.statuses import STATUS_LABELS, DeskStatus
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.notify import OVERRIDES, NotifyStore, notice_due_at


@dataclass(frozen=True, slots=True)
class LineRequest:
    line_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class ShipRequest:
    """What a packer enters. No ``lines`` means every line still to ship."""

    carrier: str
    service: str = ""
    tracking_number: str = ""
    shipping_cost: Decimal | None = None
    ship_date: date | None = None
    notes_to_buyer: str = ""
    #: ``None``: the store's setting decides.
    notify_buyer: bool | None = None
    #: ``None``: the store's "tell the store" rule decides; else ``immediately`` or ``never``.
    notify_store: str | None = None
    lines: tuple[LineRequest, ...] = field(default_factory=tuple)
    adapter: str = "manual"


def _check(request: ShipRequest) -> None:
    errors: dict[str, str] = {}
    if request.shipping_cost is not None and not (
        Decimal(0) <= request.shipping_cost <= MAX_AMOUNT
    ):
        errors["shipping_cost"] = f"between 0.00 and {MAX_AMOUNT}"
    if len(request.service) > 100:
        errors["service"] = "at most 100 characters"
    if len(request.notes_to_buyer) > 1000:
        errors["notes_to_buyer"] = "at most 1000 characters"
    if request.notify_store is not None and request.notify_store not in OVERRIDES:
        errors["notify_store"] = f"one of {', '.join(OVERRIDES)}, or none for the store's rule"
    if errors:
        raise ShipmentInvalid(errors)


def _chosen_lines(
    order: DeskOrder, requested: Sequence[LineRequest]
) -> list[tuple[DeskOrderLine, int]]:
    lines = {
        line.pk: line for line in DeskOrderLine.objects.select_for_update().filter(order=order)
    }
    if not requested:
        return [
            (line, line.quantity_to_ship)
            for line in sorted(lines.values(), key=lambda line: line.position)
            if line.quantity_to_ship > 0
        ]
    chosen: list[tuple[DeskOrderLine, int]] = []
    seen: set[int] = set()
    for index, item in enumerate(requested):
        where = f"lines.{index}"
        line = lines.get(item.line_id)
        if line is None:
            raise ShipmentInvalid({where: f"order {order.order_number} has no line {item.line_id}"})
        if item.line_id in seen:
            raise ShipmentInvalid({where: f"line {item.line_id} is listed twice"})
        seen.add(item.line_id)
        if not line.is_shippable:
            raise ShipmentInvalid({where: f"line {item.line_id} is not a shippable item"})
        if item.quantity < 1:
            raise ShipmentInvalid({where: "the quantity must be at least 1"})
        if item.quantity > line.quantity_to_ship:
            raise ShipmentInvalid(
                {where: f"only {line.quantity_to_ship} of line {item.line_id} is left to ship"}
            )
        chosen.append((line, item.quantity))
    return chosen


def _refresh_status(order: DeskOrder) -> None:
    lines = [line for line in order.lines.all() if line.is_shippable]
    fully = bool(lines) and all(line.quantity_shipped >= line.quantity for line in lines)
    if fully and order.status != DeskStatus.SHIPPED:
        order.status = DeskStatus.SHIPPED
        order.save(update_fields=["status", "updated_at"])
    elif not fully and order.status == DeskStatus.SHIPPED:
        order.status = DeskStatus.AWAITING_SHIPMENT
        order.save(update_fields=["status", "updated_at"])


def _locked_order(account: DeskAccount, order_id: int) -> DeskOrder:
    order = (
        DeskOrder.objects.select_for_update(of=("self",))
        .select_related("store")
        .filter(account=account, pk=order_id)
        .first()
    )
    if order is None:
        raise ShipmentNotFound(f"no order {order_id} in this desk account")
    return order


def create_shipment(
    account: DeskAccount, order_id: int, request: ShipRequest, created_by: str
) -> tuple[Shipment, bool]:
    """Ship the whole order or chosen lines; returns ``(shipment, created)``.

    The same carrier and tracking number on the same order is the same shipment: a repeat
    returns the existing one (``created`` false) instead of shipping twice.
    """
    _check(request)
    now = timezone.now()
    with transaction.atomic():
        order = _locked_order(account, order_id)
        tracking = request.tracking_number.strip()
        if tracking:
            existing = Shipment.objects.filter(
                order=order,
                carrier_key=request.carrier.casefold(),
                tracking_number=tracking,
                voided_at__isnull=True,
            ).first()
            if existing is not None:
                return existing, False
        if order.status != DeskStatus.AWAITING_SHIPMENT:
            state = STATUS_LABELS[DeskStatus(order.status)].lower()
            raise ShipmentStateError(f"order {order.order_number} is {state}; it cannot ship")
        chosen = _chosen_lines(order, request.lines)
        if not chosen:
            raise ShipmentStateError(f"order {order.order_number} has nothing left to ship")
        try:
            label = adapter_for(request.adapter).buy_label(
                LabelRequest(
                    carrier=request.carrier,
                    service=request.service,
                    tracking_number=tracking,
                    shipping_cost=request.shipping_cost,
                    ship_date=request.ship_date or now.date(),
                    now=now,
                )
            )
        except LabelError as error:
            raise ShipmentInvalid({error.field: error.message}) from error
        store: DeskStore = order.store
        wanted = store.email_buyer if request.notify_buyer is None else request.notify_buyer
        emails_buyer = wanted and bool(order.buyer_email)
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(
                    account=account,
                    order=order,
                    adapter=request.adapter,
                    carrier=label.carrier,
                    carrier_key=label.carrier.casefold(),
                    service=label.service,
                    tracking_number=label.tracking_number,
                    shipping_cost=label.shipping_cost,
                    ship_date=request.ship_date or now.date(),
                    label_created_at=label.label_created_at,
                    notes_to_buyer=request.notes_to_buyer.strip(),
                    notify_buyer=emails_buyer,
                    created_by=created_by[:200],
                )
        except IntegrityError as error:
            raise ShipmentStateError("this tracking number was just recorded") from error
        for line, quantity in chosen:
            ShipmentLine.objects.create(shipment=shipment, line=line, quantity=quantity)
            DeskOrderLine.objects.filter(pk=line.pk).update(
                quantity_shipped=F("quantity_shipped") + quantity
            )
        _refresh_status(order)
        _owe_notice(shipment, store, request.notify_store)
        if emails_buyer:
            BuyerEmail.objects.create(
                shipment=shipment, recipient=order.buyer_email, enqueued_at=now
            )
            send_buyer_email_task.enqueue(shipment.pk)
    return shipment, True


def _owe_notice(shipment: Shipment, store: DeskStore, override: str | None) -> StoreNotice:
    """Create the shipment's notice, due when the store's rule (or the override) says."""
    due = notice_due_at(
        store.notify_rule,
        label_created_at=shipment.label_created_at,
        ship_date=shipment.ship_date,
        override=NotifyStore(override) if override else None,
    )
    if due is None:
        return StoreNotice.objects.create(
            shipment=shipment,
            state=StoreNotice.State.NOT_SENT,
            answer="chosen for this shipment: the store is not told"
            if override
            else "the store's settings say never to notify it",
        )
    notice = StoreNotice.objects.create(shipment=shipment, next_attempt_at=due)
    # A delayed notice waits in the queue (``run_after``); voiding before then drops it.
    job = deliver_notice_task if due <= timezone.now() else deliver_notice_task.using(run_after=due)
    job.enqueue(notice.pk)
    return notice


def void_shipment(account: DeskAccount, shipment_id: int) -> Shipment:
    """Void a shipment: its quantities go back to the order; an unsent notice is dropped.

    ShipStation never reports voids to a store, and neither does the desk.
    """
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .filter(account=account, pk=shipment_id)
            .select_related("order")
            .first()
        )
        if shipment is None:
            raise ShipmentNotFound(f"no shipment {shipment_id} in this desk account")
        if shipment.voided_at is not None:
            raise ShipmentStateError(f"shipment {shipment_id} is already voided")
        order = _locked_order(account, shipment.order_id)
        shipment.voided_at = timezone.now()
        shipment.save(update_fields=["voided_at"])
        for item in shipment.lines.all():
            DeskOrderLine.objects.filter(pk=item.line_id).update(
                quantity_shipped=F("quantity_shipped") - item.quantity
            )
        _refresh_status(order)
        StoreNotice.objects.filter(
            shipment=shipment, state__in=[StoreNotice.State.PENDING, StoreNotice.State.FAILED]
        ).update(
            state=StoreNotice.State.NOT_SENT,
            next_attempt_at=None,
            answer="the shipment was voided before the store was told",
        )
    return shipment


def resend_notice(account: DeskAccount, shipment_id: int) -> StoreNotice:
    """Queue the shipment's notice again (a manual resend, whatever its state)."""
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update().filter(account=account, pk=shipment_id).first()
        )
        if shipment is None:
            raise ShipmentNotFound(f"no shipment {shipment_id} in this desk account")
        if shipment.voided_at is not None:
            raise ShipmentStateError("a voided shipment is not reported to the store")
        notice, _ = StoreNotice.objects.select_for_update().get_or_create(shipment=shipment)
        if notice.state == StoreNotice.State.SENDING:
            raise ShipmentStateError("the notice is being sent right now")
        notice.state = StoreNotice.State.PENDING
        notice.next_attempt_at = timezone.now()
        notice.save(update_fields=["state", "next_attempt_at", "updated_at"])
        deliver_notice_task.enqueue(notice.pk)
    return notice
