"""Realistic store content for the fake BigCommerce, built from the golden fixtures."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"
Json = Any


@cache
def _golden_text(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def golden(name: str) -> Any:
    """A fresh copy of a golden fixture (callers change it freely)."""
    return json.loads(_golden_text(name))


def rfc2822(when: datetime) -> str:
    """A time as BigCommerce V2 writes it: ``Fri, 20 Nov 2026 09:15:04 +0000``."""
    return format_datetime(when.astimezone(UTC).replace(microsecond=0))


@dataclass
class FakeOrder:
    """One order: the order document and its sub-resources."""

    order: dict[str, Json]
    products: list[dict[str, Json]]
    addresses: list[dict[str, Json]]
    coupons: list[dict[str, Json]] = field(default_factory=list)
    shipments: list[dict[str, Json]] = field(default_factory=list)
    metafields: list[dict[str, Json]] = field(default_factory=list)
    #: Refunds as the V3 payment actions API lists them.
    refunds: list[dict[str, Json]] = field(default_factory=list)


def order_from_golden(order_id: int, modified: datetime, *, status_id: int = 11) -> FakeOrder:
    """The golden order #2201 as order ``order_id`` (ids renumbered), modified at ``modified``."""
    order = golden("order.json")
    order.update(id=order_id, date_modified=rfc2822(modified), status_id=status_id)
    address = order_id * 10 + 1
    products = golden("order_products.json")
    for position, product in enumerate(products):
        product.update(id=order_id * 10 + position + 2, order_id=order_id, order_address_id=address)
        for option in product["product_options"]:
            option["order_product_id"] = product["id"]
    addresses = golden("order_shipping_addresses.json")
    addresses[0].update(id=address, order_id=order_id)
    coupons = golden("order_coupons.json")
    for coupon in coupons:
        coupon["order_id"] = order_id
    return FakeOrder(order=order, products=products, addresses=addresses, coupons=coupons)


def second_address(order: FakeOrder, address_id: int, product_index: int) -> None:
    """Send one product of ``order`` to a second shipping address (a multi-address order)."""
    extra = copy.deepcopy(order.addresses[0])
    extra.update(id=address_id, first_name="Leif", last_name="Berg", street_1="3 Pine Road")
    order.addresses.append(extra)
    order.products[product_index]["order_address_id"] = address_id
    order.order["shipping_address_count"] = len(order.addresses)


def catalog() -> tuple[list[dict[str, Json]], dict[tuple[int, str], int]]:
    """The golden catalog, and the default location's stock keyed as the fake keeps it."""
    stock: dict[tuple[int, str], int] = {}
    for item in golden("location_items.json")["data"]:
        identity = item["identity"]
        key = (
            f"v{identity['variant_id']}"
            if "variant_id" in identity
            else f"p{identity['product_id']}"
        )
        stock[(1, key)] = item["total_inventory_onhand"]
    return golden("catalog_products.json")["data"], stock
