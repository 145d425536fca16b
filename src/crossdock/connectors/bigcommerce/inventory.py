"""BigCommerce catalog and inventory ⇄ listings and stock levels: pure functions, no I/O.

Listings are the variants of ``GET /v3/catalog/products?include=variants``; a product
that tracks stock as a whole (``inventory_tracking: product``) is one listing addressed
by product id. Quantities are the on-hand counts of the channel's inventory location
(``GET /v3/inventory/locations/{id}/items``). Stock is set with absolute adjustments
(``PUT /v3/inventory/adjustments/absolute``) at that location.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crossdock.connectors.base import ListingData, StockLevel, ValidationError
from crossdock.connectors.bigcommerce import wire
from crossdock.connectors.bigcommerce.wire import Document

#: The most items one absolute adjustment takes (BigCommerce's documented payload limit).
ADJUSTMENT_LIMIT = 2000
REASON = "Crossdock stock sync"
#: A listing tracked by product is addressed as ``product:<id>``; a variant by its id.
PRODUCT_PREFIX = "product:"
#: BigCommerce's largest inventory level (a 32-bit signed integer).
MAX_QUANTITY = 2147483647


@dataclass(frozen=True, slots=True)
class Location:
    """One inventory location of the store (``GET /v3/inventory/locations``)."""

    id: int
    label: str
    code: str
    enabled: bool


def parse_locations(documents: Sequence[Document]) -> tuple[Location, ...]:
    return tuple(
        Location(
            id=wire.integer(raw, "id", f"locations[{index}]."),
            label=wire.text(raw, "label"),
            code=wire.text(raw, "code"),
            enabled=raw.get("enabled") is not False,
        )
        for index, raw in enumerate(documents)
    )


def parse_location_quantities(documents: Sequence[Document]) -> dict[str, int]:
    """On-hand quantity per listing id (``variant id`` and ``product:<id>``) at the location."""
    quantities: dict[str, int] = {}
    for index, raw in enumerate(documents):
        where = f"items[{index}]."
        identity = raw.get("identity")
        if not isinstance(identity, Mapping):
            raise ValidationError(f"{where}identity is missing")
        quantity = wire.integer(raw, "total_inventory_onhand", where)
        variant = wire.optional_integer(identity, "variant_id", where)
        product = wire.optional_integer(identity, "product_id", where)
        if variant is not None:
            quantities[str(variant)] = quantity
        if product is not None:
            quantities.setdefault(f"{PRODUCT_PREFIX}{product}", quantity)
    return quantities


def _title(product_name: str, variant: Document, where: str) -> str:
    labels = [wire.text(value, "label") for value in wire.objects(variant, "option_values", where)]
    labels = [label for label in labels if label]
    return f"{product_name} ({', '.join(labels)})" if labels else product_name


def parse_listings(
    products: Sequence[Document], quantities: Mapping[str, int]
) -> tuple[ListingData, ...]:
    """One listing per variant (or per product tracked as a whole)."""
    listings: list[ListingData] = []
    for index, product in enumerate(products):
        where = f"products[{index}]."
        product_id = wire.integer(product, "id", where)
        name = wire.text(product, "name")
        tracking = wire.text(product, "inventory_tracking") or "variant"
        variants = wire.objects(product, "variants", where)
        if tracking == "product" or not variants:
            key = f"{PRODUCT_PREFIX}{product_id}"
            listings.append(
                ListingData(
                    external_id=key,
                    sku=wire.text(product, "sku"),
                    title=name,
                    quantity=quantities.get(key, _level(product, where)),
                    extra={"product_id": str(product_id), "inventory_tracking": tracking},
                )
            )
            continue
        for position, variant in enumerate(variants):
            at = f"{where}variants[{position}]."
            variant_id = str(wire.integer(variant, "id", at))
            listings.append(
                ListingData(
                    external_id=variant_id,
                    sku=wire.text(variant, "sku"),
                    title=_title(name, variant, at),
                    quantity=quantities.get(variant_id, _level(variant, at)),
                    extra={"product_id": str(product_id), "inventory_tracking": tracking},
                )
            )
    return tuple(listings)


def _level(document: Document, where: str) -> int:
    return wire.optional_integer(document, "inventory_level", where) or 0


def level_problem(level: StockLevel) -> str:
    """Why a stock level cannot be sent at all, or ``""``."""
    if level.quantity < 0:
        return f"quantity {level.quantity} is negative"
    if level.quantity > MAX_QUANTITY:
        return f"quantity {level.quantity} is above BigCommerce's limit"
    key = level.external_id.strip()
    if not key and not level.sku.strip():
        return "the listing has neither a BigCommerce id nor a SKU"
    if key and not (key.isdigit() or _product_id(key) is not None):
        return f"{key!r} is not a BigCommerce variant or product id"
    return ""


def _product_id(key: str) -> int | None:
    rest = key.removeprefix(PRODUCT_PREFIX)
    return int(rest) if key.startswith(PRODUCT_PREFIX) and rest.isdigit() else None


def render_item(level: StockLevel, location_id: int) -> dict[str, Any]:
    """One item of an absolute adjustment: by variant id, product id, or SKU."""
    key = level.external_id.strip()
    item: dict[str, Any] = {"location_id": location_id}
    product = _product_id(key)
    if product is not None:
        item["product_id"] = product
    elif key:
        item["variant_id"] = int(key)
    else:
        item["sku"] = level.sku.strip()
    item["quantity"] = level.quantity
    return item


def render_adjustment(levels: Sequence[StockLevel], location_id: int) -> dict[str, Any]:
    """The body of ``PUT /v3/inventory/adjustments/absolute``."""
    return {"reason": REASON, "items": [render_item(level, location_id) for level in levels]}
