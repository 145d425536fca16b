"""Importing and exporting catalog CSV files: all rows or none, through the catalog services."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossdock.core.catalog_csv import CatalogFileError, CsvKind
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.exports import export
from crossdock.hub.catalog.imports import ImportRefused, check_import, import_file
from crossdock.hub.catalog.models import (
    KitComponent,
    MovementKind,
    Product,
    StockLevel,
    StockMovement,
)
from crossdock.hub.catalog.services import set_recipe
from tests.fixtures.catalog import CLERK, level, stocked, warehouse

pytestmark = pytest.mark.django_db


def _import(account: Account, kind: CsvKind, text: str) -> object:
    return import_file(account, kind, io.BytesIO(text.encode()), CLERK, name="file.csv")


def _counts() -> tuple[int, int, int, int]:
    return (
        Product.objects.count(),
        KitComponent.objects.count(),
        StockLevel.objects.count(),
        StockMovement.objects.count(),
    )


def test_a_products_file_creates_and_updates_only_its_columns(account: Account) -> None:
    # given a product with a weight and a bin
    source = warehouse(account)
    stocked(account, "MUG", source, 0)
    Product.objects.filter(sku="MUG").update(weight_value=Decimal("350"), weight_unit="g")
    # when a file of sku,name,bin_location renames it and adds another
    result = _import(
        account, CsvKind.PRODUCTS, "sku,name,bin_location\nMUG,Blue mug,A-01\nLID,Lid,B-02\n"
    )
    # then one is created, one updated, and the weight the file did not name is kept
    assert (result.created, result.updated, result.rows) == (1, 1, 2)  # type: ignore[attr-defined]
    mug = Product.objects.get(account=account, sku="MUG")
    assert (mug.name, mug.bin_location, mug.weight_value) == ("Blue mug", "A-01", Decimal("350"))
    assert Product.objects.get(account=account, sku="LID").bin_location == "B-02"


def test_a_file_with_one_broken_row_applies_nothing(account: Account) -> None:
    # given a catalog
    source = warehouse(account)
    stocked(account, "MUG", source, 4)
    before = _counts()
    # when a products file has a good row and a broken one
    with pytest.raises(ImportRefused) as refused:
        _import(account, CsvKind.PRODUCTS, "sku,name,weight\nNEW,New thing,10\nMUG,,-3\n")
    # then each problem names its row and column, and nothing changed
    assert [str(error) for error in refused.value.report.errors] == [
        "row 3, column name: is required",
        "row 3, column weight: must not be negative",
    ]
    assert refused.value.field_errors == (
        ("row 3.name", "is required"),
        ("row 3.weight", "must not be negative"),
    )
    assert _counts() == before
    assert not Product.objects.filter(sku="NEW").exists()


def test_quantities_are_counted_through_the_ledger(account: Account) -> None:
    # given MUG with 4 on hand
    source = warehouse(account)
    mug = stocked(account, "MUG", source, 4)
    lid = stocked(account, "LID", source, 0)
    # when a quantities file says 10 and 3
    result = _import(
        account,
        CsvKind.QUANTITIES,
        "sku,source,quantity\nMUG,Main warehouse,10\nLID,Main warehouse,3\n",
    )
    # then on hand is the file's, each a count movement with the file named
    assert result.updated == 2  # type: ignore[attr-defined]
    assert level(mug, source) == (10, 0)
    assert level(lid, source) == (3, 0)
    counted = StockMovement.objects.filter(kind=MovementKind.COUNT).order_by("id")
    assert [(m.product.sku, m.on_hand_delta, m.reason) for m in counted] == [
        ("MUG", 6, "Imported from file.csv"),
        ("LID", 3, "Imported from file.csv"),
    ]


def test_unknown_skus_negative_and_absurd_quantities_change_nothing(account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG", source, 4)
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        _import(
            account,
            CsvKind.QUANTITIES,
            "sku,source,quantity\n"
            "MUG,Main warehouse,7\n"
            "GHOST,Main warehouse,1\n"
            "MUG,Attic,1\n"
            "MUG,Main warehouse,-2\n"
            "MUG,Main warehouse,99999999999\n",
        )
    assert [str(error) for error in refused.value.report.errors] == [
        "row 3, column sku: unknown SKU GHOST; import it as a product first",
        "row 4, column source: unknown inventory source Attic",
        "row 5, column quantity: must not be negative, got -2",
        "row 5, column sku: MUG at Main warehouse appears again (first in row 2)",
        "row 6, column quantity: 99,999,999,999 is more than 10,000,000; check the column",
        "row 6, column sku: MUG at Main warehouse appears again (first in row 2)",
    ]
    assert _counts() == before
    assert level(mug, source) == (4, 0)


def test_a_kits_file_sets_recipes_and_a_loop_changes_nothing(account: Account) -> None:
    source = warehouse(account)
    for sku in ("MUG", "LID", "SET", "GIFT"):
        stocked(account, sku, source, 0)
    # when a kits file makes SET of MUG and LID
    _import(account, CsvKind.KITS, "kit_sku,component_sku,quantity\nSET,MUG,2\nSET,LID,1\n")
    # then SET is a kit of both
    kit = Product.objects.get(sku="SET")
    assert kit.is_kit
    assert sorted(kit.components.values_list("component__sku", "quantity")) == [
        ("LID", 1),
        ("MUG", 2),
    ]
    before = _counts()
    # when a file makes GIFT hold SET and SET hold GIFT
    with pytest.raises(ImportRefused) as refused:
        _import(account, CsvKind.KITS, "kit_sku,component_sku,quantity\nGIFT,SET,1\nSET,GIFT,1\n")
    # then the loop is named at its row and the recipes are as they were
    assert [str(error) for error in refused.value.report.errors] == [
        "row 3, column component_sku: kit GIFT contains itself: GIFT → SET → GIFT"
    ]
    assert _counts() == before
    assert not Product.objects.get(sku="GIFT").is_kit


def test_a_kit_containing_itself_directly_changes_nothing(account: Account) -> None:
    source = warehouse(account)
    stocked(account, "SET", source, 0)
    stocked(account, "MUG", source, 0)
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        _import(account, CsvKind.KITS, "kit_sku,component_sku,quantity\nSET,MUG,1\nSET,SET,1\n")
    assert [str(error) for error in refused.value.report.errors] == [
        "row 3, column component_sku: kit SET cannot contain itself"
    ]
    assert _counts() == before


def test_a_row_a_service_refuses_rolls_back_every_row(account: Account) -> None:
    # given SET holds stock of its own, so the recipe service refuses to make it a kit
    source = warehouse(account)
    stocked(account, "MUG", source, 0)
    stocked(account, "BOX", source, 0)
    stocked(account, "SET", source, 5)
    before = _counts()
    # when a kits file makes BOX a kit (fine) and then SET (refused)
    with pytest.raises(ImportRefused) as refused:
        _import(account, CsvKind.KITS, "kit_sku,component_sku,quantity\nBOX,MUG,1\nSET,MUG,1\n")
    # then the refusal names SET's row and BOX's recipe was rolled back too
    assert [(e.row, e.column) for e in refused.value.report.errors] == [(3, "components")]
    assert _counts() == before
    assert not Product.objects.get(sku="BOX").is_kit


def test_an_unreadable_file_is_a_file_error_and_nothing_changes(account: Account) -> None:
    before = _counts()
    with pytest.raises(CatalogFileError):
        import_file(
            account,
            CsvKind.PRODUCTS,
            io.BytesIO("sku,name\nMUG,Tasse à café\n".encode("latin-1")),
            CLERK,
        )
    assert _counts() == before


def test_check_import_reports_without_changing(account: Account) -> None:
    warehouse(account)
    report = check_import(account, CsvKind.PRODUCTS, io.BytesIO(b"sku,name\nMUG,Mug\n"))
    assert (report.ok, report.rows) == (True, 1)
    assert not Product.objects.exists()


def test_the_export_imports_back_unchanged(account: Account) -> None:
    # given a catalog with a formula-like name, a kit and stock
    source = warehouse(account)
    stocked(account, "MUG", source, 7)
    stocked(account, "SET", source, 0)
    Product.objects.filter(sku="MUG").update(
        name="=SUM(A1)", weight_value=Decimal("350.5000"), weight_unit="g", tags=["blue"]
    )
    set_recipe(account, Product.objects.get(sku="SET").pk, {"MUG": 2})
    products, kits, stock = io.StringIO(), io.StringIO(), io.StringIO()
    # when each is exported
    assert export(account, CsvKind.PRODUCTS, products) == 2
    assert export(account, CsvKind.KITS, kits) == 1
    assert export(account, CsvKind.QUANTITIES, stock) == 1
    # then the cells are safe and an import of them changes nothing
    assert products.getvalue().splitlines()[1] == "MUG,'=SUM(A1),,350.5,g,,,,,,,,blue,"
    assert kits.getvalue() == "kit_sku,component_sku,quantity\r\nSET,MUG,2\r\n"
    assert stock.getvalue() == (
        "sku,source,quantity,reserved,available\r\nMUG,Main warehouse,7,0,7\r\n"
    )
    _import(account, CsvKind.PRODUCTS, products.getvalue())
    mug = Product.objects.get(sku="MUG")
    assert (mug.name, mug.weight_value, mug.tags) == ("=SUM(A1)", Decimal("350.5"), ["blue"])


def _statements(queries: CaptureQueriesContext, table: str) -> list[str]:
    """The verb of each statement on ``table`` (an executemany is logged as one)."""
    verbs = ("INSERT", "UPDATE", "SELECT", "DELETE")
    return [
        next(word for word in query["sql"].split() if word in verbs)
        for query in queries.captured_queries
        if table in query["sql"]
    ]


def _products_file(count: int, name: str = "Mug") -> str:
    rows = "".join(
        f"SKU-{number:05d},{name} {number},{number % 90}.5,g\n" for number in range(count)
    )
    return "sku,name,weight,weight_unit\n" + rows


def test_a_row_already_as_the_file_says_writes_nothing(account: Account) -> None:
    # given 3 products imported, one of them since renamed in the hub
    _import(account, CsvKind.PRODUCTS, _products_file(3))
    Product.objects.filter(sku="SKU-00001").update(name="Renamed")
    stamps = dict(Product.objects.values_list("sku", "updated_at"))
    # when the same file is imported again
    result = _import(account, CsvKind.PRODUCTS, _products_file(3))
    # then only the renamed row is written back; the others keep their updated_at
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)  # type: ignore[attr-defined]
    assert result.summary == "0 created, 1 updated, 2 unchanged"  # type: ignore[attr-defined]
    after = dict(Product.objects.values_list("sku", "updated_at"))
    assert after["SKU-00000"] == stamps["SKU-00000"]
    assert after["SKU-00002"] == stamps["SKU-00002"]
    assert after["SKU-00001"] > stamps["SKU-00001"]
    assert Product.objects.get(sku="SKU-00001").name == "Mug 1"


def test_products_are_written_with_one_statement_per_batch(account: Account) -> None:
    # given 1,200 products in the hub
    _import(account, CsvKind.PRODUCTS, _products_file(1_200))
    # when a file renames them all and adds 1,300 (2,500 rows: three batches)
    with CaptureQueriesContext(connection) as queries:
        result = _import(account, CsvKind.PRODUCTS, _products_file(2_500, name="Cup"))
    # then each batch reads its SKUs once and writes with one INSERT and one UPDATE at most
    statements = _statements(queries, "catalog_product")
    assert (result.created, result.updated) == (1_300, 1_200)  # type: ignore[attr-defined]
    assert statements.count("INSERT") == 2
    assert statements.count("UPDATE") == 2
    assert statements.count("SELECT") == 3
    assert Product.objects.get(sku="SKU-02499").name == "Cup 2499"


def test_a_problem_after_applied_batches_rolls_them_back_and_reports_as_a_check(
    account: Account,
) -> None:
    # given a file whose first 2,000 rows are fine and whose last row has no name
    text = _products_file(2_000) + "BAD,,1\n"
    before = _counts()
    # when it is imported
    with pytest.raises(ImportRefused) as refused:
        _import(account, CsvKind.PRODUCTS, text)
    # then nothing stays, and the report is the one a check gives
    assert _counts() == before
    assert refused.value.report == check_import(
        account, CsvKind.PRODUCTS, io.BytesIO(text.encode())
    )
    assert [str(error) for error in refused.value.report.errors] == [
        "row 2002, column name: is required"
    ]
    assert refused.value.report.rows == 2_001


def test_quantities_of_many_rows_are_counted_a_batch_at_a_time(account: Account) -> None:
    # given 1,500 products at one source
    source = warehouse(account)
    _import(account, CsvKind.PRODUCTS, _products_file(1_500))
    text = "sku,source,quantity\n" + "".join(
        f"SKU-{number:05d},Main warehouse,{number % 7}\n" for number in range(1_500)
    )
    # when a quantities file counts them all
    with CaptureQueriesContext(connection) as queries:
        result = _import(account, CsvKind.QUANTITIES, text)
    # then every level is the file's, each with its count movement, moved in two batches
    # (each batch locks the shortages of its products once)
    shortages = _statements(queries, "catalog_ordershortage")
    assert result.updated == 1_500  # type: ignore[attr-defined]
    assert shortages == ["SELECT", "SELECT"]
    assert StockMovement.objects.filter(kind=MovementKind.COUNT).count() == 1_500
    assert level(Product.objects.get(sku="SKU-01499"), source) == (1_499 % 7, 0)


def test_a_product_made_a_kit_while_its_file_is_applied_refuses_the_file(
    account: Account,
) -> None:
    # given 1,500 products at one source, and a quantities file counting them all
    source = warehouse(account)
    _import(account, CsvKind.PRODUCTS, _products_file(1_500))
    text = "sku,source,quantity\n" + "".join(
        f"SKU-{number:05d},Main warehouse,3\n" for number in range(1_500)
    )
    before = _counts()

    def make_a_kit(done: int) -> None:
        Product.objects.filter(sku="SKU-01200").update(is_kit=True)

    # when SKU-01200 becomes a kit after the first batch was counted
    with pytest.raises(ImportRefused) as refused:
        import_file(
            account, CsvKind.QUANTITIES, io.BytesIO(text.encode()), CLERK, progress=make_a_kit
        )
    # then its row is refused and the first batch's counts are rolled back
    assert [str(error) for error in refused.value.report.errors] == [
        "row 1202, column sku: SKU-01200 is a kit: its stock is its components'"
    ]
    assert _counts() == before
    assert level(Product.objects.get(sku="SKU-00000"), source) == (0, 0)
