"""Importing catalog CSV files: check every row, then apply all of them or none.

``core.catalog_csv`` reads and checks a file against what the account holds (its SKUs,
sources and kit recipes). :func:`import_file` checks the whole file first; any row error
and nothing is applied. A clean file is then applied in one transaction: kit recipes and
counts through the catalog services (``set_recipe``, ``count``), so the ledger and
propagation see an import like any other change, and product rows, which carry no stock,
in batches (see :func:`_apply_products`). Should a service still refuse a row, the
transaction rolls back and the refusal is reported at that row.

A products file updates only the columns it has: a file of ``sku,name`` renames products
and leaves their weights alone. A kits file replaces the recipe of each kit it names. A
quantities file is a stock count: on hand becomes the file's quantity, recorded as a
``count`` movement with the actor and the file's name as the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from crossdock.core.actors import Actor
from crossdock.core.catalog_csv import (
    CatalogContext,
    CsvKind,
    CsvReport,
    KitLine,
    ProductRow,
    QuantityRow,
    RowError,
    check_file,
    read_rows,
)
from crossdock.core.errors import CrossdockError
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import services
from crossdock.hub.catalog.errors import CatalogInvalid
from crossdock.hub.catalog.models import InventorySource, KitComponent, Product

T = TypeVar("T")

#: Products written per batch.
BATCH = 1_000

#: Row errors put into a refusal's ``field_errors`` (the report keeps up to its own cap).
MAX_FIELD_ERRORS = 100


class ImportRefused(CatalogInvalid):
    """The file has row errors: nothing was applied; ``report`` lists them."""

    def __init__(self, report: CsvReport) -> None:
        self.report = report
        shown = report.errors[:MAX_FIELD_ERRORS]
        super().__init__(
            [(f"row {error.row}.{error.column or 'row'}", error.message) for error in shown],
            message=(
                f"{report.error_count:,} problem{'s' if report.error_count != 1 else ''} in "
                f"{report.rows:,} rows; nothing was imported"
            ),
        )


@dataclass(frozen=True)
class ImportResult:
    """What an applied file did."""

    kind: CsvKind
    rows: int
    created: int
    updated: int


#: Called after each applied row with the count so far (a progress bar).
Progress = Callable[[int], None]


def catalog_context(account: Account) -> CatalogContext:
    """The account's SKUs, source names and kit recipes, for checking a file."""
    skus: set[str] = set()
    kits: set[str] = set()
    for sku, is_kit in Product.objects.filter(account=account).values_list("sku", "is_kit"):
        skus.add(sku)
        if is_kit:
            kits.add(sku)
    recipes: dict[str, list[str]] = defaultdict(list)
    for kit_sku, component_sku in KitComponent.objects.filter(kit__account=account).values_list(
        "kit__sku", "component__sku"
    ):
        recipes[kit_sku].append(component_sku)
    sources = set(InventorySource.objects.filter(account=account).values_list("name", flat=True))
    return CatalogContext(
        known_skus=skus, known_sources=sources, kit_recipes=dict(recipes), kit_skus=kits
    )


def check_import(account: Account, kind: CsvKind, stream: BinaryIO) -> CsvReport:
    """Check ``stream`` row by row against the account; changes nothing.

    Raises ``CatalogFileError`` when the file as a whole is unreadable.
    """
    return check_file(kind, stream, catalog_context(account))


