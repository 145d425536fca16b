"""Realistic store content for the fake, built from the golden fixtures (ids renumbered)."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.connectors.bigcommerce.fake import FakeBigCommerce, FakeOrder, rfc2822

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def order_from_golden(
    order_id: int,
    modified: datetime,
    *,
    status_id: int = 11,
    address_id: int | None = None,
    line_ids: tuple[int, ...] | None = None,
) -> FakeOrder:
    """The golden order #2201 as order ``order_id``, modified at ``modified``."""
    order = golden("order.json")
    order.update(id=order_id, date_modified=rfc2822(modified), status_id=status_id)
    address = address_id or order_id * 10 + 1
    products = golden("order_products.json")
    for position, product in enumerate(products):
        product.update(
            id=line_ids[position] if line_ids else order_id * 10 + position + 2,
            order_id=order_id,
            order_address_id=address,
        )
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


def stock_catalog(fake: FakeBigCommerce) -> None:
    """The golden catalog and the default location's stock."""
    fake.products = golden("catalog_products.json")["data"]
    for item in golden("location_items.json")["data"]:
        identity = item["identity"]
        key = (
            f"v{identity['variant_id']}"
            if "variant_id" in identity
            else f"p{identity['product_id']}"
        )
        fake.stock[(1, key)] = item["total_inventory_onhand"]


def store_with_orders(count: int, start: datetime) -> FakeBigCommerce:
    """A fake store holding ``count`` golden orders, one second apart from ``start``."""
    fake = FakeBigCommerce(now=start)
    stock_catalog(fake)
    for number in range(count):
        fake.add_order(order_from_golden(3000 + number, fake.tick()))
    return fake
