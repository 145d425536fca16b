"""Catalog and stock reads, always scoped by account: what pages, the API and the CLI show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from crossdock.core.stock import Explanation, kit_available
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.errors import CatalogNotFound
from crossdock.hub.catalog.models import (
    ChannelStock,
    DriftRecord,
    InventorySource,
    Listing,
    OrderShortage,
    Product,
    StockLevel,
    StockMovement,
)
from crossdock.hub.catalog.quantities import leaves_of, load_recipes, targets
from crossdock.hub.channels.models import Channel


def products(account: Account, search: str = "") -> QuerySet[Product]:
    """The account's products, by SKU; ``search`` matches SKU, name or barcode."""
    rows = Product.objects.filter(account=account)
    term = search.strip()
    if term:
        rows = rows.filter(
            Q(sku__icontains=term) | Q(name__icontains=term) | Q(barcode__icontains=term)
        )
    return rows.order_by("sku")


def product(account: Account, product_id: int) -> Product:
    found = Product.objects.filter(account=account, pk=product_id).first()
    if found is None:
        raise CatalogNotFound(f"no product {product_id}")
    return found


def product_by_sku(account: Account, sku: str) -> Product:
    found = Product.objects.filter(account=account, sku=sku).first()
    if found is None:
        raise CatalogNotFound(f"no product with SKU {sku!r}")
    return found


def sources(account: Account) -> QuerySet[InventorySource]:
    return InventorySource.objects.filter(account=account).order_by("name")


def levels(account: Account, product_id: int) -> QuerySet[StockLevel]:
    """A product's stock per source (on hand, reserved, ``available``)."""
    return (
        StockLevel.objects.filter(account=account, product_id=product_id)
        .select_related("source")
        .order_by("source__name")
    )


def shortages(account: Account, product_id: int) -> list[OrderShortage]:
    """The orders short of a product (units they want but hold none of), oldest order
    first: the order in which stock that arrives or is freed goes to them."""
    return list(
        OrderShortage.objects.filter(account=account, product_id=product_id)
        .select_related("channel")
        .order_by("order_id")
    )


def movements(
    account: Account, product_id: int | None = None, limit: int = 100
) -> list[StockMovement]:
    """The newest ledger rows, of one product or of the account."""
    rows = StockMovement.objects.filter(account=account)
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    return list(rows.select_related("product", "source").order_by("-created_at", "-id")[:limit])


def listings(
    account: Account,
    *,
    channel_id: int | None = None,
    status: str | None = None,
    linked: bool | None = None,
    product_id: int | None = None,
) -> QuerySet[Listing]:
    """Listings by channel and status; ``linked=False`` gives the ones to link."""
    rows = Listing.objects.filter(account=account)
    if channel_id is not None:
        rows = rows.filter(channel_id=channel_id)
    if status:
        rows = rows.filter(status=status)
    if linked is not None:
        rows = rows.filter(product__isnull=not linked)
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    return rows.select_related("channel", "product").order_by("channel__name", "sku", "id")


def listing(account: Account, listing_id: int) -> Listing:
    found = (
        Listing.objects.filter(account=account, pk=listing_id)
        .select_related("channel", "product")
        .first()
    )
    if found is None:
        raise CatalogNotFound(f"no listing {listing_id}")
    return found


def explain_listing(account: Account, listing_id: int) -> Explanation | None:
    """How the listing's quantity is computed (on hand, reserved, rule, result); ``None``
    for an unlinked listing or one fed only by marketplace fulfilment."""
    return targets([listing(account, listing_id)])[listing_id]


@dataclass(frozen=True, slots=True)
class Difference:
    """One linked listing whose channel quantity differs from the hub's."""

    listing: Listing
    product: Product
    hub_quantity: int
    channel_quantity: int


def listing_differences(account: Account, channel_id: int) -> list[Difference]:
    """What deciding "hub wins" would change on the channel (the connect-time question)."""
    rows = list(
        listings(account, channel_id=channel_id, linked=True).filter(quantity_read__isnull=False)
    )
    computed = targets(rows)
    found = []
    for row in rows:
        explanation = computed.get(row.pk)
        if (
            explanation is not None
            and row.product is not None
            and row.quantity_read is not None
            and explanation.result != row.quantity_read
        ):
            found.append(Difference(row, row.product, explanation.result, row.quantity_read))
    return found


def stock_decision(account: Account, channel_id: int) -> ChannelStock | None:
    """The channel's stock state: ``winner`` empty means pushes wait for the merchant."""
    return ChannelStock.objects.filter(channel__account=account, channel_id=channel_id).first()


def undecided_channels(account: Account) -> QuerySet[Channel]:
    """Channels with listings whose merchant has not chosen which side's quantities win."""
    return Channel.objects.filter(account=account, stock_state__winner="").order_by("name")


def available(account: Account, product_ids: Iterable[int]) -> dict[int, int]:
    """Available stock (on hand − reserved) over the account's own sources (warehouses,
    3PLs), per product; a kit's from its components."""
    wanted = set(product_ids)
    recipes = load_recipes(wanted)
    parts = {product_id: leaves_of(recipes, product_id) for product_id in wanted}
    leaf_ids = {leaf for leaves in parts.values() for leaf in leaves}
    totals: dict[int, int] = defaultdict(int)
    for product_id, on_hand, reserved in (
        StockLevel.objects.filter(account=account, product_id__in=leaf_ids)
        .exclude(source__kind=InventorySource.Kind.MARKETPLACE)
        .values_list("product_id", "on_hand", "reserved")
    ):
        totals[product_id] += on_hand - reserved
    return {
        product_id: (
            totals.get(product_id, 0)
            if leaves == {product_id: 1}
            else kit_available(leaves, totals)
        )
        for product_id, leaves in parts.items()
    }


@dataclass(frozen=True, slots=True)
class LowStock:
    product: Product
    available: int
    threshold: int


def low_stock(account: Account) -> list[LowStock]:
    """Products at or under their low-stock threshold, lowest first (the dashboard list)."""
    candidates = list(
        Product.objects.filter(account=account, low_stock_threshold__isnull=False).order_by("sku")
    )
    counts = available(account, [item.pk for item in candidates])
    found = [
        LowStock(item, counts[item.pk], item.low_stock_threshold)
        for item in candidates
        if item.low_stock_threshold is not None and counts[item.pk] <= item.low_stock_threshold
    ]
    return sorted(found, key=lambda row: (row.available, row.product.sku))


def low_stock_count(account: Account) -> int:
    """How many products are low (the dashboard tile)."""
    return len(low_stock(account))


def drift_report(
    account: Account, channel_id: int | None = None, limit: int = 200
) -> list[DriftRecord]:
    """What reconciliation found and did, newest first."""
    rows = DriftRecord.objects.filter(account=account)
    if channel_id is not None:
        rows = rows.filter(channel_id=channel_id)
    return list(rows.select_related("channel", "listing").order_by("-detected_at", "-id")[:limit])
