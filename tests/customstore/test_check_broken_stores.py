"""The checker against deliberately broken fake stores: each bug is reported by name."""

from __future__ import annotations

from crossdock.customstore.check.report import Report, Verdict
from crossdock.desk.stores.diagnose import CheckOptions, run_check
from tests.fixtures.fake_stores import NOW, PASSWORD, URL, USERNAME, FakeStore, healthy_orders


def check(store: FakeStore, write_order: str | None = None) -> Report:
    options = CheckOptions(URL, USERNAME, PASSWORD, days=2, write_order=write_order)
    return run_check(options, transport=store.transport(), now=NOW)


def evidence(report: Report, name: str) -> str:
    return next(c.evidence for c in report.checks if c.name == name)


def test_a_healthy_fake_store_passes_everything() -> None:
    # given a store with none of the bugs
    store = FakeStore(healthy_orders())

    # when it is checked, notices included
    report = check(store, write_order="F-2")

    # then nothing warns or fails, and one shipment was recorded for two identical notices
    assert [c for c in report.checks if c.verdict != Verdict.PASS] == []
    assert report.exit_code(strict=True) == 0
    assert len(store.shipments) == 1


def test_offset_paging_that_loses_an_edited_order_is_reported() -> None:
    # given a store paging by offset while an order is edited between pages
    store = FakeStore(healthy_orders(), offset_paging_with_edits=True)

    # when it is checked
    report = check(store)

    # then the lost order is named, and the check fails
    assert report.verdict_of("paging.lost") == Verdict.FAIL
    assert "missed 1 order that a second walk of the same window served: F-3" in evidence(
        report, "paging.lost"
    )
    assert report.exit_code() == 1


def test_local_time_dates_are_reported_at_the_window_edges() -> None:
    # given a store writing LastModified in UTC-5 while it filters on UTC
    store = FakeStore(healthy_orders(), local_time_dates=True)

    # when it is checked
    report = check(store)

    # then every date lies inside the window, but the order is in neither adjacent window
    assert report.verdict_of("dates.window") == Verdict.PASS
    assert report.verdict_of("dates.edges") == Verdict.FAIL
    assert "is in neither the window ending" in evidence(report, "dates.edges")


def test_an_unescaped_ampersand_is_named_with_its_page_and_line() -> None:
    # given a store writing "Lima & Filhos" raw
    store = FakeStore(healthy_orders(), unescaped_ampersands=True)

    # when it is checked
    report = check(store)

    # then the XML and escaping checks fail, naming the ampersand
    assert report.verdict_of("export.xml") == Verdict.FAIL
    assert report.verdict_of("export.escaping") == Verdict.FAIL
    assert "page 1 is not well-formed XML at line 1" in evidence(report, "export.escaping")
    assert "an unescaped ampersand (write &amp;)" in evidence(report, "export.escaping")


def test_a_200_html_error_page_for_wrong_credentials_is_reported() -> None:
    # given a store answering a bad login with 200 and an HTML page
    store = FakeStore(healthy_orders(), html_error_pages=True)

    # when it is checked
    report = check(store)

    # then the wrong-credentials check fails and says why
    assert report.verdict_of("auth.wrong") == Verdict.FAIL
    assert evidence(report, "auth.wrong").startswith(
        "Wrong credentials were answered HTTP 200 (text/html) with an HTML error page"
    )


def test_a_store_recording_a_second_shipment_on_a_retry_is_reported() -> None:
    # given a store recording every notice it is sent, repeats and junk included
    store = FakeStore(healthy_orders(), duplicate_shipments=True, accepts_malformed_notices=True)

    # when it is checked with --write-order
    report = check(store, write_order="F-1")

    # then the repeat and the malformed notices fail by name
    assert report.verdict_of("notify.accepted") == Verdict.PASS
    assert report.verdict_of("notify.repeat") == Verdict.FAIL
    assert "'OK: recorded shipment 1', then 'OK: recorded shipment 2'" in evidence(
        report, "notify.repeat"
    )
    assert evidence(report, "notify.malformed") == (
        "Accepted a malformed notice: a body that is not XML, a ShipDate that is no date."
    )


def test_no_request_writes_without_write_order_and_no_password_is_reported() -> None:
    # given a healthy store
    store = FakeStore(healthy_orders())

    # when it is checked read-only
    report = check(store)

    # then only GETs were sent, and the password appears nowhere in the report
    assert {request.method for request in store.requests} == {"GET"}
    assert store.shipments == []
    assert PASSWORD not in str(report.to_json())


def test_a_connection_lost_midway_keeps_the_verdicts_reached_so_far() -> None:
    # given a store that drops the connection when page 2 is asked for
    store = FakeStore(healthy_orders(), drops_connection_on_page=2)

    # when it is checked
    report = check(store)

    # then the login checks stand and a connection failure ends the report
    assert [(c.name, c.verdict) for c in report.checks] == [
        ("auth.basic", Verdict.PASS),
        ("export.content_type", Verdict.PASS),
        ("auth.query", Verdict.PASS),
        ("auth.wrong", Verdict.PASS),
        ("connection", Verdict.FAIL),
        ("timing.pages", Verdict.PASS),
    ]
    assert evidence(report, "connection") == (
        "Could not connect to host store.example: check the URL, and that the store is online."
    )
