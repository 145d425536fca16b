"""The harness: run scenarios, time their cases beside their baselines, report the table.

See :mod:`crossdock.bench` for the scenario interface.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import platform
import socket
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType

#: Scenario name → module, in the order ``crossdock bench all`` runs them.
SCENARIOS: dict[str, str] = {
    "export": "crossdock.bench.export_http",
    "deep-window": "crossdock.bench.deep_window",
    "notices": "crossdock.bench.notices",
    "ingest": "crossdock.bench.ingest",
    "stock": "crossdock.bench.stock",
    "scale-out": "crossdock.bench.scale_out",
}

#: The markers in ``docs/performance.md`` between which the table of the last run goes.
TABLE_BEGIN = "<!-- bench:table:begin -->"
TABLE_END = "<!-- bench:table:end -->"


@dataclass(frozen=True, slots=True)
class Options:
    """Sizes and settings of a run (the CLI's options; the smoke test passes tiny ones)."""

    #: Orders in the export scenario's window (three lines each).
    orders: int = 2_000
    #: Orders in the deep window (``--large``: 1,000,000).
    deep_orders: int = 100_000
    #: Ship notices sent per round (one in four a duplicate).
    notices: int = 400
    #: Orders upserted per ingest round.
    ingest_orders: int = 500
    #: Listings of one product whose pushes one stock change starts (one pair of cases each).
    stock_listings: tuple[int, ...] = (1, 100, 10_000)
    #: Orders each sandbox shop holds per round of the scale-out scenario.
    pull_orders: int = 500
    #: Timed rounds per case (after one warm-up round).
    rounds: int = 5
    #: Concurrent clients for the notice scenario.
    clients: int = 8
    #: Web processes of the served hub and baseline (``crossdock serve --workers``).
    workers: int = 1
    #: Separate ``crossdock worker`` processes beside the web processes (scale-out).
    job_workers: int = 1
    #: ``DATABASE_URL`` for the hub (``""``: SQLite in a fresh data folder).
    database_url: str = ""
    #: First loopback port the scenarios may listen on (``0``: any free ports).
    port: int = 8500
    #: Where servers keep their data (a fresh temporary folder).
    data_dir: Path = Path(".")

    def port_for(self, offset: int) -> int:
        """The port of a scenario's ``offset``-th server (each scenario has its own offsets)."""
        if self.port:
            return self.port + offset
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
            return port


@dataclass(frozen=True, slots=True)
class Figure:
    """One round's figure: ``value`` in the case's unit, and extra values (p99, RSS …)."""

    value: float
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Case:
    """One timed thing of a scenario."""

    name: str
    unit: str
    measure: Callable[[], Figure]
    #: The case of the same scenario this one is compared with (``None``: it is a baseline
    #: itself, or has none).
    baseline: str | None = None
    higher_is_better: bool = True
    #: Rounds for this case (``None``: ``options.rounds``); a one-off like the deep window
    #: runs once and skips the warm-up.
    rounds: int | None = None
    warm_up: bool = True


@dataclass(frozen=True, slots=True)
class Row:
    """A case's result: the figures of its rounds and the ratio to its baseline."""

    scenario: str
    case: str
    unit: str
    median: float
    low: float
    high: float
    rounds: int
    #: ``median / baseline median`` (inverted when lower is better), ``None`` without one.
    ratio: float | None
    baseline: str | None
    extra: dict[str, float]


@dataclass(slots=True)
class Report:
    rows: list[Row] = field(default_factory=list)
    #: What each plain ``run()`` module printed.
    plain: dict[str, str] = field(default_factory=dict)
    machine: dict[str, str] = field(default_factory=dict)


def machine() -> dict[str, str]:
    import os

    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "cpus": str(os.cpu_count()),
        "processor": platform.processor() or platform.machine(),
    }


def scenario_module(name: str) -> ModuleType:
    if name not in SCENARIOS:
        raise KeyError(name)
    return importlib.import_module(SCENARIOS[name])


