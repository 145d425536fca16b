"""The harness's own rules: interleaved rounds, medians, ratios to the baseline, the doc table."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock.bench.harness import (
    TABLE_BEGIN,
    TABLE_END,
    Case,
    Figure,
    Report,
    run_plain,
    table,
    time_cases,
    write_table,
)


def _sequence(*values: float) -> Case:
    found = iter(values)
    return Case("x", "ops/s", lambda: Figure(next(found)))


def test_a_case_is_warmed_up_once_then_timed_for_each_round() -> None:
    # given a case whose rounds answer 1 (warm-up), then 10, 30, 20
    figures = iter([1.0, 10.0, 30.0, 20.0])
    case = Case("ours", "ops/s", lambda: Figure(next(figures), {"p99 ms": 5.0}))
    # when timed for three rounds
    [row] = time_cases("demo", [case], 3, say=lambda _: None)
    # then the warm-up is left out of the median, min and max
    assert (row.median, row.low, row.high, row.rounds) == (20.0, 10.0, 30.0, 3)
    assert row.extra == {"p99 ms": 5.0}
    assert row.ratio is None


def test_the_ratio_is_the_medians_side_by_side_inverted_when_lower_is_better() -> None:
    # given a case and its baseline, and a latency case where lower is better
    ours = Case("ours", "ops/s", _sequence(0, 50, 50).measure, baseline="bare")
    bare = Case("bare", "ops/s", _sequence(0, 100, 100).measure)
    slow = Case("slow", "ms", _sequence(0, 40, 40).measure, baseline="fast", higher_is_better=False)
    fast = Case("fast", "ms", _sequence(0, 10, 10).measure)
    # when timed together
    rows = {row.case: row for row in time_cases("demo", [ours, bare, slow, fast], 2, print)}
    # then each ratio compares the medians of the same run
    assert rows["ours"].ratio == 0.5
    assert rows["slow"].ratio == 0.25
    assert rows["bare"].ratio is None


def test_a_one_off_case_runs_once_without_a_warm_up() -> None:
    # given a case allowed one round and no warm-up
    calls: list[int] = []

    def measure() -> Figure:
        calls.append(1)
        return Figure(7.0)

    case = Case("deep", "orders/s", measure, rounds=1, warm_up=False)
    # when the run asks for five rounds
    [row] = time_cases("demo", [case], 5, say=lambda _: None)
    # then it ran exactly once
    assert calls == [1]
    assert row.rounds == 1


def test_a_ratio_far_below_one_keeps_two_significant_digits_in_the_table() -> None:
    # given a latency case 2,500 times slower than its baseline, and one 0.5 times as fast
    slow = Case("hub", "ms", _sequence(0, 500).measure, baseline="bare", higher_is_better=False)
    fast = Case("bare", "ms", _sequence(0, 0.2).measure)
    half = Case("half", "ops/s", _sequence(0, 50).measure, baseline="full")
    full = Case("full", "ops/s", _sequence(0, 100).measure)
    rows = time_cases("demo", [slow, fast, half, full], 1, say=lambda _: None)
    # when the table is made
    text = table(rows)
    # then the tiny ratio is not rounded to zero, and the usual one keeps two decimals
    assert "| 0.0004× bare |" in text
    assert "| 0.50× full |" in text


def test_the_doc_table_is_replaced_between_the_markers_only(tmp_path: Path) -> None:
    # given a doc with text around the markers
    doc = tmp_path / "performance.md"
    doc.write_text(f"intro\n{TABLE_BEGIN}\nold table\n{TABLE_END}\noutro\n")
    [row] = time_cases("demo", [_sequence(0, 3)], 1, say=lambda _: None)
    # when the table is written
    write_table(doc, Report(rows=[row]), "note")
    # then only the part between the markers changed
    text = doc.read_text()
    assert text.startswith(f"intro\n{TABLE_BEGIN}\nnote\n\n| scenario |")
    assert "| demo | x | 3.00 | 3.00 | 3.00 | ops/s | — |  |" in text
    assert text.endswith(f"{TABLE_END}\noutro\n")
    assert "old table" not in text


def test_a_doc_without_the_markers_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    # given a doc without markers
    doc = tmp_path / "performance.md"
    doc.write_text("no markers\n")
    # when a table is written into it
    with pytest.raises(ValueError, match="has no"):
        write_table(doc, Report(), "note")
    # then it is unchanged
    assert doc.read_text() == "no markers\n"


def test_plain_modules_with_run_are_run_once_and_their_output_kept(tmp_path: Path) -> None:
    # given an old-style module that prints its figures, and a module without run()
    (tmp_path / "bench_old.py").write_text("def run() -> None:\n    print('42 things/s')\n")
    (tmp_path / "bench_helper.py").write_text("VALUE = 1\n")
    (tmp_path / "other.py").write_text("def run() -> None:\n    raise SystemExit(1)\n")
    # when the plain modules run
    printed = run_plain(tmp_path, say=lambda _: None)
    # then only bench_*.py modules with run() ran, and what they printed is kept
    assert list(printed) == ["bench_old"]
    assert printed["bench_old"].startswith("42 things/s\n(")
