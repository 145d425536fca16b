"""Writes of imported orders: the idempotent upsert an import applies to each order.

The rules that keep re-imports safe live here: an order is found again by store + key; an
older ``LastModified`` never overwrites a newer copy (so a shipped or cancelled order is
never resurrected); an unchanged order is left alone; lines are matched by ``LineItemID``
(else SKU) so shipped quantities survive an update.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction

from crossdock.core.dto import Address
from crossdock.core.weights import Weight, WeightUnit
from crossdock.customstore.reader import ReadItem, ReadOrder
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine, DeskProduct
from crossdock.desk.statuses import CLOSED_STATUSES, DeskStatus
from crossdock.desk.stores.models import DeskStore

#: The largest weight a weight column (14 digits, 4 places) holds.
MAX_STORED_WEIGHT = Decimal("9999999999.9999")


class OrderOutOfRange(ValueError):
    """An imported order with a figure no column can hold: it is left out, with this reason.

    The reader bounds each number; only sums (the order weight) can still overflow.
    """


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    outcome: Outcome
    order: DeskOrder
    reason: str = ""


def total_weight(weighted: Iterable[tuple[Weight | None, int]]) -> Weight | None:
    """Σ unit weight × quantity; in the lines' unit when they share one, else in grams."""
    parts = [(weight, quantity) for weight, quantity in weighted if weight is not None]
    if not parts:
        return None
    units = {weight.unit for weight, _ in parts}
    unit = units.pop() if len(units) == 1 else WeightUnit.GRAM
    total = sum((weight.to(unit).value * quantity for weight, quantity in parts), Decimal(0))
    return Weight(total.quantize(Decimal("0.0001")), unit)


def _address(address: Address) -> dict[str, str]:
    return {
        "name": address.name,
        "company": address.company,
        "phone": address.phone,
        "email": address.email,
        "address1": address.address1,
        "address2": address.address2,
        "city": address.city,
        "state": address.state,
        "postal_code": address.postal_code,
        "country": address.country,
    }


def _digest(read: ReadOrder, status: DeskStatus, store: DeskStore) -> str:
    settings_part = f"{store.weight_source}|{store.locations_from_store}"
    return hashlib.sha256(f"{read!r}|{status}|{settings_part}".encode()).hexdigest()


def _line_keys(items: tuple[ReadItem, ...]) -> list[str]:
    seen: Counter[str] = Counter()
    keys: list[str] = []
    for item in items:
        if item.line_item_id:
            base = f"id:{item.line_item_id}"
        else:
            base = f"sku:{item.sku}:{item.name if not item.sku else ''}"
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return [key[:150] for key in keys]


def _products(store: DeskStore, items: tuple[ReadItem, ...]) -> dict[str, DeskProduct]:
    """The desk's product records for the items' SKUs, created first when the store asks."""
    skus = {item.sku for item in items if item.sku and not item.adjustment}
    if store.create_products:
        for item in items:
            if item.sku in skus:
                DeskProduct.objects.get_or_create(
                    account_id=store.account_id,
                    sku=item.sku[:100],
                    defaults={
                        "name": item.name,
                        "weight_value": item.weight.value if item.weight else None,
                        "weight_unit": item.weight.unit.value if item.weight else "",
                        "location": item.location[:100],
                        "image_url": item.image_url,
                    },
                )
    return {
        product.sku: product
        for product in DeskProduct.objects.filter(account_id=store.account_id, sku__in=skus)
    }


def _line_values(
    store: DeskStore, item: ReadItem, position: int, product: DeskProduct | None
) -> dict[str, Any]:
    weight = item.weight
    if store.weight_source == DeskStore.WeightSource.DESK and product and product.weight:
        weight = product.weight
    location = item.location
    if not store.locations_from_store:
        location = product.location if product else ""
    return {
        "position": position,
        "line_item_id": item.line_item_id[:100],
        "sku": item.sku[:100],
        "name": item.name,
        "quantity": item.quantity,
        "unit_price": item.unit_price,
        "adjustment": item.adjustment,
        "image_url": item.image_url,
        "upc": item.upc[:50],
        "store_weight_value": item.weight.value if item.weight else None,
        "store_weight_unit": item.weight.unit.value if item.weight else "",
        "weight_value": weight.value if weight else None,
        "weight_unit": weight.unit.value if weight else "",
        "store_location": item.location[:100],
        "location": location[:100],
        "options": [
            {
                "name": option.name,
                "value": option.value,
                "weight": str(option.weight) if option.weight is not None else None,
            }
            for option in item.options
        ],
        "product": product,
        "removed": False,
    }


