"""Listings: pulled from channels, linked to products by SKU, and the connect-time decision.

- :func:`pull_listings` reads a channel's listings (``PULL_LISTINGS``) and upserts them by
  the channel's id: new ones are linked to the product with the same master SKU, or kept
  unlinked for the merchant; every listing gets its push row. Several listings may point
  at one product. The quantities read are stored as ``quantity_read``; a marketplace
  fulfilment source fed by this channel takes them as its stock (counts).
- Connecting never overwrites silently: a channel's pushes wait until
  :func:`decide_winner` records the merchant's choice ("hub": push the hub's quantities;
  "channel": count the hub's stock to what the channel shows, then push). The
  differences to decide on are ``queries.listing_differences``.
- :func:`link_listing` / :func:`create_product_from_listing` for unlinked listings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import httpx
from django.db import transaction
from django.utils import timezone

from crossdock.connectors.base import ConnectorError, ListingData, PullListings
from crossdock.core.actors import Actor
from crossdock.core.stock import MAX_QUANTITY, ListingEvent, ListingStatus, transition
from crossdock.hub.catalog.errors import CatalogConflict, CatalogInvalid, CatalogNotFound
from crossdock.hub.catalog.models import (
    ChannelStock,
    InventorySource,
    Listing,
    MovementKind,
    Product,
    StockPush,
)
from crossdock.hub.catalog.quantities import pushed_sources
from crossdock.hub.catalog.services import Move, apply_moves, create_product, lock_levels
from crossdock.hub.catalog.tasks import mark_channel_changed, mark_listings_changed
from crossdock.hub.channels.connections import connected
from crossdock.hub.channels.models import Channel


@dataclass(frozen=True, slots=True)
class ListingSync:
    """What one pull did: listings read, created, newly linked, left unlinked."""

    read: int
    created: int
    linked: int
    unlinked: int


def stock_state(channel: Channel) -> ChannelStock:
    """The channel's stock state row (created undecided on first use, never twice)."""
    state, _ = ChannelStock.objects.get_or_create(channel=channel)
    return state


