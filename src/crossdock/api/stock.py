"""``/api/v1/stock``: levels per product and source, adjustments, counts and transfers, the
ledger."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.hub.catalog import services
from crossdock.hub.catalog.models import StockLevel, StockMovement
from crossdock.platform.api_schemas import InSchema, Offset, RowId

router = Router(tags=["stock"])


class LevelOut(Schema):
    sku: str
    product_id: int
    source: str
    source_id: int
    on_hand: int
    reserved: int
    available: int


class MovementOut(Schema):
    id: int
    sku: str
    source: str
    kind: str
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    actor: str
    reason: str
    order_number: str
    created_at: datetime


class AdjustIn(InSchema):
    sku: str = Field(min_length=1, max_length=100)
    source_id: RowId
    delta: int = Field(description="Units to add; negative to remove")
    reason: str = Field(min_length=1, max_length=500)


class CountIn(InSchema):
    sku: str = Field(min_length=1, max_length=100)
    source_id: RowId
    counted: int = Field(ge=0, description="On hand becomes this")
    reason: str = Field(default="", max_length=500)


class TransferIn(InSchema):
    sku: str = Field(min_length=1, max_length=100)
    from_source_id: RowId
    to_source_id: RowId
    quantity: int = Field(description="Units moved on hand, 1 or more")
    reason: str = Field(default="", max_length=500)


class TransferOut(Schema):
    out_of: MovementOut = Field(description="The movement at the source the goods left")
    into: MovementOut = Field(description="The movement at the source they went to")


class LevelFilter(Schema):
    sku: str = Field(default="", max_length=100)
    source_id: RowId | None = None
    limit: int = Field(default=100, ge=1, le=1000)
    offset: Offset = 0


class MovementFilter(Schema):
    sku: str = Field(default="", max_length=100)
    source_id: RowId | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: Offset = 0


def _level_out(level: StockLevel) -> LevelOut:
    return LevelOut(
        sku=level.product.sku,
        product_id=level.product_id,
        source=level.source.name,
        source_id=level.source_id,
        on_hand=level.on_hand,
        reserved=level.reserved,
        available=level.available,
    )


def movement_out(movement: StockMovement) -> MovementOut:
    return MovementOut(
        id=movement.pk,
        sku=movement.product.sku,
        source=movement.source.name,
        kind=movement.kind,
        on_hand_delta=movement.on_hand_delta,
        reserved_delta=movement.reserved_delta,
        on_hand_after=movement.on_hand_after,
        reserved_after=movement.reserved_after,
        actor=movement.actor,
        reason=movement.reason,
        order_number=movement.order_number,
        created_at=movement.created_at,
    )


@router.get("/levels", response=list[LevelOut])
def list_levels(request: HttpRequest, filters: Query[LevelFilter]) -> list[LevelOut]:
    levels = StockLevel.objects.filter(account=caller(request).account).select_related(
        "product", "source"
    )
    if filters.sku:
        levels = levels.filter(product__sku=filters.sku)
    if filters.source_id is not None:
        levels = levels.filter(source_id=filters.source_id)
    rows = levels.order_by("product__sku", "source__name")
    return [_level_out(level) for level in rows[filters.offset : filters.offset + filters.limit]]


@router.get("/movements", response=list[MovementOut])
def list_movements(request: HttpRequest, filters: Query[MovementFilter]) -> list[MovementOut]:
    movements = StockMovement.objects.filter(account=caller(request).account).select_related(
        "product", "source"
    )
    if filters.sku:
        movements = movements.filter(product__sku=filters.sku)
    if filters.source_id is not None:
        movements = movements.filter(source_id=filters.source_id)
    page = movements.order_by("-created_at", "-id")[filters.offset : filters.offset + filters.limit]
    return [movement_out(movement) for movement in page]


@router.post("/adjust", response={201: MovementOut})
def adjust(request: HttpRequest, body: AdjustIn) -> Status[MovementOut]:
    """Correct on hand by ``delta`` with a reason (damaged, found, lost)."""
    who = caller(request)
    movement = services.adjust(
        who.account, body.sku, body.source_id, body.delta, who.actor, body.reason
    )
    return Status(201, movement_out(movement))


@router.post("/count", response={201: MovementOut})
def count(request: HttpRequest, body: CountIn) -> Status[MovementOut]:
    """A stock count: on hand becomes ``counted``; the ledger records the difference."""
    who = caller(request)
    movement = services.count(
        who.account, body.sku, body.source_id, body.counted, who.actor, body.reason
    )
    return Status(201, movement_out(movement))


@router.post("/transfers", response={201: TransferOut})
def transfer(request: HttpRequest, body: TransferIn) -> Status[TransferOut]:
    """Move on-hand units between two sources: two ledger rows, one reference; refused
    whole (nothing moved) when the source has fewer available."""
    who = caller(request)
    out, into = services.transfer(
        who.account,
        body.sku,
        body.from_source_id,
        body.to_source_id,
        body.quantity,
        who.actor,
        body.reason,
    )
    return Status(201, TransferOut(out_of=movement_out(out), into=movement_out(into)))
