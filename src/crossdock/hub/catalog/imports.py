"""Importing catalog CSV files: check every row, then apply all of them or none.

``core.catalog_csv`` reads and checks a file against what the account holds (its SKUs,
sources and kit recipes). :func:`import_file` reads the file once, in one transaction: rows
are applied as they are read, ``BATCH`` at a time, while the count of a check
(``core.catalog_csv.Tally``) goes along; at the first row error nothing more is applied,
the rest of the file is still checked, and the transaction rolls back, so a file with any
problem changes nothing and is reported exactly as a check reports it.

Each batch reads what it touches in a few statements and writes with one statement per
kind of row: products new to the account are inserted and the others updated only where a
value differs (an unchanged row writes nothing); a quantities file's counts go through the
ledger engine (``services.moved``) a batch at a time, so levels, ledger rows, shortages and
pushes are written as for any count. Kit recipes go through ``set_recipe`` once the whole
file is known. Should a service still refuse a row, the transaction rolls back and the
refusal is reported at that row.

A products file updates only the columns it has: a file of ``sku,name`` renames products
and leaves their weights alone. A kits file replaces the recipe of each kit it names. A
quantities file is a stock count: on hand becomes the file's quantity, recorded as a
``count`` movement with the actor and the file's name as the reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from itertools import islice
from typing import Any, BinaryIO, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import DecimalField, JSONField
from django.utils import timezone

from crossdock.core.actors import Actor
from crossdock.core.catalog_csv import (
    CatalogContext,
    CsvKind,
    CsvReport,
    KitLine,
    ParsedRow,
    ProductRow,
    QuantityRow,
    RowError,
    Tally,
    check_file,
    header_of,
    read_rows,
)
from crossdock.core.errors import CrossdockError
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import services
from crossdock.hub.catalog.errors import CatalogInvalid
from crossdock.hub.catalog.models import InventorySource, KitComponent, MovementKind, Product
from crossdock.platform.rows import insert_sql, update_sql

T = TypeVar("T")

#: Rows applied per batch (products read and written, counts moved).
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
    """What an applied file did: rows created, rows changed, rows already as the file says."""

    kind: CsvKind
    rows: int
    created: int
    updated: int
    unchanged: int = 0

    @property
    def summary(self) -> str:
        """``3 created, 1 updated`` (and ``, 2 unchanged`` when some were)."""
        text = f"{self.created:,} created, {self.updated:,} updated"
        return f"{text}, {self.unchanged:,} unchanged" if self.unchanged else text


#: Called after each applied batch with the count of rows so far (a progress bar).
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


def _context(account: Account, kind: CsvKind) -> CatalogContext:
    # A products file is checked on its own rows: the catalog is not read for it.
    return CatalogContext() if kind is CsvKind.PRODUCTS else catalog_context(account)


def check_import(account: Account, kind: CsvKind, stream: BinaryIO) -> CsvReport:
    """Check ``stream`` row by row against the account; changes nothing.

    Raises ``CatalogFileError`` when the file as a whole is unreadable.
    """
    return check_file(kind, stream, _context(account, kind))


def import_file(
    account: Account,
    kind: CsvKind,
    stream: BinaryIO,
    actor: Actor,
    *,
    name: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Check and apply ``stream`` in one pass and one transaction; all rows or none.

    Raises ``CatalogFileError`` (unreadable file) or :class:`ImportRefused` (row errors,
    or a row a service refused while applying): in both cases nothing changed.
    """
    start = stream.tell()
    tally = Tally(kind, header_of(kind, stream))
    stream.seek(start)
    try:
        with transaction.atomic():
            rows = _checked(read_rows(kind, stream, _context(account, kind)), tally)
            if kind is CsvKind.PRODUCTS:
                counts = _apply_products(account, _only(rows, ProductRow), tally.columns, progress)
            elif kind is CsvKind.KITS:
                counts = _apply_kits(account, _only(rows, KitLine), progress)
            else:
                counts = _apply_quantities(account, _only(rows, QuantityRow), actor, name, progress)
    except _FileRefused:
        raise ImportRefused(tally.report()) from None
    except _RowRefused as refused:
        raise ImportRefused(
            CsvReport(kind, tally.columns, tally.rows, (refused.error,), 1)
        ) from refused.__cause__
    return ImportResult(kind, tally.rows, *counts)


