"""``/api/v1/custom-statuses``: the account's own status names, each under a standard status."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from crossdock.api.auth import caller
from crossdock.api.order_schemas import CustomStatusIn, CustomStatusOut, CustomStatusPatch
from crossdock.hub.orders import queries, services

router = Router(tags=["custom statuses"])


@router.get("", response=list[CustomStatusOut])
def list_custom_statuses(request: HttpRequest) -> list[CustomStatusOut]:
    return [
        CustomStatusOut(id=c.pk, name=c.name, status=c.status)
        for c in queries.custom_statuses(caller(request).account)
    ]


@router.post("", response={201: CustomStatusOut})
def create_custom_status(request: HttpRequest, body: CustomStatusIn) -> Status[CustomStatusOut]:
    custom = services.create_custom_status(caller(request).account, body.name, body.status)
    return Status(201, CustomStatusOut(id=custom.pk, name=custom.name, status=custom.status))


@router.patch("/{custom_status_id}", response=CustomStatusOut)
def update_custom_status(
    request: HttpRequest, custom_status_id: int, body: CustomStatusPatch
) -> CustomStatusOut:
    who = caller(request)
    custom = services.update_custom_status(
        who.account, custom_status_id, name=body.name, status=body.status, actor=who.actor
    )
    return CustomStatusOut(id=custom.pk, name=custom.name, status=custom.status)
