"""``/api/v1/integrations/shipstation``: connect ShipStation, change options, rotate, revoke.

Creating an integration (and rotating its password) answers the password once (after a
rotation the previous one keeps working for ``overlap_hours``, 24 by default); every other
answer carries everything else the merchant pastes into ShipStation: the endpoint URL, the
username and the five status-mapping strings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.hub.shipstation import queries, services
from crossdock.hub.shipstation.models import MAX_PAGE_SIZE, ShipStationIntegration
from crossdock.platform.api_schemas import InSchema

router = Router(tags=["integrations"])

WeightUnitsName = Literal["as_recorded", "grams", "ounces", "pounds"]
KitLinesName = Literal["parent", "components", "both"]
CustomFieldName = Literal[
    "none", "coupon_codes", "channel", "marketplace_order_id", "channel_order_id", "payment_method"
]


class OptionsIn(InSchema):
    channels: list[int] = Field(
        default_factory=list, max_length=200, description="Channel ids; empty means every channel"
    )
    exclude_external_fulfillment: bool = True
    send_internal_notes: bool = True
    send_full_quantities: bool = Field(
        default=False,
        description="Send every line in full even after part shipped (default: what is left)",
    )
    kit_lines: KitLinesName = Field(
        default="parent",
        description="A kit goes out as one line (parent), its components, or both",
    )
    page_size: int = Field(default=100, ge=1, le=MAX_PAGE_SIZE)
    weight_units: WeightUnitsName = "as_recorded"
    custom_field1: CustomFieldName = "none"
    custom_field2: CustomFieldName = "none"
    custom_field3: CustomFieldName = "none"
    write_back: bool = True


class OptionsPatch(InSchema):
    channels: list[int] | None = Field(default=None, max_length=200)
    exclude_external_fulfillment: bool | None = None
    send_internal_notes: bool | None = None
    send_full_quantities: bool | None = None
    kit_lines: KitLinesName | None = None
    page_size: int | None = Field(default=None, ge=1, le=MAX_PAGE_SIZE)
    weight_units: WeightUnitsName | None = None
    custom_field1: CustomFieldName | None = None
    custom_field2: CustomFieldName | None = None
    custom_field3: CustomFieldName | None = None
    write_back: bool | None = None


class IntegrationIn(InSchema):
    name: str = Field(default=services.DEFAULT_NAME, min_length=1, max_length=100)
    options: OptionsIn = Field(default_factory=OptionsIn)


class IntegrationPatch(InSchema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    options: OptionsPatch | None = None


class StatusMappingOut(Schema):
    unpaid: str
    paid: str
    shipped: str
    cancelled: str
    on_hold: str


class OptionsOut(Schema):
    channels: list[int]
    exclude_external_fulfillment: bool
    send_internal_notes: bool
    send_full_quantities: bool
    kit_lines: str
    page_size: int
    weight_units: str
    custom_field1: str
    custom_field2: str
    custom_field3: str
    write_back: bool


class IntegrationOut(Schema):
    id: int
    name: str
    endpoint_url: str
    endpoint_warning: str = Field(
        description="Why real ShipStation could not reach endpoint_url; empty when it can"
    )
    username: str
    active: bool
    created_at: datetime
    password_changed_at: datetime
    previous_password_valid_until: datetime | None
    revoked_at: datetime | None
    last_request_at: datetime | None
    status_mapping: StatusMappingOut
    options: OptionsOut


class RotateIn(InSchema):
    overlap_hours: int = Field(
        default=int(services.PASSWORD_OVERLAP.total_seconds() // 3600),
        ge=0,
        le=168,
        description="How long the current password keeps working; 0 stops it at once",
    )


class IntegrationCredentialsOut(IntegrationOut):
    password: str = Field(description="Shown once: only a keyed hash is stored")


class SkippedOrderOut(Schema):
    order_id: int
    order_number: str
    reason: str
    skipped_at: datetime


def base_url(request: HttpRequest) -> str:
    """``CROSSDOCK_PUBLIC_URL`` when set, else the scheme and host this request came to."""
    public: str = settings.PUBLIC_URL
    return public or f"{request.scheme}://{request.get_host()}"


def _out(request: HttpRequest, integration: ShipStationIntegration) -> IntegrationOut:
    view = queries.describe(integration, base_url(request))
    return IntegrationOut.model_validate(view, from_attributes=True)


def _with_password(
    request: HttpRequest, issued: services.IssuedCredentials
) -> IntegrationCredentialsOut:
    view = queries.describe(issued.integration, base_url(request))
    out = IntegrationOut.model_validate(view, from_attributes=True)
    return IntegrationCredentialsOut(**out.model_dump(), password=issued.password)


@router.post(
    "/shipstation",
    response={201: IntegrationCredentialsOut},
    summary="Connect ShipStation: generate credentials (the password is shown once)",
)
def create_shipstation(
    request: HttpRequest, body: IntegrationIn | None = None
) -> Status[IntegrationCredentialsOut]:
    body = body or IntegrationIn()
    options = body.options
    issued = services.create_integration(
        caller(request).account,
        body.name,
        services.IntegrationOptions(
            channel_ids=tuple(options.channels),
            exclude_external_fulfillment=options.exclude_external_fulfillment,
            send_internal_notes=options.send_internal_notes,
            send_full_quantities=options.send_full_quantities,
            kit_lines=options.kit_lines,
            page_size=options.page_size,
            weight_units=options.weight_units,
            custom_fields=(options.custom_field1, options.custom_field2, options.custom_field3),
            write_back=options.write_back,
        ),
    )
    return Status(201, _with_password(request, issued))


@router.get("/shipstation", response=list[IntegrationOut])
def list_shipstation(request: HttpRequest) -> list[IntegrationOut]:
    account = caller(request).account
    mapping = queries.status_mapping(account)
    base = base_url(request)
    return [
        IntegrationOut.model_validate(
            queries.describe(integration, base, mapping), from_attributes=True
        )
        for integration in queries.integrations(account)
    ]


@router.get("/shipstation/{integration_id}", response=IntegrationOut)
def get_shipstation(request: HttpRequest, integration_id: int) -> IntegrationOut:
    return _out(request, queries.get_integration(caller(request).account, integration_id))


@router.patch("/shipstation/{integration_id}", response=IntegrationOut, summary="Change options")
def patch_shipstation(
    request: HttpRequest, integration_id: int, body: IntegrationPatch
) -> IntegrationOut:
    account = caller(request).account
    options = body.options or OptionsPatch()
    services.update_integration(
        account,
        integration_id,
        services.OptionChanges(
            name=body.name,
            channel_ids=tuple(options.channels) if options.channels is not None else None,
            exclude_external_fulfillment=options.exclude_external_fulfillment,
            send_internal_notes=options.send_internal_notes,
            send_full_quantities=options.send_full_quantities,
            kit_lines=options.kit_lines,
            page_size=options.page_size,
            weight_units=options.weight_units,
            custom_fields=(options.custom_field1, options.custom_field2, options.custom_field3),
            write_back=options.write_back,
        ),
    )
    return _out(request, queries.get_integration(account, integration_id))


@router.post(
    "/shipstation/{integration_id}/rotate-password",
    response=IntegrationCredentialsOut,
    summary="Issue a new password; the old one keeps working for overlap_hours (24 by default)",
)
def rotate_shipstation_password(
    request: HttpRequest, integration_id: int, body: RotateIn | None = None
) -> IntegrationCredentialsOut:
    overlap = timedelta(hours=(body or RotateIn()).overlap_hours)
    issued = services.rotate_password(caller(request).account, integration_id, overlap)
    return _with_password(request, issued)


@router.post(
    "/shipstation/{integration_id}/revoke",
    response=IntegrationOut,
    summary="Revoke: the credentials never work again",
)
def revoke_shipstation(request: HttpRequest, integration_id: int) -> IntegrationOut:
    account = caller(request).account
    services.revoke_integration(account, integration_id)
    return _out(request, queries.get_integration(account, integration_id))


@router.get(
    "/shipstation/{integration_id}/skipped",
    response=list[SkippedOrderOut],
    summary="Orders left out of exports (ShipStation could not import them), with reasons",
)
def skipped_shipstation_orders(request: HttpRequest, integration_id: int) -> list[SkippedOrderOut]:
    skips = queries.skipped_orders(caller(request).account, integration_id)
    return [
        SkippedOrderOut(
            order_id=skip.order_id,
            order_number=skip.order.number,
            reason=skip.reason,
            skipped_at=skip.skipped_at,
        )
        for skip in skips[:1000]
    ]