class _FileRefused(Exception):
    """The file has row errors (the tally holds them): roll back."""


class _RowRefused(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def _checked(items: Iterable[ParsedRow | RowError], tally: Tally) -> Iterator[ParsedRow]:
    """The rows of a file while it has no error; every item is counted, and a file with
    errors raises :class:`_FileRefused` once it is read to the end."""
    for item in items:
        tally.count(item)
        if tally.ok and not isinstance(item, RowError):
            yield item
    if not tally.ok:
        raise _FileRefused


def _only(rows: Iterator[ParsedRow], kind: type[T]) -> Iterator[T]:
    for item in rows:
        if isinstance(item, kind):
            yield item


def _batches(rows: Iterator[T]) -> Iterator[list[T]]:
    while batch := list(islice(rows, BATCH)):
        yield batch


def _refusal(row: int, error: CrossdockError, default_column: str) -> _RowRefused:
    field = default_column
    message = str(error)
    if isinstance(error, CatalogInvalid) and error.field_errors:
        field, message = error.field_errors[0]
    refused = _RowRefused(RowError(row, field.split(".")[0], message))
    refused.__cause__ = error
    return refused


def product_values(product: ProductRow, columns: tuple[str, ...]) -> dict[str, Any]:
    """The product's field values for the columns a file has (absent columns stay as they
    are), as the catalog services store them (tags sorted, once each)."""
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
        values["tags"] = sorted(set(product.tags))
    if "low_stock_threshold" in present:
        values["low_stock_threshold"] = product.low_stock_threshold
    return values


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


class _ProductWriter:
    """Writes a batch of product rows with one read and at most two statements.

    A product row carries no stock, no ledger and nothing to push, and ``core.catalog_csv``
    has checked every value against the same rules as ``services.create_product`` (lengths,
    non-negative bounded numbers, the threshold's range, tags as words), so rows are stored
    straight, with the values adapted as the ORM adapts them: SKUs new to the account in
    one ``INSERT`` run over the batch, existing ones compared with what is stored and only
    those that differ in one ``UPDATE`` run (``updated_at`` moves only for them).
    """

    def __init__(self, account: Account, columns: tuple[str, ...]) -> None:
        wanted = _fields_of(columns)
        self.account = account
        self.columns = columns
        self.fields = [name for name in services.PRODUCT_FIELDS if name in wanted]
        concrete = [field for field in Product._meta.concrete_fields if not field.primary_key]
        column = {field.name: field.column or field.attname for field in concrete}
        #: A new row's value of every column but the id, before the file's own.
        self._defaults = {field.name: field.get_default() for field in concrete}
        #: The fields whose values the backend adapts (JSON, decimals), as their fields do
        #: (the values are checked and quantized already).
        ops = connection.ops
        self._adapters: dict[str, Callable[[Any], Any]] = {}
        for field in concrete:
            if isinstance(field, JSONField):
                self._adapters[field.name] = partial(_adapt_json, ops, field.encoder)
            elif isinstance(field, DecimalField):
                self._adapters[field.name] = partial(
                    _adapt_decimal, ops, field.max_digits, field.decimal_places
                )
        self._insert = insert_sql(Product, [column[name] for name in self._defaults])
        self._update = update_sql(Product, [column[name] for name in [*self.fields, "updated_at"]])

    def _stored(self, values: dict[str, Any]) -> dict[str, Any]:
        for name, adapt in self._adapters.items():
            value = values.get(name)
            if value is not None:
                values[name] = adapt(value)
        return values

    def write(self, batch: Sequence[ProductRow]) -> tuple[int, int, int]:
        """Store ``batch``: how many were created, updated, already as the file says."""
        fields = self.fields
        stored = {
            found[0]: found[1:]
            for found in Product.objects.filter(
                account=self.account, sku__in=[row.sku for row in batch]
            ).values_list("sku", "pk", *fields)
        }
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        new: list[tuple[Any, ...]] = []
        changed: list[tuple[Any, ...]] = []
        for row in batch:
            values = product_values(row, self.columns)
            found = stored.get(row.sku)
            if found is None:
                fresh = self._defaults | values
                fresh.update(account=self.account.pk, sku=row.sku, created_at=now, updated_at=now)
                new.append(tuple(self._stored(fresh).values()))
            elif any(values[name] != was for name, was in zip(fields, found[1:], strict=True)):
                stored_values = self._stored(values)
                changed.append((*(stored_values[name] for name in fields), now, found[0]))
        with connection.cursor() as cursor:
            if new:
                cursor.executemany(self._insert, new)
            if changed:
                cursor.executemany(self._update, changed)
        return len(new), len(changed), len(batch) - len(new) - len(changed)


def _adapt_json(ops: BaseDatabaseOperations, encoder: Any, value: Any) -> Any:
    return ops.adapt_json_value(value, encoder)


def _adapt_decimal(
    ops: BaseDatabaseOperations, digits: int | None, places: int | None, value: Decimal
) -> Any:
    return ops.adapt_decimalfield_value(value, digits, places)


def _apply_products(
    account: Account,
    rows: Iterator[ProductRow],
    columns: tuple[str, ...],
    progress: Progress | None,
) -> tuple[int, int, int]:
    """Create and update products ``BATCH`` at a time (see :class:`_ProductWriter`).

    A SKU created meanwhile by someone else breaks the unique key: the transaction rolls
    back and the file is refused.
    """
    writer = _ProductWriter(account, columns)
    created = updated = unchanged = 0
    try:
        for batch in _batches(rows):
            new, changed, same = writer.write(batch)
            created, updated, unchanged = created + new, updated + changed, unchanged + same
            if progress is not None:
                progress(created + updated + unchanged)
    except IntegrityError as error:
        raise _RowRefused(
            RowError(0, "sku", "a SKU of the file was created meanwhile; import it again")
        ) from error
    return created, updated, unchanged


def _apply_kits(
    account: Account, rows: Iterator[KitLine], progress: Progress | None
) -> tuple[int, int, int]:
    recipes: dict[str, dict[str, int]] = {}
    first_row: dict[str, int] = {}
    for line in rows:
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
    return len(recipes) - updated, updated, 0


def _apply_quantities(
    account: Account,
    rows: Iterator[QuantityRow],
    actor: Actor,
    name: str,
    progress: Progress | None,
) -> tuple[int, int, int]:
    """Each row a ``count`` movement, ``BATCH`` rows through one ``services.moved`` call:
    the levels locked and written, one ledger row each, shortages filled and pushes queued,
    as ``services.count`` does for one row."""
    sources = dict(InventorySource.objects.filter(account=account).values_list("name", "pk"))
    reason = f"Imported from {name}" if name else "Imported stock count"
    done = 0
    for batch in _batches(rows):
        products = {
            sku: (pk, is_kit)
            for sku, pk, is_kit in Product.objects.filter(
                account=account, sku__in={level.sku for level in batch}
            ).values_list("sku", "pk", "is_kit")
        }
        moves = []
        for level in batch:
            product_id, is_kit = products.get(level.sku, (None, False))
            problem = _count_problem(level, product_id is None, is_kit, level.source in sources)
            if problem is not None:  # changed since the file was checked
                raise _RowRefused(problem)
            assert product_id is not None  # a missing product is a problem above
            moves.append(
                services.Move(
                    product_id,
                    sources[level.source],
                    MovementKind.COUNT,
                    set_on_hand=services.check_quantity(level.quantity, "quantity", minimum=0),
                    reason=reason,
                )
            )
        try:
            services.moved(account.pk, moves, actor)
        except CrossdockError as error:
            raise _refusal(batch[0].row, error, "quantity") from error
        done += len(batch)
        if progress is not None:
            progress(done)
    return 0, done, 0


def _count_problem(
    level: QuantityRow, missing: bool, is_kit: bool, known_source: bool
) -> RowError | None:
    """What ``services.count`` would refuse in a row checked before the catalog changed."""
    if missing:
        return RowError(level.row, "sku", f"no product with SKU {level.sku!r}")
    if is_kit:
        return RowError(level.row, "sku", f"{level.sku} is a kit: its stock is its components'")
    if not known_source:
        return RowError(level.row, "source", f"no inventory source {level.source!r}")
    return None
