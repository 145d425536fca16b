"""A conformance report: one verdict per check, with its evidence, and its renderings.

A check passes, warns (works with ShipStation but is fragile or untested) or fails (loses,
duplicates or corrupts orders or shipments). The exit code of the command follows from the
verdicts: 0 when nothing failed (and, with ``strict``, nothing warned), else 1.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict; ``name`` is stable (``export.schema``), ``evidence`` a sentence."""

    name: str
    verdict: Verdict
    evidence: str


@dataclass(frozen=True, slots=True)
class PageTiming:
    window: str
    page: int
    elapsed_ms: int


@dataclass(frozen=True, slots=True)
class Report:
    url: str
    checked_at: datetime
    window: str
    checks: tuple[Check, ...]
    timings: tuple[PageTiming, ...] = ()
    wrote: bool = False

    def count(self, verdict: Verdict) -> int:
        return sum(1 for check in self.checks if check.verdict == verdict)

    def passed(self, *, strict: bool = False) -> bool:
        """Nothing failed (and with ``strict``, nothing warned either)."""
        if self.count(Verdict.FAIL):
            return False
        return not (strict and self.count(Verdict.WARN))

    def exit_code(self, *, strict: bool = False) -> int:
        return 0 if self.passed(strict=strict) else 1

    def summary(self) -> str:
        return (
            f"{self.count(Verdict.PASS)} passed, {self.count(Verdict.WARN)} warned, "
            f"{self.count(Verdict.FAIL)} failed"
        )

    def failed_names(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks if check.verdict == Verdict.FAIL)

    def verdict_of(self, name: str) -> Verdict | None:
        return next((check.verdict for check in self.checks if check.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "checked_at": self.checked_at.isoformat(),
            "window": self.window,
            "wrote_to_store": self.wrote,
            "summary": {verdict.value: self.count(verdict) for verdict in Verdict},
            "checks": [
                {"name": check.name, "verdict": check.verdict.value, "evidence": check.evidence}
                for check in self.checks
            ],
            "timings": [
                {"window": timing.window, "page": timing.page, "elapsed_ms": timing.elapsed_ms}
                for timing in self.timings
            ],
        }


_COLOURS = {Verdict.PASS: "#1b7f3b", Verdict.WARN: "#9a6700", Verdict.FAIL: "#b42318"}


def render_html(report: Report) -> str:
    """A self-contained HTML page (no script, no outside resource) of the report."""
    rows = "".join(
        f'<tr><td style="color:{_COLOURS[check.verdict]};font-weight:bold">'
        f"{check.verdict.value}</td><td><code>{html.escape(check.name)}</code></td>"
        f"<td>{html.escape(check.evidence)}</td></tr>"
        for check in report.checks
    )
    timings = "".join(
        f"<tr><td>{html.escape(timing.window)}</td><td>{timing.page}</td>"
        f"<td>{timing.elapsed_ms} ms</td></tr>"
        for timing in report.timings
    )
    title = f"Custom Store check of {html.escape(report.url)}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>body{{font-family:sans-serif;margin:2em}}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
        "text-align:left;vertical-align:top}</style></head><body>"
        f"<h1>{title}</h1><p>Checked {report.checked_at:%d %b %Y, %H:%M} UTC over "
        f"{html.escape(report.window)}: {html.escape(report.summary())}.</p>"
        "<table><thead><tr><th>verdict</th><th>check</th><th>evidence</th></tr></thead>"
        f"<tbody>{rows}</tbody></table><h2>Page timings</h2>"
        "<table><thead><tr><th>window</th><th>page</th><th>latency</th></tr></thead>"
        f"<tbody>{timings}</tbody></table></body></html>\n"
    )