def import_file(
    account: Account,
    kind: CsvKind,
    stream: BinaryIO,
    actor: Actor,
    *,
    name: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Check then apply ``stream`` in one transaction; all rows or none.

    Raises ``CatalogFileError`` (unreadable file) or :class:`ImportRefused` (row errors,
    or a row a service refused while applying): in both cases nothing changed.
    """
    start = stream.tell()
    context = catalog_context(account)
    report = check_file(kind, stream, context)
    if not report.ok:
        raise ImportRefused(report)
    stream.seek(start)
    rows = read_rows(kind, stream, context)
    try:
        with transaction.atomic():
            if kind is CsvKind.PRODUCTS:
                created, updated = _apply_products(account, rows, report.columns, progress)
            elif kind is CsvKind.KITS:
                created, updated = _apply_kits(account, rows, progress)
            else:
                created, updated = _apply_quantities(account, rows, actor, name, progress)
    except _RowRefused as refused:
        raise ImportRefused(
            CsvReport(kind, report.columns, report.rows, (refused.error,), 1)
        ) from refused.__cause__
    return ImportResult(kind, report.rows, created, updated)


class _RowRefused(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def _only(rows: Iterator[object], kind: type[T]) -> Iterator[T]:
    for item in rows:
        if isinstance(item, kind):
            yield item
        elif isinstance(item, RowError):  # the file changed between check and apply
            raise _RowRefused(item)


def _refusal(row: int, error: CrossdockError, default_column: str) -> _RowRefused:
    field = default_column
    message = str(error)
    if isinstance(error, CatalogInvalid) and error.field_errors:
        field, message = error.field_errors[0]
    refused = _RowRefused(RowError(row, field.split(".")[0], message))
    refused.__cause__ = error
    return refused


def product_values(product: ProductRow, columns: tuple[str, ...]) -> dict[str, Any]:
    """The service's field values for the columns a file has (absent columns stay as they are)."""
    values: dict[str, Any] = {}
    present = set(columns)
    if "name" in present:
        values["name"] = product.name
    if "weight" in present:
        weight = product.weight
        values["weight_value"] = (
            weight.value.quantize(Decimal("0.0001")) if weight is not None else None
        )
        values["weight_unit"] = weight.unit.value if weight is not None else ""
    for dimension in ("length", "width", "height"):
        if dimension in present:
            value: Decimal | None = getattr(product, dimension)
            values[dimension] = value.quantize(Decimal("0.01")) if value is not None else None
    if present & {"length", "width", "height", "dimension_unit"}:
        values["dimension_unit"] = product.dimension_unit
    for text in ("barcode", "bin_location", "image_url"):
        if text in present:
            values[text] = getattr(product, text)
    if "cost" in present:
        values["cost"] = product.cost
    if "tags" in present:
        values["tags"] = list(product.tags)
    if "low_stock_threshold" in present:
        values["low_stock_threshold"] = product.low_stock_threshold
    return values


def _apply_products(
    account: Account,
    rows: Iterator[object],
    columns: tuple[str, ...],
    progress: Progress | None,
) -> tuple[int, int]:
    """Create and update products in batches.

    A product row carries no stock, no ledger and nothing to push, and ``core.catalog_csv``
    has checked every value against the same rules as ``services.create_product`` (lengths,
    non-negative bounded numbers, the threshold's range, tags as words), so rows go in
    ``BATCH`` at a time instead of one service call each (a 100,000-row file in seconds
    rather than minutes). A SKU created meanwhile by someone else breaks the unique key:
    the transaction rolls back and the file is refused.
    """
    existing = dict(Product.objects.filter(account=account).values_list("sku", "pk"))
    fields = [name for name in services.PRODUCT_FIELDS if name in _fields_of(columns)]
    created = updated = 0
    new: list[Product] = []
    changed: list[Product] = []

    def flush() -> None:
        if new:
            Product.objects.bulk_create(new)
        if changed and fields:
            Product.objects.bulk_update(changed, [*fields, "updated_at"])
        new.clear()
        changed.clear()
        if progress is not None:
            progress(created + updated)

    now = timezone.now()
    try:
        for product in _only(rows, ProductRow):
            values = product_values(product, columns)
            if "tags" in values:
                values["tags"] = sorted(set(values["tags"]))
            if product.sku in existing:
                changed.append(
                    Product(
                        pk=existing[product.sku],
                        account=account,
                        sku=product.sku,
                        updated_at=now,
                        **values,
                    )
                )
                updated += 1
            else:
                new.append(Product(account=account, sku=product.sku, **values))
                created += 1
            if len(new) + len(changed) >= BATCH:
                flush()
        flush()
    except IntegrityError as error:
        raise _RowRefused(
            RowError(0, "sku", "a SKU of the file was created meanwhile; import it again")
        ) from error
    return created, updated


def _fields_of(columns: tuple[str, ...]) -> set[str]:
    """The product fields a file's columns set (``weight`` sets value and unit)."""
    present = set(columns)
    names = present & {"name", "barcode", "bin_location", "image_url", "cost", "tags"}
    names |= present & {"length", "width", "height", "low_stock_threshold"}
    if "weight" in present:
        names |= {"weight_value", "weight_unit"}
    if present & {"length", "width", "height", "dimension_unit"}:
        names.add("dimension_unit")
    return names


def _apply_kits(
    account: Account, rows: Iterator[object], progress: Progress | None
) -> tuple[int, int]:
    recipes: dict[str, dict[str, int]] = {}
    first_row: dict[str, int] = {}
    for line in _only(rows, KitLine):
        recipes.setdefault(line.kit_sku, {})[line.component_sku] = line.quantity
        first_row.setdefault(line.kit_sku, line.row)
    kits = dict(
        Product.objects.filter(account=account, sku__in=list(recipes)).values_list("sku", "pk")
    )
    was_kit = set(
        Product.objects.filter(account=account, sku__in=list(recipes), is_kit=True).values_list(
            "sku", flat=True
        )
    )
    # Empty every recipe first: the file's final recipes have no loop, but applying one
    # kit at a time over the old recipes could pass through one.
    for sku in recipes:
        services.set_recipe(account, kits[sku], {})
    for done, (sku, components) in enumerate(recipes.items(), start=1):
        try:
            services.set_recipe(account, kits[sku], components)
        except CrossdockError as error:
            raise _refusal(first_row[sku], error, "kit_sku") from error
        if progress is not None:
            progress(done)
    updated = len(was_kit)
    return len(recipes) - updated, updated


def _apply_quantities(
    account: Account,
    rows: Iterator[object],
    actor: Actor,
    name: str,
    progress: Progress | None,
) -> tuple[int, int]:
    sources = {source.name: source for source in InventorySource.objects.filter(account=account)}
    reason = f"Imported from {name}" if name else "Imported stock count"
    done = 0
    for level in _only(rows, QuantityRow):
        try:
            services.count(account, level.sku, sources[level.source], level.quantity, actor, reason)
        except CrossdockError as error:
            raise _refusal(level.row, error, "quantity") from error
        done += 1
        if progress is not None:
            progress(done)
    return 0, done