def _rows(scenario: str, cases: list[Case], figures: dict[str, list[Figure]]) -> list[Row]:
    medians = {name: statistics.median(f.value for f in found) for name, found in figures.items()}
    rows = []
    for case in cases:
        found = figures[case.name]
        values = [figure.value for figure in found]
        extra_keys = sorted({key for figure in found for key in figure.extra})
        extra = {
            key: statistics.median(f.extra[key] for f in found if key in f.extra)
            for key in extra_keys
        }
        ratio = None
        base = medians.get(case.baseline or "")
        if base:
            mine = medians[case.name]
            ratio = mine / base if case.higher_is_better else (base / mine if mine else None)
        rows.append(
            Row(
                scenario=scenario,
                case=case.name,
                unit=case.unit,
                median=medians[case.name],
                low=min(values),
                high=max(values),
                rounds=len(values),
                ratio=ratio,
                baseline=case.baseline,
                extra=extra,
            )
        )
    return rows


def time_cases(
    scenario: str, cases: list[Case], rounds: int, say: Callable[[str], None]
) -> list[Row]:
    """Warm up every case, then run the rounds with the cases interleaved."""
    figures: dict[str, list[Figure]] = {case.name: [] for case in cases}
    for case in cases:
        if case.warm_up:
            say(f"  warm-up {case.name}")
            case.measure()
    for round_number in range(max(case.rounds or rounds for case in cases)):
        for case in cases:
            if round_number >= (case.rounds or rounds):
                continue
            figure = case.measure()
            figures[case.name].append(figure)
            say(f"  {case.name}: {figure.value:,.1f} {case.unit}")
    return _rows(scenario, cases, figures)


def run_scenarios(
    names: Iterable[str], options: Options, say: Callable[[str], None] = print
) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        module = scenario_module(name)
        say(f"== {name}: {module.SUMMARY}")
        with ExitStack() as stack:
            cases: list[Case] = module.prepare(options, stack)
            rows.extend(time_cases(name, cases, options.rounds, say))
    return rows


def run_plain(folder: Path, say: Callable[[str], None] = print) -> dict[str, str]:
    """Run every ``bench_*.py`` module in ``folder`` that defines ``run()``; keep its output."""
    printed: dict[str, str] = {}
    for path in sorted(folder.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(f"_bench_plain_{path.stem}", path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        run = getattr(module, "run", None)
        if not callable(run):
            continue
        say(f"== {path.stem} (plain module)")
        buffer = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(buffer):
            run()
        output = buffer.getvalue().rstrip()
        say(output)
        printed[path.stem] = f"{output}\n({time.perf_counter() - started:.1f} s)"
    return printed


# --- reporting ---------------------------------------------------------------------------


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(value: float) -> str:
    """Two decimals, or two significant digits below 0.01 (a bare stock push is that fast)."""
    return f"{value:.2f}" if value >= 0.01 else f"{value:.2g}"


def _extras(extra: dict[str, float]) -> str:
    return ", ".join(f"{key} {_number(value)}" for key, value in extra.items())


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (what the terminal shows and the doc keeps)."""
    lines = [
        "| scenario | case | median | min | max | unit | × baseline | also (medians) |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for row in rows:
        ratio = f"{_ratio(row.ratio)}× {row.baseline}" if row.ratio is not None else "—"
        lines.append(
            f"| {row.scenario} | {row.case} | {_number(row.median)} | {_number(row.low)} | "
            f"{_number(row.high)} | {row.unit} | {ratio} | {_extras(row.extra)} |"
        )
    return "\n".join(lines)


def report_json(report: Report) -> str:
    return json.dumps(
        {
            "machine": report.machine,
            "rows": [asdict(row) for row in report.rows],
            "plain": report.plain,
        },
        indent=2,
        sort_keys=True,
    )


def write_table(doc: Path, report: Report, note: str) -> None:
    """Replace the table between the markers of ``doc`` with this run's (the rest stays)."""
    text = doc.read_text(encoding="utf-8")
    before, found, rest = text.partition(TABLE_BEGIN)
    _, found_end, after = rest.partition(TABLE_END)
    if not found or not found_end:
        raise ValueError(f"{doc} has no {TABLE_BEGIN} … {TABLE_END} section")
    plain = "".join(
        f"\n\n`{name}` (plain module):\n\n```text\n{output}\n```"
        for name, output in report.plain.items()
    )
    body = f"\n{note}\n\n{table(report.rows)}{plain}\n"
    doc.write_text(before + TABLE_BEGIN + body + TABLE_END + after, encoding="utf-8")
