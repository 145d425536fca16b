"""``crossdock customstore check`` as a user runs it, against the desk's quirky test store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from crossdock.cli.root import app
from tests.fixtures.independent_store import IndependentStore, full_order

runner = CliRunner()


def _args(store: IndependentStore, *more: str) -> list[str]:
    return ["customstore", "check", store.url, "--username", store.username, *more]


def test_the_quirky_store_is_reported_check_by_check(
    independent_store: IndependentStore,
) -> None:
    # given the independent store with two orders (12-hour dates, no pages attribute,
    # an element of its own, and notices answered 200 whatever they hold)
    now = datetime.now(UTC)
    independent_store.orders = [
        full_order("1001", now - timedelta(hours=1)),
        full_order("1002", now - timedelta(hours=2)),
    ]

    # when it is checked with notices, as JSON, the password read from stdin
    result = runner.invoke(
        app,
        _args(independent_store, "--password-stdin", "--write-order", "1001", "--format", "json"),
        input=f"{independent_store.password}\n",
    )

    # then each quirk is reported by name and the command exits 1
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    verdicts = {check["name"]: check["verdict"] for check in report["checks"]}
    assert {name: v for name, v in verdicts.items() if v != "pass"} == {
        "export.schema": "fail",
        "dates.format": "warn",
        "paging.pages": "warn",
        "notify.repeat": "warn",
        "notify.malformed": "fail",
    }
    evidence = {check["name"]: check["evidence"] for check in report["checks"]}
    assert evidence["export.schema"] == (
        "1 element breaks the XSD: <ThisStoreOnlyElement> This element is not expected. "
        "(page 1 order 1002, page 1 order 1001)."
    )
    assert report["wrote_to_store"] is True
    assert report["passed"] is False
    assert len(independent_store.notices) == 4
    assert independent_store.password not in result.stdout


def test_a_read_only_check_posts_nothing_and_prints_one_line_per_check(
    independent_store: IndependentStore,
) -> None:
    # given the independent store with one order
    independent_store.orders = [full_order("1001", datetime.now(UTC) - timedelta(hours=1))]

    # when it is checked without --write-order, as text
    result = runner.invoke(app, _args(independent_store, "--password", independent_store.password))

    # then no notice was posted and the warnings alone do not fail the run
    assert result.exit_code == 1, result.output  # the schema check fails
    assert independent_store.notices == []
    assert "fail     export.schema" in result.stdout
    assert "warn     dates.format" in result.stdout
    assert result.stdout.rstrip().endswith("15 passed, 2 warned, 1 failed")


def test_warnings_fail_only_with_strict(independent_store: IndependentStore) -> None:
    # given a store whose only problems are warnings: no order at all in the window
    independent_store.orders = []

    # when it is checked, then again with --strict
    plain = runner.invoke(app, _args(independent_store, "--password", independent_store.password))
    strict = runner.invoke(
        app, _args(independent_store, "--password", independent_store.password, "--strict")
    )

    # then the plain run passes and the strict one fails
    assert plain.exit_code == 0, plain.output
    assert "warn     orders.statuses" in plain.stdout
    assert strict.exit_code == 1


def test_html_output_is_one_escaped_page(independent_store: IndependentStore) -> None:
    # given the independent store with one order
    independent_store.orders = [full_order("1001", datetime.now(UTC) - timedelta(hours=1))]

    # when the report is asked for as HTML
    result = runner.invoke(
        app,
        _args(independent_store, "--password", independent_store.password, "--format", "html"),
    )

    # then it is one page, with the schema failure escaped
    assert result.stdout.startswith("<!doctype html>")
    assert "&lt;ThisStoreOnlyElement&gt;" in result.stdout
    assert "<script" not in result.stdout


def test_usage_errors_exit_2_and_call_no_store(independent_store: IndependentStore) -> None:
    # given option sets that are wrong
    cases = {
        "--days must be between 1 and 366": _args(
            independent_store, "--password", "x", "--days", "0"
        ),
        "--max-pages must be between 1 and 500": _args(
            independent_store, "--password", "x", "--max-pages", "0"
        ),
        "give --password or --password-stdin, not both": _args(
            independent_store, "--password", "x", "--password-stdin"
        ),
        "URL must be an http:// or https:// address": [
            "customstore",
            "check",
            "ftp://store.example/",
            "--username",
            "u",
            "--password",
            "x",
        ],
    }

    # when each is run
    results = {message: runner.invoke(app, args) for message, args in cases.items()}

    # then each exits 2 naming the option, and the store heard nothing
    outcomes = {m: (r.exit_code, m in r.stderr) for m, r in results.items()}
    assert outcomes == dict.fromkeys(cases, (2, True))
    assert independent_store.exports == []
