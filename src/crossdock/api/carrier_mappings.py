"""``/api/v1/carrier-mappings``: ShipStation carriers in each channel's vocabulary."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.hub.channels import carriers
from crossdock.hub.channels.models import CarrierMapping
from crossdock.platform.api_schemas import InSchema

router = Router(tags=["carrier mappings"])


class MappingOut(Schema):
    id: int | None = Field(description="null for a built-in default (it cannot be deleted)")
    channel_kind: str
    carrier: str
    service: str
    channel_carrier: str
    channel_service: str
    is_default: bool


class MappingIn(InSchema):
    channel_kind: str = Field(min_length=1, max_length=40)
    carrier: str = Field(min_length=1, max_length=100, description="As ShipStation reports it")
    service: str = Field(default="", max_length=100, description="Empty matches any service")
    channel_carrier: str = Field(
        max_length=100, description="The channel's carrier; empty uses its fallback"
    )
    channel_service: str = Field(default="", max_length=100, description="Empty passes through")


def mapping_out(row: CarrierMapping) -> MappingOut:
    return MappingOut(
        id=row.pk,
        channel_kind=row.channel_kind,
        carrier=row.carrier,
        service=row.service,
        channel_carrier=row.channel_carrier,
        channel_service=row.channel_service,
        is_default=row.account_id is None,
    )


@router.get("", response=list[MappingOut], summary="The account's mappings and the defaults")
def list_mappings(request: HttpRequest, channel_kind: str | None = None) -> list[MappingOut]:
    return [mapping_out(row) for row in carriers.mappings(caller(request).account, channel_kind)]


@router.put("", response=MappingOut, summary="Add or change the account's mapping for a key")
def put_mapping(request: HttpRequest, body: MappingIn) -> MappingOut:
    row = carriers.set_mapping(
        caller(request).account,
        channel_kind=body.channel_kind,
        carrier=body.carrier,
        service=body.service,
        channel_carrier=body.channel_carrier,
        channel_service=body.channel_service,
    )
    return mapping_out(row)


@router.delete("/{mapping_id}", response={204: None}, summary="Delete one of the account's rows")
def delete_mapping(request: HttpRequest, mapping_id: int) -> Status[None]:
    carriers.delete_mapping(caller(request).account, mapping_id)
    return Status(204, None)
