"""Writing catalog CSV files: the catalog, kit recipes and stock, as the import reads them.

Every text cell goes through :func:`crossdock.core.catalog_csv.safe_cell`, so a spreadsheet
never runs a cell as a formula; the reader undoes exactly that, so an export imports back
unchanged. Pure: no Django.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TextIO

from crossdock.core.catalog_csv import (
    COLUMNS,
    CsvKind,
    KitLine,
    ProductRow,
    StockRow,
    safe_cell,
)


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else format(value.normalize(), "f")


def _write(kind: CsvKind, rows: Iterable[Sequence[object]], out: TextIO) -> int:
    """The header of ``kind``, then ``rows``; answer how many rows were written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def _product_cells(product: ProductRow) -> list[object]:
    weight = product.weight
    return [
        safe_cell(product.sku),
        safe_cell(product.name),
        safe_cell(product.barcode),
        _number(weight.value if weight else None),
        weight.unit.value if weight else "",
        _number(product.length),
        _number(product.width),
        _number(product.height),
        product.dimension_unit,
        safe_cell(product.bin_location),
        "" if product.cost is None else f"{product.cost:.2f}",
        safe_cell(product.image_url),
        safe_cell(", ".join(product.tags)),
        _number(product.low_stock_threshold),
    ]


def write_products(products: Iterable[ProductRow], out: TextIO) -> int:
    """Write the catalog as a products file (the import's columns); answer the rows written."""
    return _write(CsvKind.PRODUCTS, (_product_cells(product) for product in products), out)


def write_kits(lines: Iterable[KitLine], out: TextIO) -> int:
    """Write kit recipes as a kits file; answer the lines written."""
    cells = (
        [safe_cell(line.kit_sku), safe_cell(line.component_sku), line.quantity] for line in lines
    )
    return _write(CsvKind.KITS, cells, out)


def write_stock(levels: Iterable[StockRow], out: TextIO) -> int:
    """Write stock levels as a quantities file (quantity is on hand); answer the rows written."""
    cells = (
        [
            safe_cell(level.sku),
            safe_cell(level.source),
            level.on_hand,
            level.reserved,
            level.available,
        ]
        for level in levels
    )
    return _write(CsvKind.QUANTITIES, cells, out)
