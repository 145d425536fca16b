"""``/api/v1/orders``: create (one, or up to 1,000 a call), list, read, change and cancel."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, TypeAdapter, ValidationError, field_validator

from crossdock.api.auth import caller
from crossdock.api.order_schemas import (
    CancelIn,
    OrderIn,
    OrderOut,
    OrderPage,
    OrderPatch,
    aware_utc,
    order_out,
)
from crossdock.core.errors import Invalid
from crossdock.core.statuses import OrderStatus
from crossdock.hub.orders import queries, services
from crossdock.hub.orders.errors import OrderError
from crossdock.hub.orders.services import UNSET, OrderChanges
from crossdock.hub.orders.upsert import NewOrder, create_orders
from crossdock.platform.api_schemas import DictSchema, InSchema

router = Router(tags=["orders"])


class OrderFilters(Schema):
    number: str | None = None
    status: OrderStatus | None = None
    modified_since: datetime | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=50, ge=1, le=500)

    @field_validator("modified_since")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return None if value is None else aware_utc(value)


@router.post("", response={201: OrderOut}, summary="Create an order on the manual channel")
def create_order(request: HttpRequest, body: OrderIn) -> Status[OrderOut]:
    who = caller(request)
    order = services.create_order(
        who.account,
        body.to_order_data(),
        who.actor,
        total=body.total,
        custom_status=body.custom_status,
    )
    return Status(201, order_out(queries.get_order(who.account, order.pk)))


#: The most orders one bulk call may carry.
MAX_BULK_ORDERS = 1_000


class BulkOrdersIn(InSchema):
    #: Each item is an order as ``POST /orders`` takes it, validated on its own.
    orders: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BULK_ORDERS)


class FieldError(DictSchema):
    field: str
    message: str


class BulkResult(DictSchema):
    """What became of ``orders[index]``: created (its id), or refused (why, by field)."""

    index: int
    status: Literal["created", "refused"]
    id: int | None = None
    number: str | None = None
    errors: list[FieldError] = []


class BulkOrdersOut(DictSchema):
    created: int
    refused: int
    results: list[BulkResult]


#: The bulk call's orders, validated in one call (each item as ``POST /orders`` takes it).
_ORDER_LIST = TypeAdapter(list[OrderIn])


def _validated(raw: list[dict[str, Any]]) -> tuple[dict[int, OrderIn], dict[int, list[FieldError]]]:
    """The orders of a bulk call by index, and the refused ones' errors by field.

    One validation for the whole list; should any order be invalid, the errors are read by
    index and the others validated again together (errors name the field within the order,
    as ``POST /orders`` names it).
    """
    try:
        return dict(enumerate(_ORDER_LIST.validate_python(raw))), {}
    except ValidationError as error:
        refused: dict[int, list[FieldError]] = {}
        for item in error.errors():
            index, *field = item["loc"]
            refused.setdefault(int(index), []).append(
                FieldError(field=".".join(str(part) for part in field), message=item["msg"])
            )
    rest = [index for index in range(len(raw)) if index not in refused]
    return dict(
        zip(rest, _ORDER_LIST.validate_python([raw[i] for i in rest]), strict=True)
    ), refused


def _refusal(index: int, number: str, error: OrderError) -> BulkResult:
    if isinstance(error, Invalid):
        pairs = error.field_errors or (("", str(error)),)
        errors = [FieldError(field=field, message=text) for field, text in pairs]
    else:
        errors = [FieldError(field="number", message=str(error))]
    return BulkResult(index=index, status="refused", number=number, errors=errors)


@router.post(
    "/bulk",
    response=BulkOrdersOut,
    summary="Create up to 1,000 orders on the manual channel, each on its own",
)
def create_orders_bulk(request: HttpRequest, body: BulkOrdersIn) -> BulkOrdersOut:
    """Every order is validated first, as ``POST /orders`` would; the valid ones are then
    stored together. A refused order (answered by index, with its field errors) is not
    stored at all and leaves the others stored."""
    who = caller(request)
    orders, refused = _validated(body.orders)
    results = {
        index: BulkResult(index=index, status="refused", errors=errors)
        for index, errors in refused.items()
    }
    valid = list(orders.items())
    answers = create_orders(
        who.account,
        [
            NewOrder(order_in.to_order_data(), order_in.total, order_in.custom_status)
            for _, order_in in valid
        ],
        who.actor,
    )
    for (index, order_in), answer in zip(valid, answers, strict=True):
        results[index] = (
            _refusal(index, order_in.number, answer)
            if isinstance(answer, OrderError)
            else BulkResult(index=index, status="created", id=answer.pk, number=answer.number)
        )
    ordered = [results[index] for index in range(len(body.orders))]
    created = sum(1 for result in ordered if result.status == "created")
    return BulkOrdersOut(created=created, refused=len(ordered) - created, results=ordered)


@router.get("", response=OrderPage, summary="List orders, newest first")
def list_orders(request: HttpRequest, filters: Query[OrderFilters]) -> OrderPage:
    who = caller(request)
    found = queries.filter_orders(
        who.account,
        number=filters.number,
        status=filters.status.value if filters.status else None,
        modified_since=filters.modified_since,
    )
    count = found.count()
    start = (filters.page - 1) * filters.page_size
    items = [order_out(order) for order in found[start : start + filters.page_size]]
    return OrderPage(
        items=items,
        count=count,
        page=filters.page,
        pages=max(1, math.ceil(count / filters.page_size)),
        page_size=filters.page_size,
    )


@router.get("/{order_id}", response=OrderOut)
def get_order(request: HttpRequest, order_id: int) -> OrderOut:
    return order_out(queries.get_order(caller(request).account, order_id))


@router.patch(
    "/{order_id}", response=OrderOut, summary="Change notes, hold, custom status or address"
)
def patch_order(request: HttpRequest, order_id: int, body: OrderPatch) -> OrderOut:
    who = caller(request)
    sent = body.model_fields_set
    changes = OrderChanges(
        internal_notes=body.internal_notes
        if "internal_notes" in sent and body.internal_notes is not None
        else UNSET,
        customer_notes=body.customer_notes
        if "customer_notes" in sent and body.customer_notes is not None
        else UNSET,
        gift_message=body.gift_message
        if "gift_message" in sent and body.gift_message is not None
        else UNSET,
        hold=body.hold if body.hold is not None else UNSET,
        custom_status=body.custom_status if "custom_status" in sent else UNSET,
        ship_to=body.ship_to.to_address() if body.ship_to is not None else UNSET,
        bill_to=body.bill_to.to_address() if body.bill_to is not None else UNSET,
    )
    services.update_order(who.account, order_id, changes, who.actor)
    return order_out(queries.get_order(who.account, order_id))


@router.post("/{order_id}/cancel", response=OrderOut)
def cancel_order(request: HttpRequest, order_id: int, body: CancelIn | None = None) -> OrderOut:
    who = caller(request)
    services.cancel_order(who.account, order_id, who.actor, body.reason if body else "")
    return order_out(queries.get_order(who.account, order_id))
