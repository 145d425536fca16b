"""Exporting the catalog and its stock as CSV files an import reads back unchanged.

Rows are streamed from the database (``iterator()``), so a large catalog is never held in
memory; every text cell is made formula-safe by ``core.catalog_csv``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TextIO

from crossdock.core.catalog_csv import (
    CsvKind,
    KitLine,
    ProductRow,
    StockRow,
)
from crossdock.core.catalog_csv_write import write_kits, write_products, write_stock
from crossdock.core.weights import Weight, WeightUnit
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import KitComponent, Product, StockLevel

CHUNK = 2_000


def product_row(product: Product) -> ProductRow:
    """A product as a products file states it."""
    weight = (
        Weight(product.weight_value, WeightUnit(product.weight_unit or WeightUnit.GRAM))
        if product.weight_value is not None
        else None
    )
    return ProductRow(
        row=0,
        sku=product.sku,
        name=product.name,
        barcode=product.barcode,
        weight=weight,
        length=_plain(product.length),
        width=_plain(product.width),
        height=_plain(product.height),
        dimension_unit=product.dimension_unit,
        bin_location=product.bin_location,
        cost=product.cost,
        image_url=product.image_url,
        tags=tuple(product.tags or ()),
        low_stock_threshold=product.low_stock_threshold,
    )


def _plain(value: Decimal | None) -> Decimal | None:
    return value.normalize() if value is not None else None


def _products(account: Account) -> Iterator[ProductRow]:
    for product in Product.objects.filter(account=account).order_by("sku").iterator(CHUNK):
        yield product_row(product)


def _kit_lines(account: Account) -> Iterator[KitLine]:
    lines = (
        KitComponent.objects.filter(kit__account=account)
        .order_by("kit__sku", "component__sku")
        .values_list("kit__sku", "component__sku", "quantity")
    )
    for kit_sku, component_sku, quantity in lines.iterator(CHUNK):
        yield KitLine(0, kit_sku, component_sku, quantity)


def _levels(account: Account) -> Iterator[StockRow]:
    levels = (
        StockLevel.objects.filter(account=account)
        .order_by("product__sku", "source__name")
        .values_list("product__sku", "source__name", "on_hand", "reserved")
    )
    for sku, source, on_hand, reserved in levels.iterator(CHUNK):
        yield StockRow(sku, source, on_hand, reserved)


def export(account: Account, kind: CsvKind, out: TextIO) -> int:
    """Write the account's products, kit recipes or stock levels to ``out``; answer the rows."""
    if kind is CsvKind.PRODUCTS:
        return write_products(_products(account), out)
    if kind is CsvKind.KITS:
        return write_kits(_kit_lines(account), out)
    return write_stock(_levels(account), out)
