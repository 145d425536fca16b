"""Catalog CSV files: products, kit recipes and stock quantities, read row by row and written.

A merchant's file is untrusted input. Reading is streaming: the bytes are decoded as they
are read and each record becomes one typed row or one :class:`RowError` naming its row and
column, so a 100,000-row file is never held as objects. The only state kept across rows is
what a check needs: the SKUs seen (duplicates) and a kit file's recipe edges (a kit that
contains itself through other kits is only visible once the whole file is read).

Rows are counted the way a spreadsheet shows them: the header is row 1, the first record
row 2 (a quoted cell spanning lines is still one row).

Whole-file problems (not UTF-8, a missing or unknown column, an empty file) raise
:class:`CatalogFileError`, an ``Invalid`` naming the ``file`` or ``header``.

Writing protects spreadsheets: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is prefixed with ``'`` so it is never run as a formula; reading undoes
exactly that prefix, so an export imports back unchanged.

Pure: no Django. The hub's ``catalog.imports`` applies what this module validated.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Collection, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import BinaryIO, TextIO

from crossdock.core.errors import Invalid
from crossdock.core.money import MAX_AMOUNT, MoneyError, to_money
from crossdock.core.text import NOT_TEXT, is_storable_text
from crossdock.core.weights import Weight, WeightUnit


class CsvKind(StrEnum):
    """The three files a merchant imports; each has its own columns."""

    PRODUCTS = "products"
    KITS = "kits"
    QUANTITIES = "quantities"


#: Columns of each kind, in export order; the required ones first.
COLUMNS: dict[CsvKind, tuple[str, ...]] = {
    CsvKind.PRODUCTS: (
        "sku",
        "name",
        "barcode",
        "weight",
        "weight_unit",
        "length",
        "width",
        "height",
        "dimension_unit",
        "bin_location",
        "cost",
        "image_url",
        "tags",
        "low_stock_threshold",
    ),
    CsvKind.KITS: ("kit_sku", "component_sku", "quantity"),
    CsvKind.QUANTITIES: ("sku", "source", "quantity", "reserved", "available"),
}
REQUIRED: dict[CsvKind, frozenset[str]] = {
    CsvKind.PRODUCTS: frozenset({"sku", "name"}),
    CsvKind.KITS: frozenset({"kit_sku", "component_sku", "quantity"}),
    CsvKind.QUANTITIES: frozenset({"sku", "source", "quantity"}),
}
#: Columns a stock export writes for people to read; an import accepts and ignores them.
READ_ONLY_COLUMNS = frozenset({"reserved", "available"})

#: Most units of one product at one source; more is a typo (a barcode in the wrong column).
MAX_QUANTITY = 10_000_000
#: Most units of one component in one kit.
MAX_KIT_QUANTITY = 10_000
#: Heaviest product, in grams (a pallet), and longest side (in its unit).
MAX_WEIGHT_GRAMS = Decimal(1_000_000)
MAX_DIMENSION = Decimal(10_000)
#: Units a product's dimensions may be given in.
DIMENSION_UNITS = ("cm", "in")
#: Longest text per column; longer cells are refused, never cut.
MAX_LENGTHS: dict[str, int] = {
    "sku": 100,
    "kit_sku": 100,
    "component_sku": 100,
    "name": 200,
    "barcode": 64,
    "bin_location": 100,
    "image_url": 500,
    "tags": 500,
    "source": 100,
}
#: Row errors kept for the report; the count goes on beyond it.
MAX_REPORTED_ERRORS = 1_000

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CatalogFileError(Invalid):
    """The file as a whole cannot be read: encoding, header, emptiness."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row; ``column`` is empty when the row as a whole is at fault."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A product as a file states it; ``None`` is an empty cell (or, on import, no column)."""

    row: int
    sku: str
    name: str
    barcode: str = ""
    weight: Weight | None = None
    length: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    dimension_unit: str = ""
    bin_location: str = ""
    cost: Decimal | None = None
    image_url: str = ""
    tags: tuple[str, ...] = ()
    low_stock_threshold: int | None = None


@dataclass(frozen=True, slots=True)
class KitLine:
    """One component of a kit: ``quantity`` units of ``component_sku`` per kit."""

    row: int
    kit_sku: str
    component_sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class QuantityRow:
    """The counted on-hand quantity of a product at one inventory source."""

    row: int
    sku: str
    source: str
    quantity: int


@dataclass(frozen=True, slots=True)
class StockRow:
    """One stock level for the export: on hand, reserved and what is available."""

    sku: str
    source: str
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


ParsedRow = ProductRow | KitLine | QuantityRow


@dataclass(frozen=True)
class CatalogContext:
    """What the hub already holds, for the checks a row cannot make alone.

    ``known_skus`` are the account's products, ``known_sources`` its inventory source codes,
    ``kit_recipes`` the component SKUs of each existing kit (a kit file replaces the recipe
    of every kit it names), ``kit_skus`` the products that are kits (no stock of their own).
    """

    known_skus: Container[str] = frozenset()
    known_sources: Container[str] = frozenset()
    kit_recipes: Mapping[str, Collection[str]] = field(default_factory=dict)
    kit_skus: Container[str] = frozenset()


@dataclass(frozen=True)
class CsvReport:
    """What a check found: rows read, the first errors, how many errors in all."""

    kind: CsvKind
    columns: tuple[str, ...]
    rows: int
    errors: tuple[RowError, ...]
    error_count: int

    @property
    def ok(self) -> bool:
        return self.error_count == 0


# --- reading ------------------------------------------------------------------------------


def detect_kind(header: Iterable[str]) -> CsvKind:
    """The kind whose required columns the header holds (kits, then quantities, then products)."""
    names = {_column_name(cell) for cell in header}
    for kind in (CsvKind.KITS, CsvKind.QUANTITIES, CsvKind.PRODUCTS):
        if REQUIRED[kind] <= names:
            return kind
    raise CatalogFileError(
        [
            (
                "header",
                "not a catalog file: expected sku and name, kit_sku, or sku, source and quantity",
            )
        ]
    )


def sniff_kind(data: bytes) -> CsvKind:
    """The kind of a file from its first line (see :func:`detect_kind`)."""
    text = _open_text(io.BytesIO(data[:65536]))
    try:
        header = next(csv.reader(text), None)
    except (UnicodeDecodeError, csv.Error) as error:
        raise CatalogFileError([("file", _decode_problem(error, 1))]) from error
    if header is None:
        raise CatalogFileError([("file", "the file is empty")])
    return detect_kind(header)


def read_rows(
    kind: CsvKind, stream: BinaryIO, context: CatalogContext | None = None
) -> Iterator[ParsedRow | RowError]:
    """Each record of ``stream`` as a typed row or the errors found in it, in file order.

    Raises :class:`CatalogFileError` before the first row when the header is wrong, and
    while reading when the bytes stop being UTF-8 text. A kit file's cycles are yielded
    last, once every recipe line is known.
    """
    context = context or CatalogContext()
    text = _open_text(stream)
    reader = csv.reader(text, strict=True)
    row = 1
    try:
        header = next(reader, None)
        if header is None:
            raise CatalogFileError([("file", "the file is empty")])
        columns = _check_header(kind, header)
        parse = _PARSERS[kind](context)
        for record in reader:
            row += 1
            if not "".join(record).strip():
                continue
            yield from parse.record(row, _cells(columns, record, row))
    except (UnicodeDecodeError, csv.Error) as error:
        raise CatalogFileError([("file", _decode_problem(error, row + 1))]) from error
    yield from parse.finish()


def header_of(kind: CsvKind, stream: BinaryIO) -> tuple[str, ...]:
    """The checked column names of ``stream`` (an import updates only these columns)."""
    try:
        header = next(csv.reader(_open_text(stream)), None)
    except (UnicodeDecodeError, csv.Error) as error:
        raise CatalogFileError([("file", _decode_problem(error, 1))]) from error
    if header is None:
        raise CatalogFileError([("file", "the file is empty")])
    return _check_header(kind, header)


def check_file(kind: CsvKind, stream: BinaryIO, context: CatalogContext | None = None) -> CsvReport:
    """Read the whole file and report: rows, the first errors, the error count.

    Only errors are kept, so checking costs memory in proportion to what is wrong.
    """
    start = stream.tell()
    tally = Tally(kind, header_of(kind, stream))
    stream.seek(start)
    for item in read_rows(kind, stream, context):
        tally.count(item)
    return tally.report()


class Tally:
    """A check's count as a file is read: rows, the first errors, how many errors in all.

    :func:`check_file` counts a whole file with it; an import counts the rows it applies in
    the same pass, so the file is read once and reported exactly as a check reports it.
    """

    __slots__ = ("_errors", "_last_row", "columns", "error_count", "kind", "rows")

    def __init__(self, kind: CsvKind, columns: tuple[str, ...]) -> None:
        self.kind = kind
        self.columns = columns
        self.rows = 0
        self.error_count = 0
        self._errors: list[RowError] = []
        self._last_row = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def count(self, item: ParsedRow | RowError) -> None:
        if item.row > self._last_row:  # a row's errors share its number; loops come last
            self.rows += 1
            self._last_row = item.row
        if isinstance(item, RowError):
            self.error_count += 1
            if len(self._errors) < MAX_REPORTED_ERRORS:
                self._errors.append(item)

    def report(self) -> CsvReport:
        return CsvReport(self.kind, self.columns, self.rows, tuple(self._errors), self.error_count)


def _open_text(stream: BinaryIO) -> TextIO:
    head = stream.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CatalogFileError(
            [("file", "the file is UTF-16 text; save it as CSV UTF-8 and upload it again")]
        )
    return io.TextIOWrapper(
        io.BufferedReader(_Prepend(head, stream)),
        encoding="utf-8-sig",
        errors="strict",
        newline="",
    )


class _Prepend(io.RawIOBase):
    """A readable stream of ``head`` followed by the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]  # RawIOBase takes a buffer
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        chunk = self._stream.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _decode_problem(error: Exception, row: int) -> str:
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start : error.start + 1].hex()
        return (
            f"row {row}: the file is not UTF-8 text (byte 0x{byte}); "
            "save it as CSV UTF-8 and upload it again"
        )
    return f"row {row}: not a readable CSV record ({error})"


