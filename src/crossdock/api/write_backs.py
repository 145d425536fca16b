"""``/api/v1/write-backs``: the tracking write-back outbox, and replay of failed rows."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.hub.fulfillment import queries
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.tasks import replay_write_back

router = Router(tags=["write-backs"])

StateName = Literal["pending", "sending", "accepted", "rejected", "dead"]


class WriteBackOut(Schema):
    id: int
    state: str
    channel_id: int
    channel_name: str
    order_id: int
    order_number: str
    fulfillment_id: int
    carrier: str
    tracking_number: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    external_id: str
    created_at: datetime
    updated_at: datetime


class WriteBackFilters(Schema):
    state: StateName | None = None
    channel_id: int | None = None
    limit: int = Field(default=100, ge=1, le=1000)


def write_back_out(row: WriteBack) -> WriteBackOut:
    fulfillment = row.fulfillment
    return WriteBackOut(
        id=row.pk,
        state=row.state,
        channel_id=row.channel_id,
        channel_name=row.channel.name,
        order_id=fulfillment.order_id,
        order_number=fulfillment.order.number,
        fulfillment_id=fulfillment.pk,
        carrier=fulfillment.carrier,
        tracking_number=fulfillment.tracking_number,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        external_id=row.external_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@router.get("", response=list[WriteBackOut], summary="Write-backs, newest first")
def list_write_backs(request: HttpRequest, filters: Query[WriteBackFilters]) -> list[WriteBackOut]:
    rows = queries.write_backs(
        caller(request).account, state=filters.state, channel_id=filters.channel_id
    )[: filters.limit]
    return [write_back_out(row) for row in rows]


@router.get("/{write_back_id}", response=WriteBackOut)
def get_write_back(request: HttpRequest, write_back_id: int) -> WriteBackOut:
    return write_back_out(queries.get_write_back(caller(request).account, write_back_id))


@router.post(
    "/{write_back_id}/replay",
    response={202: WriteBackOut},
    summary="Send a dead or rejected write-back again",
)
def replay(request: HttpRequest, write_back_id: int) -> Status[WriteBackOut]:
    account = caller(request).account
    replay_write_back(account, write_back_id)
    return Status(202, write_back_out(queries.get_write_back(account, write_back_id)))
