"""Catalog CSV import: 100,000 product rows, beside a bare baseline doing the same inserts.

Figures, all on the same generated file (UTF-8, every product column filled):

- check: the pure reader alone (``core.catalog_csv.check_file``), rows per second;
- import: ``hub.catalog.imports.import_file`` into an empty catalog (check, then every row
  through the catalog services in one transaction), rows per second;
- baseline: Python's ``csv`` module and ``sqlite3.executemany`` inserting the same rows
  into a table of the same columns in a fresh SQLite file, rows per second;
- the ratio import ÷ baseline: what validation, services and the ORM cost.

Runs against the fresh database of ``make bench`` (migrated here).
"""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from crossdock.core.actors import SYSTEM
from crossdock.core.catalog_csv import COLUMNS, CsvKind, check_file
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


def _baseline(data: bytes) -> float:
    with tempfile.TemporaryDirectory() as folder:
        database = sqlite3.connect(Path(folder) / "baseline.sqlite3")
        columns = COLUMNS[CsvKind.PRODUCTS]
        database.execute(
            f"CREATE TABLE product (id INTEGER PRIMARY KEY, {', '.join(columns)}, UNIQUE (sku))"
        )
        started = time.perf_counter()
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
        next(reader)
        marks = ", ".join("?" for _ in columns)
        with database:
            database.executemany(
                f"INSERT INTO product ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608 - fixed column names
                reader,
            )
        seconds = time.perf_counter() - started
        inserted = database.execute("SELECT count(*) FROM product").fetchone()[0]
        database.close()
    if inserted != ROWS:
        raise RuntimeError(f"baseline inserted {inserted} rows")
    return seconds


def run() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    account = create_account("Bench Catalog", "catalog@example.com", "bench-pass-1")
    data = _file(ROWS)
    megabytes = len(data) / 1_000_000

    started = time.perf_counter()
    report = check_file(CsvKind.PRODUCTS, io.BytesIO(data))
    check_seconds = time.perf_counter() - started
    if not report.ok or report.rows != ROWS:
        raise RuntimeError(f"unexpected check: {report.rows} rows, {report.error_count} errors")

    started = time.perf_counter()
    result = import_file(account, CsvKind.PRODUCTS, io.BytesIO(data), SYSTEM, name="bench.csv")
    import_seconds = time.perf_counter() - started
    if result.created != ROWS or Product.objects.filter(account=account).count() != ROWS:
        raise RuntimeError(f"unexpected import: {result!r}")

    baseline_seconds = _baseline(data)
    print(f"database: {connection.vendor}; file {ROWS:,} rows, {megabytes:.1f} MB")
    print(f"check     {check_seconds:6.2f} s: {ROWS / check_seconds:>9,.0f} rows/s")
    print(f"import    {import_seconds:6.2f} s: {ROWS / import_seconds:>9,.0f} rows/s")
    print(f"baseline  {baseline_seconds:6.2f} s: {ROWS / baseline_seconds:>9,.0f} rows/s")
    print(f"import takes {import_seconds / baseline_seconds:.1f}× the baseline's time")