def _column_name(cell: str) -> str:
    return cell.strip().lower().lstrip("\ufeff")


def _check_header(kind: CsvKind, header: list[str]) -> tuple[str, ...]:
    names = tuple(_column_name(cell) for cell in header)
    problems: list[tuple[str, str]] = []
    if len(names) == 1 and ";" in names[0]:
        problems.append(("header", "columns are separated by semicolons; use commas"))
        raise CatalogFileError(problems)
    known = set(COLUMNS[kind])
    unknown = [
        name or f"(empty, column {index + 1})"
        for index, name in enumerate(names)
        if name not in known
    ]
    missing = [name for name in COLUMNS[kind] if name in REQUIRED[kind] and name not in names]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if missing:
        problems.append(("header", "missing column " + ", ".join(missing)))
    if unknown:
        expected = ", ".join(COLUMNS[kind])
        problems.append(("header", f"unknown column {', '.join(unknown)} (expected {expected})"))
    if repeated:
        problems.append(("header", "column appears twice: " + ", ".join(repeated)))
    if problems:
        raise CatalogFileError(problems)
    return names


class _Cells:
    """One record's cells by column name, with the row's errors collected as they are found."""

    __slots__ = ("cells", "errors", "row")

    def __init__(self, row: int, cells: dict[str, str], errors: list[RowError]) -> None:
        self.row = row
        self.cells = cells
        self.errors = errors

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.cells.get(column, "").strip()
        if not value:
            if required:
                self.fail(column, "is required")
            return ""
        if value[0] == "'":
            value = unescape_cell(value)
        # An ASCII cell without NUL is storable: the full check only for the rest.
        if ("\x00" in value or not value.isascii()) and not is_storable_text(value):
            self.fail(column, NOT_TEXT)
            return ""
        limit = MAX_LENGTHS.get(column)
        if limit is not None and len(value) > limit:
            self.fail(column, f"is longer than {limit:,} characters")
            return ""
        return value

    def whole(self, column: str, maximum: int, *, required: bool = False) -> int | None:
        value = self.cells.get(column, "").strip()
        if not value:
            if required:
                self.fail(column, "is required")
            return None
        digits = value[1:] if value[0] in "+-" else value
        if not digits.isascii() or not digits.isdigit():
            self.fail(column, f"must be a whole number, got {value[:20]!r}")
            return None
        number = int(value)
        if number < 0:
            self.fail(column, f"must not be negative, got {number:,}")
            return None
        if number > maximum:
            self.fail(column, f"{number:,} is more than {maximum:,}; check the column")
            return None
        return number

    def decimal(self, column: str, maximum: Decimal) -> Decimal | None:
        value = self.cells.get(column, "").strip()
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.fail(column, f"must be a number, got {value[:20]!r}")
            return None
        if not number.is_finite():
            self.fail(column, f"must be a number, got {value[:20]!r}")
            return None
        if number < 0:
            self.fail(column, "must not be negative")
            return None
        if number > maximum:
            self.fail(column, f"{value[:20]} is more than {maximum:,}; check the column")
            return None
        return number


