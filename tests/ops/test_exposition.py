"""The Prometheus text format, rendered by the pure renderer, against a golden file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from crossdock.ops.exposition import (
    MetricFamily,
    MetricType,
    Sample,
    format_value,
    render_exposition,
)

GOLDEN = Path(__file__).parent / "golden"


def test_families_render_as_the_golden_text() -> None:
    # Given families with labels, escapes, a float, infinity and a counter
    families = [
        MetricFamily(
            "crossdock_write_backs",
            "Fulfillment write-backs to channels, by state.",
            MetricType.GAUGE,
            (Sample(3, {"state": "pending"}), Sample(0, {"state": "dead"})),
        ),
        MetricFamily(
            "crossdock_queue_oldest_ready_seconds",
            "Oldest wait.\nSecond line with a \\ backslash.",
            MetricType.GAUGE,
            (
                Sample(12.5, {"queue": "desk"}),
                Sample(math.inf, {"queue": 'a "quoted\\" name\nsplit'}),
            ),
        ),
        MetricFamily("crossdock_export_skips", "Orders left out.", MetricType.GAUGE, (Sample(0),)),
        MetricFamily(
            "crossdock_http_requests_total",
            "Answers.",
            MetricType.COUNTER,
            (Sample(7, {"pid": "41", "method": "GET", "code": "200"}),),
        ),
    ]

    # When they are rendered
    text = render_exposition(families)

    # Then the text is exactly the golden file
    assert text == (GOLDEN / "exposition.txt").read_text(encoding="utf-8")


def test_no_families_render_as_an_empty_body() -> None:
    assert render_exposition([]) == ""


def test_a_family_without_samples_still_says_what_it_is() -> None:
    family = MetricFamily("crossdock_x", "X.", MetricType.COUNTER, ())

    assert render_exposition([family]) == "# HELP crossdock_x X.\n# TYPE crossdock_x counter\n"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (3.0, "3"), (0.25, "0.25"), (-math.inf, "-Inf"), (math.nan, "NaN"), (1e20, "1e+20")],
)
def test_values_are_written_as_the_format_expects(value: float, text: str) -> None:
    assert format_value(value) == text


@pytest.mark.parametrize(
    ("name", "labels", "message"),
    [
        ("crossdock-bad", {}, "not a metric name: 'crossdock-bad'"),
        ("crossdock_ok", {"bad-label": "x"}, "not a label name: 'bad-label'"),
        ("crossdock_ok", {"__reserved": "x"}, "not a label name: '__reserved'"),
    ],
)
def test_names_the_format_cannot_carry_are_refused(
    name: str, labels: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(") + "$"):
        MetricFamily(name, "Help.", MetricType.GAUGE, (Sample(1, labels),))
