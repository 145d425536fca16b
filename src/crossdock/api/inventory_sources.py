"""``/api/v1/inventory-sources``: where stock is kept, and the ordered sources of each channel."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.hub.catalog import services
from crossdock.hub.catalog.models import ChannelSource, InventorySource
from crossdock.hub.channels import queries as channel_queries
from crossdock.platform.api_schemas import InSchema, RowId

router = Router(tags=["inventory sources"])


class SourceOut(Schema):
    id: int
    name: str
    kind: str
    channel_id: int | None
    is_active: bool
    is_pushed: bool


class SourceIn(InSchema):
    name: str = Field(min_length=1, max_length=100)
    kind: str = Field(
        default=InventorySource.Kind.WAREHOUSE.value,
        description="warehouse, 3pl or marketplace (stock read from its channel, never pushed)",
    )
    channel_id: RowId | None = None


class ChannelSourcesIn(InSchema):
    source_ids: list[RowId] = Field(description="In order: the first is preferred for orders")


class ChannelSourcesOut(Schema):
    channel_id: int
    sources: list[SourceOut]


def source_out(source: InventorySource) -> SourceOut:
    return SourceOut(
        id=source.pk,
        name=source.name,
        kind=source.kind,
        channel_id=source.channel_id,
        is_active=source.is_active,
        is_pushed=source.is_pushed,
    )


@router.get("", response=list[SourceOut])
def list_sources(request: HttpRequest) -> list[SourceOut]:
    sources = InventorySource.objects.filter(account=caller(request).account).order_by("name")
    return [source_out(source) for source in sources]


@router.post("", response={201: SourceOut})
def create_source(request: HttpRequest, body: SourceIn) -> Status[SourceOut]:
    account = caller(request).account
    channel = (
        channel_queries.get_channel(account, body.channel_id)
        if body.channel_id is not None
        else None
    )
    source = services.create_source(account, body.name, body.kind, channel)
    return Status(201, source_out(source))


def _channel_sources(channel_id: int) -> list[SourceOut]:
    links = ChannelSource.objects.filter(channel_id=channel_id).select_related("source")
    return [source_out(link.source) for link in links.order_by("position", "id")]


@router.get("/channels/{channel_id}", response=ChannelSourcesOut)
def get_channel_sources(request: HttpRequest, channel_id: int) -> ChannelSourcesOut:
    channel = channel_queries.get_channel(caller(request).account, channel_id)
    return ChannelSourcesOut(channel_id=channel.pk, sources=_channel_sources(channel.pk))


@router.put("/channels/{channel_id}", response=ChannelSourcesOut)
def set_channel_sources(
    request: HttpRequest, channel_id: int, body: ChannelSourcesIn
) -> ChannelSourcesOut:
    """The ordered sources whose stock a channel shows (available is their sum)."""
    channel = channel_queries.get_channel(caller(request).account, channel_id)
    services.set_channel_sources(channel, body.source_ids)
    return ChannelSourcesOut(channel_id=channel.pk, sources=_channel_sources(channel.pk))