def _cells(columns: tuple[str, ...], record: list[str], row: int) -> _Cells:
    errors: list[RowError] = []
    if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns) :]):
        errors.append(
            RowError(
                row, "", f"has {len(record)} cells but the header names {len(columns)} columns"
            )
        )
    return _Cells(row, dict(zip(columns, record, strict=False)), errors)


class _ProductParser:
    def __init__(self, context: CatalogContext) -> None:
        self._seen: dict[str, int] = {}

    def record(self, row: int, cells: _Cells) -> Iterator[ProductRow | RowError]:
        sku = cells.text("sku", required=True)
        name = cells.text("name", required=True)
        if sku:
            first = self._seen.setdefault(sku, row)
            if first != row:
                cells.fail("sku", f"{sku} appears again (first in row {first})")
        unit_text = cells.text("weight_unit").lower()
        unit = WeightUnit.GRAM
        if unit_text:
            try:
                unit = WeightUnit(unit_text)
            except ValueError:
                cells.fail("weight_unit", f"must be one of g, kg, oz, lb, got {unit_text!r}")
        amount = cells.decimal("weight", _MAX_WEIGHT[unit])
        cost = self._cost(cells)
        dimensions = [cells.decimal(name, MAX_DIMENSION) for name in ("length", "width", "height")]
        dimension_unit = cells.text("dimension_unit").lower()
        if dimension_unit and dimension_unit not in DIMENSION_UNITS:
            cells.fail("dimension_unit", f"must be cm or in, got {dimension_unit!r}")
        elif not dimension_unit and any(value is not None for value in dimensions):
            dimension_unit = "cm"
        tags = tuple(tag.strip() for tag in cells.text("tags").split(",") if tag.strip())
        threshold = cells.whole("low_stock_threshold", MAX_QUANTITY)
        barcode = cells.text("barcode")
        bin_location = cells.text("bin_location")
        image_url = cells.text("image_url")
        if image_url and not image_url.lower().startswith(("https://", "http://")):
            cells.fail("image_url", "must start with https:// or http://")
        if cells.errors:
            yield from cells.errors
            return
        yield ProductRow(
            row=row,
            sku=sku,
            name=name,
            barcode=barcode,
            weight=Weight(amount, unit) if amount is not None else None,
            length=dimensions[0],
            width=dimensions[1],
            height=dimensions[2],
            dimension_unit=dimension_unit,
            bin_location=bin_location,
            cost=cost,
            image_url=image_url,
            tags=tags,
            low_stock_threshold=threshold,
        )

    @staticmethod
    def _cost(cells: _Cells) -> Decimal | None:
        value = cells.cells.get("cost", "").strip()
        if not value:
            return None
        try:
            cost = to_money(value)
        except MoneyError:
            cells.fail("cost", f"must be an amount like 12.50, got {value[:20]!r}")
            return None
        if cost < 0:
            cells.fail("cost", "must not be negative")
            return None
        if cost > MAX_AMOUNT:
            cells.fail("cost", f"is more than {MAX_AMOUNT:,}")
            return None
        return cost

    def finish(self) -> Iterator[RowError]:
        return iter(())