def _order_values(read: ReadOrder, status: DeskStatus, digest: str) -> dict[str, Any]:
    return {
        "order_id": read.order_id,
        "order_number": read.order_number,
        "store_status": read.order_status[:100],
        "status": status.value,
        "order_date": read.order_date,
        "last_modified": read.last_modified,
        "requested_service": read.shipping_method,
        "payment_method": read.payment_method,
        "currency": read.currency_code,
        "order_total": read.order_total,
        "tax_amount": read.tax_amount,
        "shipping_amount": read.shipping_amount,
        "customer_code": read.customer_code,
        "customer_notes": read.customer_notes,
        "internal_notes": read.internal_notes,
        "gift": read.gift,
        "gift_message": read.gift_message,
        "custom_field1": read.custom_fields[0],
        "custom_field2": read.custom_fields[1],
        "custom_field3": read.custom_fields[2],
        "requested_warehouse": read.requested_warehouse,
        "source": read.source,
        "bill_to": _address(read.bill_to),
        "ship_to": _address(read.ship_to),
        "digest": digest,
    }


def _write_lines(store: DeskStore, order: DeskOrder, items: tuple[ReadItem, ...]) -> None:
    products = _products(store, items)
    existing = {line.line_key: line for line in order.lines.select_for_update()}
    weighted: list[tuple[Weight | None, int]] = []
    keys = _line_keys(items)
    for position, (item, key) in enumerate(zip(items, keys, strict=True), start=1):
        values = _line_values(store, item, position, products.get(item.sku))
        line = existing.pop(key, None)
        if line is None:
            line = DeskOrderLine.objects.create(order=order, line_key=key, **values)
        else:
            for name, value in values.items():
                setattr(line, name, value)
            line.save()
        if not item.adjustment:
            weighted.append((line.weight, item.quantity))
    for gone in existing.values():
        if gone.quantity_shipped:
            gone.removed = True
            gone.save(update_fields=["removed"])
        else:
            gone.delete()
    weight = total_weight(weighted)
    if weight is not None and weight.value > MAX_STORED_WEIGHT:
        raise OrderOutOfRange(
            f"its weight, {weight.value.normalize():f} {weight.unit.value}, is too large to store"
        )
    order.weight_value = weight.value if weight else None
    order.weight_unit = weight.unit.value if weight else ""
    order.save(update_fields=["weight_value", "weight_unit"])


def _fully_shipped(order: DeskOrder) -> bool:
    lines = [line for line in order.lines.all() if line.is_shippable]
    return bool(lines) and all(line.quantity_shipped >= line.quantity for line in lines)


def upsert_order(store: DeskStore, read: ReadOrder, status: DeskStatus) -> UpsertResult:
    """Create or update one imported order in its own transaction.

    An older ``LastModified`` than the desk's copy is stale and changes nothing; an equal one
    never reopens a shipped or cancelled order. An order the desk has fully shipped stays
    shipped unless the store cancels it.
    """
    digest = _digest(read, status, store)
    with transaction.atomic():
        order = DeskOrder.objects.select_for_update().filter(store=store, key=read.key).first()
        if order is None:
            try:
                with transaction.atomic():
                    order = DeskOrder.objects.create(
                        account_id=store.account_id,
                        store=store,
                        key=read.key,
                        **_order_values(read, status, digest),
                    )
                    _write_lines(store, order, read.items)
                return UpsertResult(Outcome.CREATED, order)
            except IntegrityError:
                # Another import created it a moment ago: update that row instead.
                order = DeskOrder.objects.select_for_update().get(store=store, key=read.key)
        if read.last_modified < order.last_modified:
            return UpsertResult(
                Outcome.STALE,
                order,
                f"LastModified {read.last_modified:%m/%d/%Y %H:%M} is older than the desk's "
                f"copy ({order.last_modified:%m/%d/%Y %H:%M}); not applied",
            )
        if (
            DeskStatus(order.status) in CLOSED_STATUSES
            and status not in CLOSED_STATUSES
            and read.last_modified == order.last_modified
        ):
            # Minute-resolution dates cannot order two copies of the same minute: never
            # reopen a closed order on such a tie.
            return UpsertResult(Outcome.UNCHANGED, order)
        if order.digest == digest:
            return UpsertResult(Outcome.UNCHANGED, order)
        if status != DeskStatus.CANCELLED and _fully_shipped(order):
            status = DeskStatus.SHIPPED
        for name, value in _order_values(read, status, digest).items():
            setattr(order, name, value)
        order.save()
        _write_lines(store, order, read.items)
        return UpsertResult(Outcome.UPDATED, order)
