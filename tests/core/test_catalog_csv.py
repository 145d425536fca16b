"""Catalog CSV files: header checks, row errors naming row and column, kits, encodings, export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossdock.core.catalog_csv import (
    CatalogContext,
    CatalogFileError,
    CsvKind,
    KitLine,
    ProductRow,
    QuantityRow,
    RowError,
    StockRow,
    check_file,
    read_rows,
    safe_cell,
    sniff_kind,
    unescape_cell,
)
from crossdock.core.catalog_csv_write import write_kits, write_products, write_stock
from crossdock.core.weights import Weight, WeightUnit

CONTEXT = CatalogContext(
    known_skus=frozenset({"MUG", "LID", "BOX", "SET", "DUO"}),
    known_sources=frozenset({"main", "3pl"}),
    kit_recipes={"DUO": ("MUG",)},
    kit_skus=frozenset({"DUO"}),
)


def _rows(kind: CsvKind, text: str, context: CatalogContext = CONTEXT) -> list[object]:
    return list(read_rows(kind, io.BytesIO(text.encode()), context))


def _errors(kind: CsvKind, text: str, context: CatalogContext = CONTEXT) -> list[str]:
    return [str(item) for item in _rows(kind, text, context) if isinstance(item, RowError)]


def test_a_products_file_reads_typed_rows() -> None:
    # given a products file with every column
    text = (
        "sku,name,barcode,weight,weight_unit,length,width,height,dimension_unit,bin_location,cost,"
        "image_url,tags,low_stock_threshold\r\n"
        "MUG,Blue mug,0123456789012,350,g,10,8.5,12,cm,A-01,4.20,"
        'https://img.test/m.png,"kitchen, blue",5\r\n'
    )
    # when it is read
    rows = _rows(CsvKind.PRODUCTS, text)
    # then one row holds every value typed
    assert rows == [
        ProductRow(
            row=2,
            sku="MUG",
            name="Blue mug",
            barcode="0123456789012",
            weight=Weight(Decimal("350"), WeightUnit.GRAM),
            length=Decimal("10"),
            width=Decimal("8.5"),
            height=Decimal("12"),
            dimension_unit="cm",
            bin_location="A-01",
            cost=Decimal("4.20"),
            image_url="https://img.test/m.png",
            tags=("kitchen", "blue"),
            low_stock_threshold=5,
        )
    ]


def test_a_header_names_missing_and_unknown_columns() -> None:
    # given a header without name and with a column the importer does not know
    text = "sku,colour\nMUG,blue\n"
    # when it is read, then the error names both columns
    with pytest.raises(CatalogFileError) as raised:
        _rows(CsvKind.PRODUCTS, text)
    assert raised.value.field_errors == (
        ("header", "missing column name"),
        (
            "header",
            "unknown column colour (expected sku, name, barcode, weight, weight_unit, length,"
            " width, height, dimension_unit, bin_location, cost, image_url, tags,"
            " low_stock_threshold)",
        ),
    )


def test_a_repeated_column_and_semicolons_are_header_errors() -> None:
    with pytest.raises(CatalogFileError) as raised:
        _rows(CsvKind.PRODUCTS, "sku,name,sku\n")
    assert raised.value.field_errors == (("header", "column appears twice: sku"),)
    with pytest.raises(CatalogFileError) as raised:
        _rows(CsvKind.PRODUCTS, "sku;name\nMUG;Mug\n")
    assert raised.value.field_errors == (
        ("header", "columns are separated by semicolons; use commas"),
    )


def test_row_errors_name_the_row_and_the_column() -> None:
    # given broken rows among good ones (the header is row 1)
    text = (
        "sku,name,weight,cost,low_stock_threshold\n"
        "MUG,Mug,350,4.20,5\n"
        ",No sku,1,1,1\n"
        "LID,Lid,heavy,-1,2.5\n"
        "MUG,Mug again,,,\n"
    )
    # when it is read, then each error names its row and column
    assert _errors(CsvKind.PRODUCTS, text) == [
        "row 3, column sku: is required",
        "row 4, column weight: must be a number, got 'heavy'",
        "row 4, column cost: must not be negative",
        "row 4, column low_stock_threshold: must be a whole number, got '2.5'",
        "row 5, column sku: MUG appears again (first in row 2)",
    ]


def test_negative_and_absurd_quantities_are_refused() -> None:
    text = "sku,source,quantity\nMUG,main,-4\nLID,main,50000000\nBOX,main,1e3\nSET,main,\n"
    assert _errors(CsvKind.QUANTITIES, text) == [
        "row 2, column quantity: must not be negative, got -4",
        "row 3, column quantity: 50,000,000 is more than 10,000,000; check the column",
        "row 4, column quantity: must be a whole number, got '1e3'",
        "row 5, column quantity: is required",
    ]


def test_unknown_skus_sources_kits_and_repeats_in_a_quantities_file() -> None:
    text = "sku,source,quantity\nGHOST,main,1\nMUG,attic,1\nDUO,main,1\nMUG,main,3\nMUG,main,4\n"
    assert _errors(CsvKind.QUANTITIES, text) == [
        "row 2, column sku: unknown SKU GHOST; import it as a product first",
        "row 3, column source: unknown inventory source attic",
        "row 4, column sku: DUO is a kit: its stock is its components' stock",
        "row 6, column sku: MUG at main appears again (first in row 5)",
    ]
    assert _rows(CsvKind.QUANTITIES, "sku,source,quantity\nMUG,main,3\n") == [
        QuantityRow(2, "MUG", "main", 3)
    ]


def test_a_kit_containing_itself_directly_is_a_row_error() -> None:
    text = "kit_sku,component_sku,quantity\nSET,MUG,2\nSET,SET,1\n"
    assert _errors(CsvKind.KITS, text) == [
        "row 3, column component_sku: kit SET cannot contain itself"
    ]


def test_a_kit_containing_itself_through_another_kit_names_the_loop() -> None:
    # given SET contains BOX and BOX contains SET, two rows apart
    text = "kit_sku,component_sku,quantity\nSET,BOX,1\nSET,MUG,2\nBOX,SET,1\n"
    # when it is read, then the loop is reported once, at the line closing it
    assert _errors(CsvKind.KITS, text) == [
        "row 4, column component_sku: kit SET contains itself: SET → BOX → SET"
    ]


def test_a_loop_through_a_kit_already_in_the_hub_is_found() -> None:
    # given the hub's DUO holds MUG; the file makes MUG a kit of DUO
    text = "kit_sku,component_sku,quantity\nMUG,DUO,1\n"
    assert _errors(CsvKind.KITS, text) == [
        "row 2, column component_sku: kit MUG contains itself: MUG → DUO → MUG"
    ]


def test_kit_lines_read_with_unknown_and_repeated_components_refused() -> None:
    text = (
        "kit_sku,component_sku,quantity\n"
        "SET,MUG,2\n"
        "SET,LID,0\n"
        "SET,GHOST,1\n"
        "SET,MUG,1\n"
        "SET,BOX,20000\n"
    )
    items = _rows(CsvKind.KITS, text)
    assert [str(item) for item in items if isinstance(item, RowError)] == [
        "row 3, column quantity: must be at least 1",
        "row 4, column component_sku: unknown SKU GHOST; import it as a product first",
        "row 5, column component_sku: MUG is already in kit SET (row 2)",
        "row 6, column quantity: 20,000 is more than 10,000; check the column",
    ]
    assert [item for item in items if isinstance(item, KitLine)] == [KitLine(2, "SET", "MUG", 2)]


def test_utf8_with_and_without_a_bom_reads_the_same() -> None:
    text = "sku,name\nMUG,Tasse à café\n"
    plain = list(read_rows(CsvKind.PRODUCTS, io.BytesIO(text.encode("utf-8"))))
    with_bom = list(read_rows(CsvKind.PRODUCTS, io.BytesIO(text.encode("utf-8-sig"))))
    assert plain == with_bom == [ProductRow(row=2, sku="MUG", name="Tasse à café")]


def test_latin1_and_utf16_are_clear_file_errors() -> None:
    latin = "sku,name\nMUG,Tasse à café\n".encode("latin-1")
    with pytest.raises(CatalogFileError) as raised:
        list(read_rows(CsvKind.PRODUCTS, io.BytesIO(latin)))
    assert raised.value.field_errors == (
        (
            "file",
            "row 2: the file is not UTF-8 text (byte 0xe0); "
            "save it as CSV UTF-8 and upload it again",
        ),
    )
    with pytest.raises(CatalogFileError) as raised:
        list(read_rows(CsvKind.PRODUCTS, io.BytesIO("sku,name\n".encode("utf-16"))))
    assert raised.value.field_errors == (
        ("file", "the file is UTF-16 text; save it as CSV UTF-8 and upload it again"),
    )


def test_an_empty_file_is_a_file_error_and_a_nul_byte_a_cell_error() -> None:
    with pytest.raises(CatalogFileError) as raised:
        list(read_rows(CsvKind.PRODUCTS, io.BytesIO(b"")))
    assert raised.value.field_errors == (("file", "the file is empty"),)
    items = list(read_rows(CsvKind.PRODUCTS, io.BytesIO(b"sku,name\nMUG,M\x00ug\n")))
    assert items == [RowError(2, "name", "contains a character that is not valid text")]


def test_extra_cells_are_a_row_error_and_blank_rows_are_skipped() -> None:
    text = "sku,name\nMUG,Mug,surprise\n,\nLID,Lid\n"
    items = _rows(CsvKind.PRODUCTS, text)
    assert items == [
        RowError(2, "", "has 3 cells but the header names 2 columns"),
        ProductRow(row=4, sku="LID", name="Lid"),
    ]


def test_check_file_counts_rows_and_errors() -> None:
    text = "sku,source,quantity\nMUG,main,1\nMUG,main,x\nLID,attic,-1\n"
    report = check_file(CsvKind.QUANTITIES, io.BytesIO(text.encode()), CONTEXT)
    assert (report.rows, report.error_count, report.ok) == (3, 4, False)
    assert report.columns == ("sku", "source", "quantity")


def test_the_kind_is_sniffed_from_the_header() -> None:
    assert sniff_kind(b"kit_sku,component_sku,quantity\n") is CsvKind.KITS
    assert sniff_kind(b"\xef\xbb\xbfsku,source,quantity\n") is CsvKind.QUANTITIES
    assert sniff_kind(b"SKU,Name,cost\n") is CsvKind.PRODUCTS
    with pytest.raises(CatalogFileError):
        sniff_kind(b"order,total\n")


def test_exports_neutralise_formulas_and_import_back_unchanged() -> None:
    # given a product whose name looks like a formula
    product = ProductRow(row=2, sku="MUG", name='=HYPERLINK("http://evil")', tags=("-x",))
    out = io.StringIO()
    # when the catalog is written
    write_products([product], out)
    # then the cell is prefixed, and reading it back restores the name
    assert out.getvalue().splitlines()[1].startswith('MUG,"\'=HYPERLINK(""http://evil"")"')
    assert _rows(CsvKind.PRODUCTS, out.getvalue()) == [product]


def test_stock_and_kit_exports_have_the_import_columns() -> None:
    stock = io.StringIO()
    write_stock([StockRow("MUG", "main", 10, 3)], stock)
    assert stock.getvalue() == "sku,source,quantity,reserved,available\r\nMUG,main,10,3,7\r\n"
    assert _rows(CsvKind.QUANTITIES, stock.getvalue()) == [QuantityRow(2, "MUG", "main", 10)]
    kits = io.StringIO()
    write_kits([KitLine(0, "SET", "MUG", 2)], kits)
    assert kits.getvalue() == "kit_sku,component_sku,quantity\r\nSET,MUG,2\r\n"


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"), max_size=30
).map(str.strip)


@given(_TEXT)
def test_a_safe_cell_never_starts_a_formula_and_unescapes_back(text: str) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_cell(cell) == text or text.startswith("'")


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Z0-9][A-Z0-9\-_.]{0,20}", fullmatch=True),
            _TEXT.filter(bool),
            st.one_of(st.none(), st.decimals(min_value=0, max_value=100000, places=3)),
            st.one_of(st.none(), st.integers(min_value=0, max_value=10_000_000)),
        ),
        max_size=20,
        unique_by=lambda item: item[0],
    )
)
def test_products_written_read_back_equal(
    items: list[tuple[str, str, Decimal | None, int | None]],
) -> None:
    products = [
        ProductRow(
            row=index + 2,
            sku=sku,
            name=name,
            weight=Weight(weight, WeightUnit.GRAM) if weight is not None else None,
            low_stock_threshold=threshold,
        )
        for index, (sku, name, weight, threshold) in enumerate(items)
    ]
    out = io.StringIO()
    assert write_products(products, out) == len(products)
    read = _rows(CsvKind.PRODUCTS, out.getvalue())
    assert read == [
        ProductRow(
            row=product.row,
            sku=product.sku,
            name=product.name,
            weight=(
                Weight(Decimal(format(product.weight.value.normalize(), "f")), WeightUnit.GRAM)
                if product.weight
                else None
            ),
            low_stock_threshold=product.low_stock_threshold,
        )
        for product in products
    ]


@given(st.binary(max_size=300))
def test_any_bytes_give_rows_errors_or_a_file_error_never_a_crash(data: bytes) -> None:
    stream = io.BytesIO(b"sku,source,quantity\n" + data)
    problems: tuple[tuple[str, str], ...] = ()
    items: list[object] = []
    try:
        items = list(read_rows(CsvKind.QUANTITIES, stream, CONTEXT))
    except CatalogFileError as error:
        problems = error.field_errors
    assert all(field == "file" for field, _ in problems)
    assert all(isinstance(item, QuantityRow | RowError) for item in items)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_a_quantity_is_accepted_exactly_in_range(number: int) -> None:
    items = _rows(CsvKind.QUANTITIES, f"sku,source,quantity\nMUG,main,{number}\n")
    if 0 <= number <= 10_000_000:
        assert items == [QuantityRow(2, "MUG", "main", number)]
    else:
        assert [item.column for item in items if isinstance(item, RowError)] == ["quantity"]
        assert len(items) == 1