def _grams(unit: WeightUnit) -> Decimal:
    return Weight(Decimal(1), unit).to(WeightUnit.GRAM).value


#: The heaviest weight in each unit (``MAX_WEIGHT_GRAMS`` converted once).
_MAX_WEIGHT = {unit: MAX_WEIGHT_GRAMS / _grams(unit) for unit in WeightUnit}


class _KitParser:
    def __init__(self, context: CatalogContext) -> None:
        self._context = context
        #: kit → [(component, row)]: the recipe edges of this file, for the cycle check.
        self._edges: dict[str, list[tuple[str, int]]] = {}
        self._lines: dict[tuple[str, str], int] = {}

    def record(self, row: int, cells: _Cells) -> Iterator[KitLine | RowError]:
        kit = cells.text("kit_sku", required=True)
        component = cells.text("component_sku", required=True)
        quantity = cells.whole("quantity", MAX_KIT_QUANTITY, required=True)
        if quantity == 0:
            cells.fail("quantity", "must be at least 1")
        for column, sku in (("kit_sku", kit), ("component_sku", component)):
            if sku and sku not in self._context.known_skus:
                cells.fail(column, f"unknown SKU {sku}; import it as a product first")
        if kit and kit == component:
            cells.fail("component_sku", f"kit {kit} cannot contain itself")
        elif kit and component:
            first = self._lines.setdefault((kit, component), row)
            if first != row:
                cells.fail("component_sku", f"{component} is already in kit {kit} (row {first})")
        if cells.errors:
            yield from cells.errors
            return
        assert quantity is not None  # required: an empty cell is an error above
        self._edges.setdefault(kit, []).append((component, row))
        yield KitLine(row, kit, component, quantity)

    def finish(self) -> Iterator[RowError]:
        """Each loop of kits containing themselves, reported once at a file line closing it.

        One depth-first walk over the recipes (this file's, and the hub's for kits the
        file does not name): an edge back to a kit still on the walk's path is a loop.
        """
        done: set[str] = set()
        for root in self._edges:
            if root in done:
                continue
            path = [root]
            rows = [0]
            on_path = {root}
            walk = [iter(self._components(root))]
            while walk:
                for component, line in walk[-1]:
                    if component in on_path:
                        start = path.index(component)
                        closing = line or max(rows[start + 1 :], default=0)
                        loop = [*path[start:], component]
                        yield RowError(
                            closing,
                            "component_sku",
                            f"kit {component} contains itself: {' → '.join(loop)}",
                        )
                    elif component not in done:
                        path.append(component)
                        rows.append(line)
                        on_path.add(component)
                        walk.append(iter(self._components(component)))
                        break
                else:
                    done.add(path[-1])
                    on_path.discard(path.pop())
                    rows.pop()
                    walk.pop()

    def _components(self, kit: str) -> list[tuple[str, int]]:
        if kit in self._edges:
            return self._edges[kit]
        return [(component, 0) for component in self._context.kit_recipes.get(kit, ())]


