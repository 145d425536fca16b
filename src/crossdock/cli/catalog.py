"""``crossdock catalog import|export`` and ``crossdock stock levels|adjust``.

Exit codes of ``catalog import``: 0 applied (or, with ``--check``, no problems), 1 the
file has problems and nothing was applied, 2 the file cannot be read at all.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crossdock.cli.errors import NOT_FOUND
from crossdock.cli.output import JsonOption, console, emit_json, fail, stderr
from crossdock.core.actors import Actor, ActorKind
from crossdock.core.catalog_csv import CatalogFileError, CsvKind, CsvReport, sniff_kind
from crossdock.hub.accounts import services as accounts
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import services
from crossdock.hub.catalog.exports import export
from crossdock.hub.catalog.imports import ImportRefused, check_import, import_file
from crossdock.hub.catalog.models import InventorySource, StockLevel

catalog_app = typer.Typer(help="Products, kits and stock as CSV files.", no_args_is_help=True)
stock_app = typer.Typer(help="Stock levels and adjustments.", no_args_is_help=True)

AccountOption = typer.Option(..., "--account", help="Account name.")
KindOption = typer.Option(
    None, "--kind", help="products, kits or quantities (default: read from the header)."
)
#: Rows shown in the terminal when a file has problems (all of them with --json).
SHOWN_ERRORS = 20
CLI_ACTOR = Actor(ActorKind.SYSTEM, "cli")


def _account(name: str) -> Account:
    return accounts.get_account(name)


def _report_json(report: CsvReport) -> dict[str, Any]:
    return {
        "kind": report.kind.value,
        "rows": report.rows,
        "error_count": report.error_count,
        "errors": [
            {"row": error.row, "column": error.column, "message": error.message}
            for error in report.errors
        ],
    }


def _print_problems(report: CsvReport) -> None:
    stderr.print(
        f"[red]{report.error_count:,} problem(s)[/red] in {report.rows:,} rows; "
        "nothing was imported.",
        highlight=False,
    )
    for error in report.errors[:SHOWN_ERRORS]:
        stderr.print(f"  {error}", highlight=False, markup=False)
    if report.error_count > SHOWN_ERRORS:
        stderr.print(f"  … and {report.error_count - SHOWN_ERRORS:,} more", highlight=False)


@catalog_app.command("import")
def import_command(
    path: Path = typer.Argument(  # noqa: B008 - Typer declares arguments as defaults
        ..., help="The CSV file (UTF-8).", exists=True, dir_okay=False
    ),
    account: str = AccountOption,
    kind: CsvKind | None = KindOption,
    check: bool = typer.Option(False, "--check", help="Check every row; apply nothing."),
    as_json: bool = JsonOption,
) -> None:
    """Import products, kit recipes or stock quantities: every row, or none."""
    owner = _account(account)
    with path.open("rb") as stream:
        try:
            found = kind or sniff_kind(stream.read(65536))
            stream.seek(0)
            if check:
                report = check_import(owner, found, stream)
                if as_json:
                    emit_json(_report_json(report))
                elif report.ok:
                    console.print(f"{report.rows:,} {found.value} rows, no problems.")
                else:
                    _print_problems(report)
                raise typer.Exit(0 if report.ok else 1)
            result = _import_with_progress(owner, found, stream, path, quiet=as_json)
        except CatalogFileError as error:
            if as_json:
                emit_json({"error": str(error)})
                raise typer.Exit(2) from error
            raise fail(str(error), 2) from error
        except ImportRefused as refused:
            if as_json:
                emit_json(_report_json(refused.report))
            else:
                _print_problems(refused.report)
            raise typer.Exit(1) from refused
    if as_json:
        emit_json(
            {
                "kind": result.kind.value,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
    else:
        console.print(f"Imported {result.rows:,} {result.kind.value} rows: {result.summary}.")


def _import_with_progress(
    owner: Account, kind: CsvKind, stream: Any, path: Path, *, quiet: bool
) -> Any:
    total = max(sum(1 for _ in stream) - 1, 0)
    stream.seek(0)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
        disable=quiet or not stderr.is_terminal or total < 1000,
        transient=True,
    ) as bar:
        task = bar.add_task(f"Importing {path.name}", total=total)
        return import_file(
            owner,
            kind,
            stream,
            CLI_ACTOR,
            name=path.name,
            progress=lambda done: bar.update(task, completed=done),
        )


@catalog_app.command("export")
def export_command(
    account: str = AccountOption,
    kind: CsvKind = typer.Option(  # noqa: B008 - Typer declares options as defaults
        CsvKind.PRODUCTS, "--kind", help="products, kits or quantities (stock levels)."
    ),
    output: Path | None = typer.Option(  # noqa: B008 - Typer declares options as defaults
        None, "--output", "-o", help="Write to this file instead of stdout."
    ),
) -> None:
    """Export the catalog, kit recipes or stock levels as CSV."""
    owner = _account(account)
    if output is None:
        export(owner, kind, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as out:
        rows = export(owner, kind, out)
    stderr.print(f"Wrote {rows:,} rows to {output}.", highlight=False)


@stock_app.command("levels")
def levels_command(
    account: str = AccountOption,
    sku: str | None = typer.Option(None, "--sku", help="Only this product."),
    as_json: bool = JsonOption,
) -> None:
    """Stock per product and source: on hand, reserved, available."""
    owner = _account(account)
    levels = StockLevel.objects.filter(account=owner).select_related("product", "source")
    if sku is not None:
        levels = levels.filter(product__sku=sku)
    rows = [
        (level.product.sku, level.source.name, level.on_hand, level.reserved, level.available)
        for level in levels.order_by("product__sku", "source__name")
    ]
    if as_json:
        names = ("sku", "source", "on_hand", "reserved", "available")
        emit_json({"levels": [dict(zip(names, row, strict=True)) for row in rows]})
        return
    table = Table("sku", "source", "on hand", "reserved", "available")
    for sku_text, source_name, on_hand, reserved, available in rows:
        table.add_row(sku_text, source_name, str(on_hand), str(reserved), str(available))
    console.print(table)


@stock_app.command("adjust")
def adjust_command(
    sku: str = typer.Argument(..., help="The product's SKU."),
    delta: int = typer.Argument(..., help="Units to add (negative to remove)."),
    account: str = AccountOption,
    source: str = typer.Option(..., "--source", help="Inventory source name."),
    reason: str = typer.Option(..., "--reason", help="Why the stock changed."),
    as_json: bool = JsonOption,
) -> None:
    """Correct a product's stock at one source by DELTA units, with a reason."""
    owner = _account(account)
    found = _source_named(owner, source, "--source")
    movement = services.adjust(owner, sku, found, delta, CLI_ACTOR, reason)
    if as_json:
        emit_json(
            {
                "sku": sku,
                "source": source,
                "delta": movement.on_hand_delta,
                "on_hand": movement.on_hand_after,
                "reserved": movement.reserved_after,
            }
        )
    else:
        console.print(
            f"{sku} at {source}: {movement.on_hand_delta:+,} → {movement.on_hand_after:,} on hand."
        )


