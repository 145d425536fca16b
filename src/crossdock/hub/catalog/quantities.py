"""What each listing should show on its channel, computed in bulk from levels, kits and rules.

Reads only. A listing's quantity is its channel's rule (``core.stock.apply_rule``) applied to
the product's available stock summed over the channel's pushed sources; a kit's available
is ``core.stock.kit_available`` over its (exploded) components. A channel with no sources
of its own is fed by every active warehouse and 3PL source of the account. Listings that
are never pushed (unlinked, or fed only by marketplace fulfilment) get ``None``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol

from crossdock.core.stock import ALL_AVAILABLE, Explanation, Rule, explain, explode, kit_available
from crossdock.hub.catalog.models import (
    ChannelSource,
    InventorySource,
    KitComponent,
    StockLevel,
    StockRule,
)

Recipes = dict[int, dict[int, int]]


def channel_sources(
    account_id: int, channel_ids: Iterable[int]
) -> dict[int, list[InventorySource]]:
    """Each channel's sources in order (its own list, else the account's pushed sources)."""
    wanted = set(channel_ids)
    found: dict[int, list[InventorySource]] = defaultdict(list)
    for link in (
        ChannelSource.objects.filter(channel_id__in=wanted, source__is_active=True)
        .select_related("source")
        .order_by("channel_id", "position", "id")
    ):
        found[link.channel_id].append(link.source)
    missing = wanted - set(found)
    if missing:
        default = list(
            InventorySource.objects.filter(account_id=account_id, is_active=True)
            .exclude(kind=InventorySource.Kind.MARKETPLACE)
            .order_by("id")
        )
        for channel_id in missing:
            found[channel_id] = default
    return dict(found)


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
    sources = channel_sources(account_id, channel_ids)
    pushed = {
        channel_id: [source.pk for source in found if source.is_pushed]
        for channel_id, found in sources.items()
    }
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

    answers: dict[int, Explanation | None] = {}
    for listing in listings:
        product_id = listing.product_id
        if product_id is None or not pushed[listing.channel_id]:
            answers[listing.pk] = None
            continue
        rule = by_listing.get(listing.pk) or by_channel.get(listing.channel_id) or ALL_AVAILABLE
        parts = leaves[product_id]
        if parts == {product_id: 1}:
            on_hand, reserved = total(product_id, listing.channel_id)
            answers[listing.pk] = explain(on_hand, reserved, rule)
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