class _QuantityParser:
    def __init__(self, context: CatalogContext) -> None:
        self._context = context
        self._seen: dict[tuple[str, str], int] = {}

    def record(self, row: int, cells: _Cells) -> Iterator[QuantityRow | RowError]:
        sku = cells.text("sku", required=True)
        source = cells.text("source", required=True)
        quantity = cells.whole("quantity", MAX_QUANTITY, required=True)
        if sku and sku not in self._context.known_skus:
            cells.fail("sku", f"unknown SKU {sku}; import it as a product first")
        elif sku in self._context.kit_skus:
            cells.fail("sku", f"{sku} is a kit: its stock is its components' stock")
        if source and source not in self._context.known_sources:
            cells.fail("source", f"unknown inventory source {source}")
        if sku and source:
            first = self._seen.setdefault((sku, source), row)
            if first != row:
                cells.fail("sku", f"{sku} at {source} appears again (first in row {first})")
        if cells.errors:
            yield from cells.errors
            return
        assert quantity is not None  # required: an empty cell is an error above
        yield QuantityRow(row, sku, source, quantity)

    def finish(self) -> Iterator[RowError]:
        return iter(())


_PARSERS: dict[CsvKind, type[_ProductParser] | type[_KitParser] | type[_QuantityParser]] = {
    CsvKind.PRODUCTS: _ProductParser,
    CsvKind.KITS: _KitParser,
    CsvKind.QUANTITIES: _QuantityParser,
}


# --- spreadsheet safety (the writers are in ``catalog_csv_write``) -------------------------


def safe_cell(text: str) -> str:
    """``text`` safe to open in a spreadsheet: a formula-like start gets a ``'`` before it."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """Undo :func:`safe_cell` (only a ``'`` followed by a formula start is removed)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text
