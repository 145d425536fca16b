"""``/api/v1/channels``: connect, change and delete channels, "sync now", health, sync runs.

Secrets are write-only: a channel answers with the *names* of its secret settings that are
set, never their values.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.connectors.base import ConnectorSpec
from crossdock.connectors.registry import registry
from crossdock.hub.channels import queries, services
from crossdock.hub.channels.connections import secret_names, spec_of
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.fulfillment import queries as fulfillment_queries
from crossdock.hub.orders.tasks import request_sync
from crossdock.platform.api_schemas import InSchema

router = Router(tags=["channels"])


class SettingFieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool
    secret: bool
    help: str


class ConnectorOut(Schema):
    slug: str
    display_name: str
    description: str
    capabilities: list[str]
    settle_time_seconds: int
    settings: list[SettingFieldOut]


class HealthOut(Schema):
    last_sync_at: datetime | None
    last_success_at: datetime | None
    next_sync_at: datetime | None
    last_error: str
    pending_write_backs: int
    failed_write_backs: int


class ChannelOut(Schema):
    id: int
    kind: str
    name: str
    is_active: bool
    settings: dict[str, str]
    secret_settings_set: list[str]
    capabilities: list[str]
    sync_interval: int
    order_cursor: datetime | None
    health: HealthOut
    created_at: datetime


class ChannelCreatedOut(ChannelOut):
    warnings: list[str] = Field(
        description="Why the connection could not be tested (the channel is saved all the same)"
    )


class ChannelIn(InSchema):
    kind: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    settings: dict[str, str] = Field(default_factory=dict)
    sync_interval: int | None = Field(default=None, description="Seconds between order pulls")
    is_active: bool = True


class ChannelPatch(InSchema):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    settings: dict[str, str] | None = Field(
        default=None, description="Settings to change; an empty value clears one"
    )
    sync_interval: int | None = None
    is_active: bool | None = None


class SyncRunOut(Schema):
    id: int
    kind: str
    outcome: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    since: datetime | None
    fetched: int
    created: int
    updated: int
    unchanged: int
    cancelled: int
    failed: int
    problems: list[dict[str, str]]
    error: str


def connector_out(spec: ConnectorSpec) -> ConnectorOut:
    return ConnectorOut(
        slug=spec.slug,
        display_name=spec.display_name,
        description=spec.description,
        capabilities=sorted(capability.value for capability in spec.capabilities),
        settle_time_seconds=int(spec.settle_time.total_seconds()),
        settings=[
            SettingFieldOut(
                name=field.name,
                label=field.label,
                kind=field.kind.value,
                required=field.required,
                secret=field.secret,
                help=field.help,
            )
            for field in spec.settings_schema
        ],
    )


def channel_out(channel: Channel) -> ChannelOut:
    spec = spec_of(channel)
    health = fulfillment_queries.health(channel)
    return ChannelOut(
        id=channel.pk,
        kind=channel.kind,
        name=channel.name,
        is_active=channel.is_active,
        settings={str(key): str(value) for key, value in channel.settings.items()},
        secret_settings_set=secret_names(channel),
        capabilities=sorted(c.value for c in spec.capabilities) if spec else [],
        sync_interval=channel.sync_interval,
        order_cursor=channel.order_cursor,
        health=HealthOut(
            last_sync_at=health.last_sync_at,
            last_success_at=health.last_success_at,
            next_sync_at=health.next_sync_at,
            last_error=health.last_error,
            pending_write_backs=health.pending_write_backs,
            failed_write_backs=health.failed_write_backs,
        ),
        created_at=channel.created_at,
    )


def sync_run_out(run: SyncRun) -> SyncRunOut:
    return SyncRunOut(
        id=run.pk,
        kind=run.kind,
        outcome=run.outcome,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_ms=run.duration_ms,
        since=run.since,
        fetched=run.fetched,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        cancelled=run.cancelled,
        failed=run.failed,
        problems=run.problems,
        error=run.error,
    )


@router.get("/connectors", response=list[ConnectorOut], summary="Kinds of channel one can add")
def list_connectors(request: HttpRequest) -> list[ConnectorOut]:
    return [connector_out(spec) for spec in registry().all()]


@router.post(
    "",
    response={201: ChannelCreatedOut},
    summary="Connect a channel",
    description="The connection is tested first with one real call: each problem (bad "
    "address, token, missing scope, location, closed store) is a 422 naming its setting "
    "(`settings.<name>`). A channel that cannot be reached right now is saved with a warning.",
)
def create_channel(request: HttpRequest, body: ChannelIn) -> Status[ChannelCreatedOut]:
    who = caller(request)
    connected = services.connect_channel(
        who.account,
        body.kind,
        body.name,
        body.settings,
        sync_interval=body.sync_interval,
        is_active=body.is_active,
    )
    created = ChannelCreatedOut(
        **channel_out(connected.channel).model_dump(), warnings=list(connected.warnings)
    )
    return Status(201, created)


@router.get("", response=list[ChannelOut], summary="Channels with their health")
def list_channels(request: HttpRequest) -> list[ChannelOut]:
    return [channel_out(channel) for channel in queries.channels(caller(request).account)]


@router.get("/{channel_id}", response=ChannelOut)
def get_channel(request: HttpRequest, channel_id: int) -> ChannelOut:
    return channel_out(queries.get_channel(caller(request).account, channel_id))


@router.patch("/{channel_id}", response=ChannelOut, summary="Change name, settings, schedule")
def patch_channel(request: HttpRequest, channel_id: int, body: ChannelPatch) -> ChannelOut:
    who = caller(request)
    if body.settings is not None:
        # A new location is checked against the channel's own (one real call).
        services.check_location_change(who.account, channel_id, body.settings)
    channel = services.update_channel(
        who.account,
        channel_id,
        name=body.name,
        values=body.settings,
        sync_interval=body.sync_interval,
        is_active=body.is_active,
    )
    return channel_out(channel)


@router.delete("/{channel_id}", response={204: None}, summary="Delete a channel with no orders")
def delete_channel(request: HttpRequest, channel_id: int) -> Status[None]:
    services.delete_channel(caller(request).account, channel_id)
    return Status(204, None)


@router.post(
    "/{channel_id}/sync", response={202: ChannelOut}, summary="Sync now: queue an order pull"
)
def sync_channel(request: HttpRequest, channel_id: int) -> Status[ChannelOut]:
    channel = request_sync(caller(request).account, channel_id)
    return Status(202, channel_out(channel))


@router.get("/{channel_id}/sync-runs", response=list[SyncRunOut], summary="Recent sync runs")
def list_sync_runs(request: HttpRequest, channel_id: int, limit: int = 50) -> list[SyncRunOut]:
    runs = queries.sync_runs(caller(request).account, channel_id)[: max(1, min(limit, 500))]
    return [sync_run_out(run) for run in runs]
