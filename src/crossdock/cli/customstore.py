"""``crossdock customstore check``: a conformance report for any Custom Store endpoint.

The checks are :mod:`crossdock.customstore.check`; the fetching is the desk's store client
(:mod:`crossdock.desk.stores.diagnose`). Exit codes: 0 when nothing failed (with
``--strict``, nothing warned either), 1 when a check failed, 2 for a usage error.
"""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.markup import escape
from rich.table import Table

from crossdock.cli.output import console, fail
from crossdock.cli.passwords import PasswordStdinOption, read_password
from crossdock.customstore.check.report import Report, Verdict, render_html
from crossdock.desk.stores.diagnose import (
    DEFAULT_MAX_PAGES,
    DEFAULT_TIMEOUT,
    CheckOptions,
    options_problem,
    run_check,
)

customstore_app = typer.Typer(
    help="Custom Store protocol tools (check any store's endpoint).", no_args_is_help=True
)

#: Exit code of a usage error (Typer's own for a bad option, too).
USAGE = 2


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"


FormatOption = typer.Option(Format.TEXT, "--format", help="text, json or html.")

_STYLES = {Verdict.PASS: "green", Verdict.WARN: "yellow", Verdict.FAIL: "red"}


def print_report(report: Report) -> None:
    console.print(
        f"Custom Store check of [bold]{escape(report.url)}[/bold] over {escape(report.window)}",
        highlight=False,
    )
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("verdict")
    table.add_column("check")
    table.add_column("evidence", overflow="fold")
    for check in report.checks:
        style = _STYLES[check.verdict]
        table.add_row(
            f"[{style}]{check.verdict.value}[/{style}]", check.name, escape(check.evidence)
        )
    console.print(table)
    console.print(report.summary(), highlight=False)


@customstore_app.command()
def check(
    url: str = typer.Argument(..., help="The store's Custom Store URL."),
    username: str = typer.Option(..., "--username", help="The username ShipStation would use."),
    password: str | None = typer.Option(
        None, "--password", help="The password (prefer --password-stdin)."
    ),
    password_stdin: bool = PasswordStdinOption,
    days: int = typer.Option(7, "--days", help="Export window: the last DAYS days (UTC)."),
    write_order: str | None = typer.Option(
        None,
        "--write-order",
        help="Also check ship notices by posting them for this order number "
        "(this writes to the store: the order gets a shipment).",
    ),
    max_pages: int = typer.Option(
        DEFAULT_MAX_PAGES, "--max-pages", help="Most pages read per window."
    ),
    timeout: float = typer.Option(
        DEFAULT_TIMEOUT, "--timeout", help="Seconds allowed per request."
    ),
    output_format: Format = FormatOption,
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
) -> None:
    """Check a Custom Store endpoint against the protocol; read-only unless --write-order."""
    options = CheckOptions(
        url=url,
        username=username,
        password=read_password(password, password_stdin, new=False, code=USAGE),
        days=days,
        write_order=write_order,
        max_pages=max_pages,
        timeout=timeout,
    )
    problem = options_problem(options)
    if problem:
        raise fail(problem, USAGE)
    report = run_check(options)
    if output_format == Format.JSON:
        payload = report.to_json()
        payload["passed"] = report.passed(strict=strict)
        typer.echo(json.dumps(payload, ensure_ascii=False))
    elif output_format == Format.HTML:
        typer.echo(render_html(report), nl=False)
    else:
        print_report(report)
    raise typer.Exit(report.exit_code(strict=strict))