def _source_named(owner: Account, name: str, option: str) -> InventorySource:
    found = InventorySource.objects.filter(account=owner, name=name).first()
    if found is None:
        raise fail(f"{option}: no inventory source named {name!r}", NOT_FOUND)
    return found


@stock_app.command("transfer")
def transfer_command(
    sku: str = typer.Argument(..., help="The product's SKU."),
    quantity: int = typer.Argument(..., help="Units to move (on hand)."),
    account: str = AccountOption,
    from_source: str = typer.Option(..., "--from", help="Inventory source the goods leave."),
    to_source: str = typer.Option(..., "--to", help="Inventory source they go to."),
    reason: str = typer.Option("", "--reason", help="Why they moved."),
    as_json: bool = JsonOption,
) -> None:
    """Move QUANTITY units of a product from one inventory source to another."""
    owner = _account(account)
    origin = _source_named(owner, from_source, "--from")
    target = _source_named(owner, to_source, "--to")
    out, into = services.transfer(owner, sku, origin, target, quantity, CLI_ACTOR, reason)
    if as_json:
        emit_json(
            {
                "sku": sku,
                "quantity": into.on_hand_delta,
                "from": {"source": from_source, "on_hand": out.on_hand_after},
                "to": {"source": to_source, "on_hand": into.on_hand_after},
            }
        )
    else:
        console.print(
            f"{sku}: {into.on_hand_delta:,} moved from {from_source} ({out.on_hand_after:,} left)"
            f" to {to_source} ({into.on_hand_after:,} on hand)."
        )
