"""``/desk/api/v1/shipments``: read a shipment and its notice state; resend; void."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from crossdock.desk.api.auth import caller
from crossdock.desk.api.schemas import ShipmentOut, shipment_out
from crossdock.desk.shipments import queries, services
from crossdock.desk.shipments.errors import ShipmentNotFound

router = Router(tags=["shipments"])


@router.get("/{shipment_id}", response=ShipmentOut, summary="A shipment and its notice state")
def get_shipment(request: HttpRequest, shipment_id: int) -> ShipmentOut:
    shipment = queries.shipment(caller(request).account, shipment_id)
    if shipment is None:
        raise ShipmentNotFound(f"no shipment {shipment_id} in this desk account")
    return shipment_out(shipment)


@router.post("/{shipment_id}/resend", response=ShipmentOut, summary="Send the notice again")
def resend(request: HttpRequest, shipment_id: int) -> ShipmentOut:
    account = caller(request).account
    services.resend_notice(account, shipment_id)
    return get_shipment(request, shipment_id)


@router.post("/{shipment_id}/void", response=ShipmentOut, summary="Void the shipment")
def void(request: HttpRequest, shipment_id: int) -> ShipmentOut:
    account = caller(request).account
    services.void_shipment(account, shipment_id)
    return get_shipment(request, shipment_id)
