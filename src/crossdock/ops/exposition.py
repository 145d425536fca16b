"""The Prometheus text exposition format (version 0.0.4), rendered by a small pure function.

A scrape is a list of :class:`MetricFamily`: a name, a help line, a type and its samples.
:func:`render_exposition` writes them in the order given, each family as ``# HELP``,
``# TYPE`` and one line per sample, with label values and help text escaped as the format
requires (backslash, double quote and newline in labels; backslash and newline in help).
Kept in-house rather than adding ``prometheus_client``: the gauges are computed from the
database at scrape time, so the library's registries and multiprocess mode would buy nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

#: The Content-Type of the text format.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


class MetricType(StrEnum):
    COUNTER = "counter"
    GAUGE = "gauge"


@dataclass(frozen=True)
class Sample:
    """One value of a family, told apart from its siblings by its labels."""

    value: float
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricFamily:
    """A metric: its name, help line, type and samples (a family may have none)."""

    name: str
    help: str
    type: MetricType
    samples: tuple[Sample, ...]

    def __post_init__(self) -> None:
        if not _METRIC_NAME.fullmatch(self.name):
            raise ValueError(f"not a metric name: {self.name!r}")
        for sample in self.samples:
            for label in sample.labels:
                if not _LABEL_NAME.fullmatch(label) or label.startswith("__"):
                    raise ValueError(f"not a label name: {label!r}")


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: float) -> str:
    """A sample value: whole numbers without a decimal point, ``+Inf``, ``-Inf``, ``NaN``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def _sample_line(name: str, sample: Sample) -> str:
    if not sample.labels:
        return f"{name} {format_value(sample.value)}"
    labels = ",".join(f'{label}="{_escape_label(value)}"' for label, value in sample.labels.items())
    return f"{name}{{{labels}}} {format_value(sample.value)}"


def render_exposition(families: Iterable[MetricFamily]) -> str:
    """The scrape body: every family in order, ending with a newline."""
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.type.value}")
        lines.extend(_sample_line(family.name, sample) for sample in family.samples)
    return "\n".join(lines) + "\n" if lines else ""
