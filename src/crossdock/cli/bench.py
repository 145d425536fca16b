"""``crossdock bench``: the benchmarks, each beside its bare baseline (see ``docs/performance.md``).

The command runs on a fresh data folder of its own (``crossdock.cli.main`` points
``CROSSDOCK_DATA_DIR`` at a new temporary folder before Django starts), so it never touches
the merchant's database; with ``DATABASE_URL`` set it runs on that database instead, in new
accounts of its own.
"""

from __future__ import annotations

from pathlib import Path

import typer

from crossdock.cli.output import console, fail
from crossdock.config import data_dir

LARGE_DEEP_ORDERS = 1_000_000


def bench(
    scenarios: list[str] = typer.Argument(  # noqa: B008 - Typer's declaration style
        None,
        help="Scenarios to run (export, deep-window, notices, ingest, stock, scale-out); "
        "default all.",
    ),
    orders: int = typer.Option(2_000, help="Orders in the export window."),
    deep_orders: int = typer.Option(100_000, help="Orders in the deep window."),
    large: bool = typer.Option(False, "--large", help="The deep window with 1,000,000 orders."),
    notices: int = typer.Option(400, help="Ship notices per round."),
    ingest_orders: int = typer.Option(500, help="Orders upserted per ingest round."),
    stock_listings: list[int] = typer.Option(  # noqa: B008 - Typer's declaration style
        [1, 100, 10_000], min=1, help="Listings one stock change pushes (repeat for each size)."
    ),
    pull_orders: int = typer.Option(
        500, min=1, max=500, help="Orders per sandbox shop pulled per scale-out round."
    ),
    rounds: int = typer.Option(5, min=1, help="Timed rounds per case, after a warm-up."),
    workers: int = typer.Option(1, min=1, help="Web processes of the served hub and baseline."),
    job_workers: int = typer.Option(
        1, min=1, help="Separate `crossdock worker` processes in the scale-out scenario."
    ),
    port: int = typer.Option(8500, help="First loopback port the servers use (0: any free)."),
    json_path: Path | None = typer.Option(  # noqa: B008 - Typer's declaration style
        None, "--json", help="Write the results as JSON here."
    ),
    doc: Path | None = typer.Option(  # noqa: B008 - Typer's declaration style
        None, help="Replace the table in this Markdown file (docs/performance.md)."
    ),
    plain_dir: Path | None = typer.Option(  # noqa: B008 - Typer's declaration style
        None, help="Also run the plain bench_*.py modules with run() in this folder."
    ),
) -> None:
    """Run benchmarks and print the table: median, min, max and the ratio to the baseline."""
    from crossdock.bench.harness import (
        SCENARIOS,
        Options,
        Report,
        machine,
        report_json,
        run_plain,
        run_scenarios,
        table,
        write_table,
    )

    names = scenarios or list(SCENARIOS)
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise fail(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}", 2)
    options = Options(
        orders=orders,
        deep_orders=LARGE_DEEP_ORDERS if large else deep_orders,
        notices=notices,
        ingest_orders=ingest_orders,
        stock_listings=tuple(stock_listings),
        pull_orders=pull_orders,
        rounds=rounds,
        workers=workers,
        job_workers=job_workers,
        port=port,
        data_dir=data_dir(),
    )
    report = Report(machine=machine())
    report.rows = run_scenarios(names, options, say=lambda text: console.print(text, markup=False))
    if plain_dir is not None:
        report.plain = run_plain(plain_dir, say=lambda text: console.print(text, markup=False))
    console.print(table(report.rows), markup=False)
    if json_path is not None:
        json_path.write_text(report_json(report) + "\n", encoding="utf-8")
    if doc is not None:
        note = (
            f"Last full run: {options.orders:,} orders exported, a {options.deep_orders:,}-order "
            f"deep window, {options.notices:,} notices and {options.ingest_orders:,} orders "
            f"ingested per round, stock pushes for {_sizes(options.stock_listings)} listings, "
            f"{options.rounds} rounds, {options.workers} web process(es) and "
            f"{options.job_workers} job worker(s); "
            f"Python {report.machine['python']}, {report.machine['cpus']} CPUs."
        )
        write_table(doc, report, note)


def _sizes(sizes: tuple[int, ...]) -> str:
    return ", ".join(f"{size:,}" for size in sizes)
