"""``/desk/api/v1/orders``: list and read imported orders; ship them."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from crossdock.desk.api.auth import caller
from crossdock.desk.api.schemas import (
    OrderOut,
    OrderSummaryOut,
    ShipmentIn,
    ShipmentOut,
    order_out,
    order_summary_out,
    shipment_out,
)
from crossdock.desk.orders import queries
from crossdock.desk.shipments import services
from crossdock.desk.shipments.errors import ShipmentNotFound
from crossdock.desk.shipments.services import LineRequest, ShipRequest

router = Router(tags=["orders"])


class OrderFilters(Schema):
    store: int | None = None
    status: str | None = None  # awaiting_payment, awaiting_shipment, on_hold, shipped, cancelled
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=100, ge=1, le=500)


@router.get("", response=list[OrderSummaryOut], summary="List orders (filters: store, status)")
def list_orders(request: HttpRequest, filters: Query[OrderFilters]) -> list[OrderSummaryOut]:
    found = queries.orders(caller(request).account, store_id=filters.store, status=filters.status)
    start = (filters.page - 1) * filters.page_size
    return [order_summary_out(order) for order in found[start : start + filters.page_size]]


@router.get("/{order_id}", response=OrderOut, summary="An order with every imported detail")
def get_order(request: HttpRequest, order_id: int) -> OrderOut:
    order = queries.order(caller(request).account, order_id)
    if order is None:
        raise ShipmentNotFound(f"no order {order_id} in this desk account")
    return order_out(order)


@router.post(
    "/{order_id}/shipments",
    response={200: ShipmentOut, 201: ShipmentOut},
    summary="Ship the whole order (no lines) or chosen lines",
)
def create_shipment(request: HttpRequest, order_id: int, body: ShipmentIn) -> Status[ShipmentOut]:
    who = caller(request)
    shipment, created = services.create_shipment(
        who.account,
        order_id,
        ShipRequest(
            carrier=body.carrier,
            service=body.service,
            tracking_number=body.tracking_number,
            shipping_cost=body.shipping_cost,
            ship_date=body.ship_date,
            notes_to_buyer=body.notes_to_buyer,
            notify_buyer=body.notify_buyer,
            notify_store=body.notify_store,
            lines=tuple(LineRequest(line.line_id, line.quantity) for line in body.lines),
        ),
        created_by=who.label,
    )
    return Status(201 if created else 200, shipment_out(shipment))
