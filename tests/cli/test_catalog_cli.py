"""``crossdock catalog import|export`` and ``crossdock stock levels|adjust``: reports, exit
codes, and nothing applied from a file with problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import Product, StockMovement
from tests.fixtures.catalog import level, stocked, warehouse

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _file(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "file.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_import_applies_a_clean_file_and_reports(tmp_path: Path, account: Account) -> None:
    path = _file(tmp_path, "sku,name\nMUG-1,Mug\nLID-1,Lid\n")

    result = runner.invoke(app, ["catalog", "import", path, "--account", "Acme"])

    assert result.exit_code == 0, result.output
    assert "Imported 2 products rows: 2 created, 0 updated." in result.output
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["LID-1", "MUG-1"]


def test_import_of_a_broken_file_exits_1_naming_rows_and_applies_nothing(
    tmp_path: Path, account: Account
) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 4)
    before = StockMovement.objects.count()
    path = _file(tmp_path, "sku,source,quantity\nMUG-1,Main warehouse,9\nGHOST,Main warehouse,-1\n")

    result = runner.invoke(app, ["catalog", "import", path, "--account", "Acme", "--json"])

    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "kind": "quantities",
        "rows": 2,
        "error_count": 2,
        "errors": [
            {"row": 3, "column": "quantity", "message": "must not be negative, got -1"},
            {
                "row": 3,
                "column": "sku",
                "message": "unknown SKU GHOST; import it as a product first",
            },
        ],
    }
    assert StockMovement.objects.count() == before
    assert level(mug, source) == (4, 0)


def test_an_unreadable_file_exits_2(tmp_path: Path, account: Account) -> None:
    path = _file(tmp_path, "sku,name\nMUG,Tassé\n", encoding="latin-1")

    result = runner.invoke(
        app, ["catalog", "import", path, "--account", "Acme", "--kind", "products"]
    )

    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr
    assert not Product.objects.exists()


def test_check_reports_without_applying(tmp_path: Path, account: Account) -> None:
    path = _file(tmp_path, "sku,name\nMUG-1,Mug\n")

    result = runner.invoke(app, ["catalog", "import", path, "--account", "Acme", "--check"])

    assert result.exit_code == 0
    assert "1 products rows, no problems." in result.output
    assert not Product.objects.exists()


def test_export_writes_the_stock(tmp_path: Path, account: Account) -> None:
    stocked(account, "MUG-1", warehouse(account), 4)
    out = tmp_path / "stock.csv"

    result = runner.invoke(
        app, ["catalog", "export", "--account", "Acme", "--kind", "quantities", "-o", str(out)]
    )

    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (
        b"sku,source,quantity,reserved,available\r\nMUG-1,Main warehouse,4,0,4\r\n"
    )


def test_stock_adjust_and_levels(account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 4)

    adjusted = runner.invoke(
        app,
        [
            "stock",
            "adjust",
            "MUG-1",
            "3",
            "--account",
            "Acme",
            "--source",
            "Main warehouse",
            "--reason",
            "Found in the back",
        ],
    )
    levels = runner.invoke(app, ["stock", "levels", "--account", "Acme", "--json"])
    unknown = runner.invoke(
        app,
        [
            "stock",
            "adjust",
            "MUG-1",
            "3",
            "--account",
            "Acme",
            "--source",
            "Attic",
            "--reason",
            "x",
        ],
    )

    assert adjusted.exit_code == 0, adjusted.output
    assert level(mug, source) == (7, 0)
    assert json.loads(levels.stdout) == {
        "levels": [
            {
                "sku": "MUG-1",
                "source": "Main warehouse",
                "on_hand": 7,
                "reserved": 0,
                "available": 7,
            }
        ]
    }
    assert unknown.exit_code == 3  # not found (crossdock.cli.errors)
    assert "no inventory source named 'Attic'" in unknown.stderr
    assert level(mug, source) == (7, 0)


def test_stock_transfer_moves_units_and_refuses_bad_input_moving_nothing(
    account: Account,
) -> None:
    # given 5 mugs at the main warehouse and a back room
    main = warehouse(account)
    back = warehouse(account, "Back room")
    mug = stocked(account, "MUG-1", main, 5)
    base = ["stock", "transfer", "--account", "Acme"]

    # when 2 are moved, then too many, then to the same source, then to an unknown one
    moved = runner.invoke(
        app, [*base, "MUG-1", "2", "--from", "Main warehouse", "--to", "Back room", "--json"]
    )
    too_many = runner.invoke(
        app, [*base, "MUG-1", "4", "--from", "Main warehouse", "--to", "Back room"]
    )
    same = runner.invoke(
        app, [*base, "MUG-1", "1", "--from", "Main warehouse", "--to", "Main warehouse"]
    )
    unknown = runner.invoke(app, [*base, "MUG-1", "1", "--from", "Attic", "--to", "Back room"])

    # then only the first moved stock; the others name what is wrong
    assert moved.exit_code == 0, moved.output
    assert json.loads(moved.stdout) == {
        "sku": "MUG-1",
        "quantity": 2,
        "from": {"source": "Main warehouse", "on_hand": 3},
        "to": {"source": "Back room", "on_hand": 2},
    }
    assert (too_many.exit_code, same.exit_code, unknown.exit_code) == (5, 5, 3)
    assert "quantity: only 3 available at Main warehouse" in too_many.stderr
    assert "to_source: must differ from the source it comes from" in same.stderr
    assert "--from: no inventory source named 'Attic'" in unknown.stderr
    assert (level(mug, main), level(mug, back)) == ((3, 0), (2, 0))
