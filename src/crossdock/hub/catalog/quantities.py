"""What each listing should show on its channel, computed in bulk from levels, kits and rules.

Reads only. A listing's quantity is its channel's rule (``core.stock.apply_rule``) applied to
the product's available stock summed over the channel's pushed sources; a kit's available
is ``core.stock.kit_available`` over its (exploded) components. A channel with no sources
of its own is fed by every active warehouse and 3PL source of the account. Listings that
are never pushed (unlinked, or fed only by marketplace fulfilment) get ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from django.db.models import QuerySet

from crossdock.core.stock import ALL_AVAILABLE, Explanation, Rule, explain, explode, kit_available
from crossdock.hub.catalog.models import (
    ChannelSource,
    InventorySource,
    KitComponent,
    StockLevel,
    StockRule,
)

Recipes = dict[int, dict[int, int]]


def _default_sources(account_id: int) -> QuerySet[InventorySource]:
    """What feeds a channel with no sources of its own: the account's active warehouses and
    3PLs (never marketplace fulfilment, which the hub reads and does not push)."""
    return (
        InventorySource.objects.filter(account_id=account_id, is_active=True)
        .exclude(kind=InventorySource.Kind.MARKETPLACE)
        .order_by("id")
    )


def pushed_sources(account_id: int, channel_ids: Iterable[int]) -> dict[int, list[int]]:
    """The one rule for which sources' stock a channel shows and reserves from: the ids of its
    own active sources in order, without marketplace fulfilment (read, never pushed); a
    channel with no active source of its own is fed by the account's warehouses and 3PLs.

    The quantities pushed (:func:`targets`), reservations and shortages
    (``services``) and the connect-time count (``listings``) all read it here. Two
    statements, rows read as tuples.
    """
    wanted = set(channel_ids)
    if not wanted:
        return {}
    found: dict[int, list[int]] = {}
    for channel_id, source_id, kind in (
        ChannelSource.objects.filter(channel_id__in=wanted, source__is_active=True)
        .order_by("channel_id", "position", "id")
        .values_list("channel_id", "source_id", "source__kind")
    ):
        ids = found.setdefault(channel_id, [])
        if kind != InventorySource.Kind.MARKETPLACE:
            ids.append(source_id)
    missing = wanted - set(found)
    if missing:
        default = list(_default_sources(account_id).values_list("pk", flat=True))
        for channel_id in missing:
            found[channel_id] = list(default)
    return found


def load_recipes(product_ids: Iterable[int]) -> Recipes:
    """The recipes of every kit reachable from ``product_ids`` (nested kits included)."""
    recipes: Recipes = {}
    frontier = set(product_ids)
    while frontier:
        rows = list(
            KitComponent.objects.filter(kit_id__in=frontier).values_list(
                "kit_id", "component_id", "quantity"
            )
        )
        for kit_id, component_id, quantity in rows:
            recipes.setdefault(kit_id, {})[component_id] = quantity
        frontier = {component for _, component, _ in rows} - set(recipes)
    return recipes


def leaves_of(recipes: Recipes, product_id: int) -> dict[int, int]:
    """The stock-holding products one unit of ``product_id`` is made of (itself if no kit)."""
    return explode(recipes, product_id, 1)


def rules_for(
    channel_ids: Iterable[int], listing_ids: Iterable[int]
) -> tuple[dict[int, Rule], dict[int, Rule]]:
    """The channel rules and the per-listing overrides, as pure ``Rule`` values.

    Every rule of the channels is read (overrides are few, set by hand) rather than sending
    the listings' ids: a claim of a thousand listings made that ``IN`` list the cost.
    """
    wanted = set(listing_ids)
    by_channel: dict[int, Rule] = {}
    by_listing: dict[int, Rule] = {}
    rows = StockRule.objects.filter(channel_id__in=set(channel_ids)).values_list(
        "channel_id", "listing_id", "percent", "maximum", "buffer", "fixed"
    )
    for channel_id, listing_id, percent, maximum, buffer, fixed in rows:
        rule = Rule(percent=percent, maximum=maximum, buffer=buffer, fixed=fixed)
        if listing_id is None:
            by_channel[channel_id] = rule
        elif listing_id in wanted:
            by_listing[listing_id] = rule
    return by_channel, by_listing


class ListingKey(Protocol):
    """What :func:`targets` reads of a listing (a ``Listing`` or a lighter view of one)."""

    @property
    def pk(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def channel_id(self) -> int: ...
    @property
    def product_id(self) -> int | None: ...


def targets(listings: Sequence[ListingKey]) -> dict[int, Explanation | None]:
    """For each listing (by id): the computation of what it should show, or ``None``."""
    if not listings:
        return {}
    account_id = listings[0].account_id
    channel_ids = {listing.channel_id for listing in listings}
    pushed = pushed_sources(account_id, channel_ids)
    product_ids = {listing.product_id for listing in listings if listing.product_id is not None}
    recipes = load_recipes(product_ids)
    leaves = {product_id: leaves_of(recipes, product_id) for product_id in product_ids}
    leaf_ids = {leaf for parts in leaves.values() for leaf in parts}
    source_ids = {source_id for ids in pushed.values() for source_id in ids}
    level_rows = StockLevel.objects.filter(
        product_id__in=leaf_ids, source_id__in=source_ids
    ).values_list("product_id", "source_id", "on_hand", "reserved")
    levels = {
        (product, source): (on_hand, reserved) for product, source, on_hand, reserved in level_rows
    }
    by_channel, by_listing = rules_for(channel_ids, [listing.pk for listing in listings])

    totals: dict[tuple[int, int], tuple[int, int]] = {}

    def total(product_id: int, channel_id: int) -> tuple[int, int]:
        key = (product_id, channel_id)
        if key not in totals:
            on_hand = reserved = 0
            for source_id in pushed[channel_id]:
                level = levels.get((product_id, source_id), (0, 0))
                on_hand += level[0]
                reserved += level[1]
            totals[key] = (on_hand, reserved)
        return totals[key]

    # Listings of one product on one channel share their computation (explanations are
    # immutable): a change over 10,000 listings computes each distinct one once.
    simple: dict[tuple[int, int, Rule], Explanation] = {}
    answers: dict[int, Explanation | None] = {}
    for listing in listings:
        product_id = listing.product_id
        if product_id is None or not pushed[listing.channel_id]:
            answers[listing.pk] = None
            continue
        rule = by_listing.get(listing.pk) or by_channel.get(listing.channel_id) or ALL_AVAILABLE
        parts = leaves[product_id]
        if parts == {product_id: 1}:
            key = (product_id, listing.channel_id, rule)
            found = simple.get(key)
            if found is None:
                on_hand, reserved = total(product_id, listing.channel_id)
                found = simple[key] = explain(on_hand, reserved, rule)
            answers[listing.pk] = found
            continue
        sums = {part: total(part, listing.channel_id) for part in parts}
        available = kit_available(parts, {part: oh - rs for part, (oh, rs) in sums.items()})
        answers[listing.pk] = explain(
            sum(oh for oh, _ in sums.values()),
            sum(rs for _, rs in sums.values()),
            rule,
            available=available,
        )
    return answers
