"""``/api/v1/listings``: products on channels, by channel and status; link, unlink, pause.

Each listing answers what it should show and why (``computation``: on hand, reserved,
available, the rule and the result), the same computation the pushes use.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from crossdock.api.auth import caller
from crossdock.api.products import ProductOut, product_out
from crossdock.core.stock import ListingStatus
from crossdock.hub.catalog import listings as listing_services
from crossdock.hub.catalog import queries
from crossdock.hub.catalog.models import Listing
from crossdock.hub.catalog.quantities import targets
from crossdock.platform.api_schemas import InSchema, Offset, RowId

router = Router(tags=["listings"])


class ComputationOut(Schema):
    on_hand: int
    reserved: int
    available: int
    rule: str
    steps: list[str]
    result: int


class ListingOut(Schema):
    id: int
    channel_id: int
    channel: str
    product_id: int | None
    product_sku: str | None
    sku: str
    external_id: str
    title: str
    price: Decimal | None
    status: str
    status_reason: str
    quantity_pushed: int | None
    pushed_at: datetime | None
    quantity_read: int | None
    read_at: datetime | None
    computation: ComputationOut | None


class ListingFilter(Schema):
    channel_id: RowId | None = None
    status: ListingStatus | None = None
    linked: bool | None = Field(default=None, description="false: only unlinked listings")
    search: str = Field(default="", max_length=100)
    limit: int = Field(default=100, ge=1, le=500)
    offset: Offset = 0


class LinkIn(InSchema):
    product_id: RowId


class PauseIn(InSchema):
    paused: bool


def listing_outs(rows: list[Listing]) -> list[ListingOut]:
    computed = targets(rows)
    answers = []
    for listing in rows:
        explanation = computed.get(listing.pk)
        answers.append(
            ListingOut(
                id=listing.pk,
                channel_id=listing.channel_id,
                channel=listing.channel.name,
                product_id=listing.product_id,
                product_sku=listing.product.sku if listing.product else None,
                sku=listing.sku,
                external_id=listing.external_id,
                title=listing.title,
                price=listing.price,
                status=listing.status,
                status_reason=listing.status_reason,
                quantity_pushed=listing.quantity_pushed,
                pushed_at=listing.pushed_at,
                quantity_read=listing.quantity_read,
                read_at=listing.read_at,
                computation=(
                    ComputationOut(
                        on_hand=explanation.on_hand,
                        reserved=explanation.reserved,
                        available=explanation.available,
                        rule=explanation.rule,
                        steps=list(explanation.steps),
                        result=explanation.result,
                    )
                    if explanation is not None
                    else None
                ),
            )
        )
    return answers


def _listing(request: HttpRequest, listing_id: int) -> Listing:
    return queries.listing(caller(request).account, listing_id)


@router.get("", response=list[ListingOut])
def list_listings(request: HttpRequest, filters: Query[ListingFilter]) -> list[ListingOut]:
    rows = queries.listings(
        caller(request).account,
        channel_id=filters.channel_id,
        status=filters.status.value if filters.status is not None else None,
        linked=filters.linked,
    )
    if filters.search:
        rows = rows.filter(sku__icontains=filters.search.strip())
    page = list(
        rows.order_by("channel__name", "sku", "id")[filters.offset : filters.offset + filters.limit]
    )
    return listing_outs(page)


@router.get("/{listing_id}", response=ListingOut)
def get_listing(request: HttpRequest, listing_id: int) -> ListingOut:
    return listing_outs([_listing(request, listing_id)])[0]


@router.post("/{listing_id}/link", response=ListingOut)
def link(request: HttpRequest, listing_id: int, body: LinkIn) -> ListingOut:
    listing = _listing(request, listing_id)
    listing_services.link_listing(listing.channel, listing.pk, body.product_id)
    return listing_outs([_listing(request, listing_id)])[0]


@router.post("/{listing_id}/unlink", response=ListingOut)
def unlink(request: HttpRequest, listing_id: int) -> ListingOut:
    listing = _listing(request, listing_id)
    listing_services.link_listing(listing.channel, listing.pk, None)
    return listing_outs([_listing(request, listing_id)])[0]


@router.post("/{listing_id}/pause", response=ListingOut)
def pause(request: HttpRequest, listing_id: int, body: PauseIn) -> ListingOut:
    listing = _listing(request, listing_id)
    listing_services.set_paused(listing.channel, listing.pk, body.paused)
    return listing_outs([_listing(request, listing_id)])[0]


@router.post("/{listing_id}/product", response={201: ProductOut})
def create_product(request: HttpRequest, listing_id: int) -> Status[ProductOut]:
    """A new product from an unlinked listing (its SKU and title), linked to it."""
    listing = _listing(request, listing_id)
    product = listing_services.create_product_from_listing(listing.channel, listing.pk)
    return Status(201, product_out(product))