def _price(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return None
    return value.quantize(Decimal("0.01")) if value.is_finite() and 0 <= value < 10**10 else None


def upsert_listings(channel: Channel, pulled: Sequence[ListingData], actor: Actor) -> ListingSync:
    """Store ``pulled`` as the channel's listings (by external id, else SKU); one transaction."""
    now = timezone.now()
    by_id: dict[str, ListingData] = {}
    for item in pulled:
        key = (item.external_id or item.sku)[:100]
        if key:
            by_id[key] = item
    with transaction.atomic():
        stock_state(channel)
        existing = {
            row.external_id: row
            for row in Listing.objects.select_for_update().filter(channel=channel)
        }
        products = dict(
            Product.objects.filter(
                account_id=channel.account_id, sku__in={item.sku for item in by_id.values()}
            ).values_list("sku", "pk")
        )
        new_rows = []
        changed = []
        linked = 0
        for key, item in by_id.items():
            quantity = max(min(item.quantity, MAX_QUANTITY), -MAX_QUANTITY)
            row = existing.get(key)
            if row is None:
                row = Listing(account_id=channel.account_id, channel=channel, external_id=key)
                new_rows.append(row)
            else:
                changed.append(row)
            row.sku = item.sku[:100]
            row.title = item.title[:300]
            row.external_ids = dict(item.extra)
            row.price = _price(item.extra.get("price", ""))
            row.quantity_read = quantity
            row.read_at = now
            if row.product_id is None and item.sku in products:
                row.product_id = products[item.sku]
                linked += 1
        Listing.objects.bulk_create(new_rows, batch_size=500)
        Listing.objects.bulk_update(
            changed,
            ["sku", "title", "external_ids", "price", "quantity_read", "read_at", "product"],
            batch_size=500,
        )
        created = list(Listing.objects.filter(channel=channel, push__isnull=True))
        StockPush.objects.bulk_create(
            [
                StockPush(account_id=channel.account_id, channel=channel, listing=row)
                for row in created
            ],
            ignore_conflicts=True,
        )
        _read_marketplace_stock(channel, [*changed, *new_rows], actor)
        ChannelStock.objects.filter(channel=channel).update(listings_pulled_at=now)
        unlinked = Listing.objects.filter(channel=channel, product__isnull=True).count()
        if linked or new_rows:
            mark_listings_changed(row.pk for row in [*new_rows, *changed] if row.product_id)
    return ListingSync(len(by_id), len(new_rows), linked, unlinked)


def _read_marketplace_stock(channel: Channel, rows: Sequence[Listing], actor: Actor) -> None:
    """A marketplace-fulfilment source fed by ``channel`` takes the channel's quantities."""
    source = InventorySource.objects.filter(
        account_id=channel.account_id, kind=InventorySource.Kind.MARKETPLACE, channel=channel
    ).first()
    if source is None:
        return
    seen: dict[int, int] = {}
    for row in rows:
        if (
            row.product_id is not None
            and row.product_id not in seen
            and row.quantity_read is not None
        ):
            seen[row.product_id] = max(row.quantity_read, 0)
    kits = set(Product.objects.filter(pk__in=seen, is_kit=True).values_list("pk", flat=True))
    moves = [
        Move(
            product,
            source.pk,
            MovementKind.COUNT,
            set_on_hand=quantity,
            reason=f"Read from {channel.name}",
        )
        for product, quantity in seen.items()
        if product not in kits
    ]
    levels = lock_levels(channel.account_id, [(move.product_id, move.source_id) for move in moves])
    apply_moves(channel.account_id, levels, moves, actor)


def pull_listings(
    channel_id: int, actor: Actor, *, client: httpx.Client | None = None
) -> ListingSync:
    """Read every listing of the channel over its connector and store them."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise CatalogNotFound(f"no channel {channel_id}")
    with connected(channel, client) as connector:
        if not isinstance(connector, PullListings):
            raise CatalogConflict(f"{channel.kind} channels do not list their listings")
        pulled = connector.fetch_listings()
    return upsert_listings(channel, pulled, actor)


def decide_winner(channel: Channel, winner: str, actor: Actor) -> ChannelStock:
    """The merchant's choice on connecting: ``"hub"`` or ``"channel"`` quantities win.

    "channel": for each linked product (not a kit) the hub's stock at the channel's first
    source is counted so that the available quantity equals what the channel showed.
    Either way the channel's listings are then pushed.
    """
    if winner not in (ChannelStock.Winner.HUB, ChannelStock.Winner.CHANNEL):
        raise CatalogInvalid.field("winner", "choose hub or channel")
    with transaction.atomic():
        state = ChannelStock.objects.select_for_update().filter(channel=channel).first()
        if state is None:
            state = stock_state(channel)
        if winner == ChannelStock.Winner.CHANNEL:
            _adopt_channel_quantities(channel, actor)
        state.winner = winner
        state.decided_at = timezone.now()
        state.save(update_fields=["winner", "decided_at"])
        mark_channel_changed(channel.pk)
    return state


def _adopt_channel_quantities(channel: Channel, actor: Actor) -> None:
    sources = pushed_sources(channel.account_id, [channel.pk])[channel.pk]
    if not sources:
        raise CatalogInvalid.field("winner", "the channel has no warehouse or 3PL source to count")
    first = sources[0]
    shown: dict[int, int] = {}
    for row in Listing.objects.filter(
        channel=channel, product__isnull=False, product__is_kit=False, quantity_read__isnull=False
    ).order_by("id"):
        if row.product_id is not None and row.quantity_read is not None:
            shown.setdefault(row.product_id, max(row.quantity_read, 0))
    keys = [(product, source) for product in shown for source in sources]
    levels = lock_levels(channel.account_id, keys)
    moves = []
    for product, quantity in shown.items():
        available = sum(levels[(product, source)].available for source in sources)
        if available != quantity:
            level = levels[(product, first)]
            moves.append(
                Move(
                    product,
                    first,
                    MovementKind.COUNT,
                    set_on_hand=max(level.on_hand + quantity - available, level.reserved),
                    reason=f"{channel.name}'s quantities chosen on connecting",
                )
            )
    apply_moves(channel.account_id, levels, moves, actor)


def link_listing(channel: Channel, listing_id: int, product_id: int | None) -> Listing:
    """Link a listing to a product of the account (``None``: unlink); its push follows."""
    with transaction.atomic():
        listing = Listing.objects.select_for_update().filter(channel=channel, pk=listing_id).first()
        if listing is None:
            raise CatalogNotFound(f"no listing {listing_id} on {channel.name}")
        if (
            product_id is not None
            and not Product.objects.filter(account_id=channel.account_id, pk=product_id).exists()
        ):
            raise CatalogInvalid.field("product", f"no product {product_id}")
        listing.product_id = product_id
        if product_id is None:
            listing.status = transition(ListingStatus(listing.status), ListingEvent.UNLINK)
        listing.save(update_fields=["product", "status", "updated_at"])
        mark_listings_changed([listing.pk])
    return listing


def create_product_from_listing(channel: Channel, listing_id: int) -> Product:
    """A new product from an unlinked listing (its SKU and title), linked to it."""
    listing = Listing.objects.filter(channel=channel, pk=listing_id).first()
    if listing is None:
        raise CatalogNotFound(f"no listing {listing_id} on {channel.name}")
    with transaction.atomic():
        product = create_product(channel.account, listing.sku, listing.title or listing.sku)
        link_listing(channel, listing_id, product.pk)
    return product


def set_paused(channel: Channel, listing_id: int, paused: bool) -> Listing:
    """Stop (or resume) pushes to one listing."""
    with transaction.atomic():
        listing = Listing.objects.select_for_update().filter(channel=channel, pk=listing_id).first()
        if listing is None:
            raise CatalogNotFound(f"no listing {listing_id} on {channel.name}")
        event = ListingEvent.PAUSE if paused else ListingEvent.RESUME
        try:
            listing.status = transition(ListingStatus(listing.status), event)
        except ValueError as error:
            raise CatalogConflict(str(error)) from error
        listing.save(update_fields=["status", "updated_at"])
        if not paused:
            mark_listings_changed([listing.pk])
    return listing


def pull_failed(channel: Channel, error: ConnectorError) -> None:
    """Record that reading the channel's listings failed (shown with its stock state)."""
    ChannelStock.objects.filter(channel=channel).update(last_error=str(error)[:2000])
