"""Shared CLI output: one JSON object with ``--json``, a Rich table or lines otherwise."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console

console = Console()
#: Progress bars and reports meant for people, on stderr (stdout stays parseable).
stderr = Console(stderr=True)

JsonOption = typer.Option(False, "--json", help="Print one JSON object instead of text.")


def emit_json(payload: dict[str, Any]) -> None:
    """Print exactly one JSON object on stdout (nothing else is printed in ``--json`` mode)."""
    typer.echo(json.dumps(payload, default=str, ensure_ascii=False))


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``error: <message>`` to stderr, on one line, and return the exit to raise.

    The exit codes are listed in :mod:`crossdock.cli.errors`.
    """
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)
