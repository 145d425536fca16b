"""Catalog CSV import: 100,000 product rows, beside a bare baseline writing the same rows.

Figures, all on the same generated file (UTF-8, every product column filled):

- check: the pure reader alone (``core.catalog_csv.check_file``), rows per second;
- import: ``hub.catalog.imports.import_file`` into an empty catalog (every row checked and
  applied in one read and one transaction), rows per second;
- baseline: the least code writing the same rows: Python's ``csv`` module, the account's
  existing SKUs read once (an import must tell new from existing), the cells as the hub
  stores them (empty numbers as NULL, the tags as a sorted JSON list, both timestamps) and
  one ``executemany`` into the hub's own product table, for an account of its own, with the
  plain driver (``sqlite3`` or ``psycopg``, on the database the import uses). No validation;
  rows per second;
- the ratio import ÷ baseline: what validation, services and the ORM cost.

The baseline runs first (the import then meets the larger table), and the run fails unless
both wrote the same rows, column for column.

Until this round the baseline inserted the raw cells as text into a one-index table of a
fresh SQLite file (no account, no timestamps, no conversion, no read of existing SKUs, and
SQLite even on PostgreSQL runs): less work than the import's, which flattered it.

Runs against the fresh database of ``make bench`` (migrated here).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from django.core.management import call_command
from django.db import connection

from crossdock.core.actors import SYSTEM
from crossdock.core.catalog_csv import COLUMNS, CsvKind, check_file
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account
from crossdock.hub.catalog.imports import import_file
from crossdock.hub.catalog.models import Product

ROWS = 100_000


def _file(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[CsvKind.PRODUCTS])
    for number in range(rows):
        writer.writerow(
            [
                f"SKU-{number:06d}",
                f"Product {number} in blue",
                f"{4000000000000 + number}",
                f"{100 + number % 900}",
                "g",
                "10",
                "8.5",
                "3",
                "cm",
                f"A-{number % 40:02d}-{number % 7}",
                f"{number % 50}.99",
                f"https://img.example/{number}.jpg",
                "blue, summer",
                "5",
            ]
        )
    return out.getvalue().encode("utf-8")


#: The product columns both sides write, in the table's order (the id is the table's own);
#: the baseline's rows list their values in this order.
_STORED = tuple(
    field.column or field.attname
    for field in Product._meta.concrete_fields
    if not field.primary_key
)


def _driver() -> tuple[Any, str]:
    """A plain driver connection to the hub's database (autocommit) and its placeholder."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        plain = sqlite3.connect(settings["NAME"], timeout=30, isolation_level=None)
        plain.execute("PRAGMA journal_mode=WAL")
        plain.execute("PRAGMA synchronous=NORMAL")
        return plain, "?"
    import psycopg

    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ), "%s"


def _number(cell: str) -> str | None:
    # The database turns the text into its column's number, as it stores the ORM's decimals.
    return cell or None


def _baseline(data: bytes, account_id: int) -> float:
    """Write the file's products for ``account_id`` with the plain driver; the seconds taken."""
    plain, mark = _driver()
    is_sqlite = isinstance(plain, sqlite3.Connection)
    marks = ", ".join(mark for _ in _STORED)
    insert = f"INSERT INTO catalog_product ({', '.join(_STORED)}) VALUES ({marks})"  # noqa: S608 - fixed column names
    started = time.perf_counter()
    now = datetime.now(UTC)
    stamp: Any = now.replace(tzinfo=None).isoformat(" ") if is_sqlite else now
    plain.execute("BEGIN")
    existing = {
        sku
        for (sku,) in plain.execute(
            f"SELECT sku FROM catalog_product WHERE account_id = {mark}",  # noqa: S608 - fixed
            (account_id,),
        )
    }
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    next(reader)
    rows = []
    for (
        sku,
        name,
        barcode,
        weight,
        unit,
        length,
        width,
        height,
        dimension,
        bin_,
        cost,
        image,
        tags,
        low,
    ) in reader:
        if sku in existing:
            raise RuntimeError("the bench file updates nothing")
        rows.append(
            (
                account_id,
                sku,
                name,
                False,
                _number(weight),
                unit,
                _number(length),
                _number(width),
                _number(height),
                dimension,
                barcode,
                image,
                bin_,
                _number(cost),
                json.dumps(sorted({tag.strip() for tag in tags.split(",") if tag.strip()})),
                _number(low),
                stamp,
                stamp,
            )
        )
    cursor = plain.cursor()
    cursor.executemany(insert, rows)
    plain.execute("COMMIT")
    seconds = time.perf_counter() - started
    plain.close()
    return seconds


def _stored_rows(account: Account) -> list[tuple[Any, ...]]:
    columns = [name for name in _STORED if name not in {"account_id", "created_at", "updated_at"}]
    return list(Product.objects.filter(account=account).order_by("sku").values_list(*columns))


def run() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    account = create_account("Bench Catalog", "catalog@example.com", "bench-pass-1")
    bare = create_account("Bench Catalog Baseline", "catalog-baseline@example.com", "bench-pass-1")
    data = _file(ROWS)
    megabytes = len(data) / 1_000_000

    started = time.perf_counter()
    report = check_file(CsvKind.PRODUCTS, io.BytesIO(data))
    check_seconds = time.perf_counter() - started
    if not report.ok or report.rows != ROWS:
        raise RuntimeError(f"unexpected check: {report.rows} rows, {report.error_count} errors")

    baseline_seconds = _baseline(data, bare.pk)

    started = time.perf_counter()
    result = import_file(account, CsvKind.PRODUCTS, io.BytesIO(data), SYSTEM, name="bench.csv")
    import_seconds = time.perf_counter() - started
    if result.created != ROWS or Product.objects.filter(account=account).count() != ROWS:
        raise RuntimeError(f"unexpected import: {result!r}")
    if _stored_rows(account) != _stored_rows(bare):
        raise RuntimeError("the baseline and the import wrote different rows")

    print(f"database: {connection.vendor}; file {ROWS:,} rows, {megabytes:.1f} MB")
    print(f"check     {check_seconds:6.2f} s: {ROWS / check_seconds:>9,.0f} rows/s")
    print(f"import    {import_seconds:6.2f} s: {ROWS / import_seconds:>9,.0f} rows/s")
    print(f"baseline  {baseline_seconds:6.2f} s: {ROWS / baseline_seconds:>9,.0f} rows/s")
    print(f"import takes {import_seconds / baseline_seconds:.1f}× the baseline's time")
