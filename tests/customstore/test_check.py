"""The pure conformance checks and the report, on hand-written answers."""

from __future__ import annotations

from datetime import UTC, datetime

from crossdock.customstore.check.answers import Exchange, Walk, parse_page
from crossdock.customstore.check.checks import (
    check_items,
    check_pages_attribute,
    check_schema,
    check_window,
    check_wrong_credentials,
)
from crossdock.customstore.check.report import Check, Report, Verdict, render_html

START = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


def order(
    number: str, modified: str = "11/25/2026 10:00", total: str = "27.00", extra: str = ""
) -> str:
    return (
        f"<Order><OrderID>{number}</OrderID><OrderNumber>{number}</OrderNumber>"
        f"<OrderDate>{modified}</OrderDate><OrderStatus>paid</OrderStatus>"
        f"<LastModified>{modified}</LastModified>{extra}<OrderTotal>{total}</OrderTotal>"
        "<TaxAmount>2.00</TaxAmount><ShippingAmount>5.00</ShippingAmount>"
        "<Customer><CustomerCode>c</CustomerCode><BillTo><Name>Ana</Name></BillTo>"
        "<ShipTo><Name>Ana</Name><Address1>1 Main St</Address1><City>Springfield</City>"
        "<State>IL</State><PostalCode>62701</PostalCode><Country>US</Country></ShipTo></Customer>"
        "<Items><Item><SKU>MUG</SKU><Name>Mug</Name><Quantity>2</Quantity>"
        "<UnitPrice>10.00</UnitPrice></Item></Items></Order>"
    )


def page(*orders: str, pages: str = "1") -> Exchange:
    body = f'<Orders pages="{pages}">{"".join(orders)}</Orders>'
    return Exchange(200, "application/xml", body.encode(), 12)


def walk(*pages: Exchange) -> Walk:
    return Walk(START, END, pages)


def test_the_schema_check_names_the_element_and_its_order() -> None:
    # given a page whose second order has a status element in the wrong place
    bad = order("B-2", extra="<Mood>happy</Mood>")

    # when it is checked against the XSD
    result = check_schema(walk(page(order("A-1"), bad)))

    # then the element and the order are named
    assert result == Check(
        "export.schema",
        Verdict.FAIL,
        "1 element breaks the XSD: <Mood> This element is not expected. (page 1 order B-2).",
    )


def test_an_unescaped_ampersand_is_named_with_line_and_column() -> None:
    # given a page with a raw ampersand
    broken = Exchange(200, "application/xml", b'<Orders pages="1">\n<Order>Lima & Filhos', 5)

    # when it is parsed
    parsed = parse_page(1, broken)

    # then the problem names the position and the fix
    assert parsed.problem == (
        "is not well-formed XML at line 2, column 14: an unescaped ampersand (write &amp;)"
    )


def test_a_date_five_hours_off_is_called_local_time() -> None:
    # given an order modified 5 hours after the window ends (written in UTC-5 … or UTC+5)
    late = order("L-1", modified="11/27/2026 05:00")

    # when the window is checked
    result = check_window(walk(page(late)))

    # then the order is named and local time suspected
    assert result.verdict == Verdict.FAIL
    assert result.evidence == (
        "Orders outside the window 11/20/2026 00:00 to 11/27/2026 00:00 UTC: order L-1 "
        "modified 11/27/2026 05:00 (a whole number of hours off: dates look like local "
        "time, not UTC)."
    )


def test_items_that_do_not_add_up_to_the_total_are_named() -> None:
    # given an order whose total leaves out the shipping
    result = check_items(walk(page(order("T-1", total="22.00"))))

    # then the sum is shown
    assert result == Check(
        "orders.items",
        Verdict.FAIL,
        "order T-1: items 20.00 + tax 2.00 + shipping 5.00 = 27.00, OrderTotal is 22.00.",
    )


def test_pages_that_disagree_are_reported() -> None:
    # given two pages announcing different totals
    result = check_pages_attribute(
        walk(page(order("A-1"), pages="2"), page(order("B-2"), pages="3"))
    )

    # then the disagreement is named
    assert result == Check("paging.pages", Verdict.FAIL, "pages differs from page to page (2, 3).")


def test_wrong_credentials_served_orders_is_a_failure() -> None:
    # given a store serving its orders to anyone
    result = check_wrong_credentials(page(order("A-1")))

    # then it fails, saying the password is not checked
    assert result == Check(
        "auth.wrong",
        Verdict.FAIL,
        "Wrong credentials were answered HTTP 200 (application/xml) with an <Orders> page "
        "(1 order): the store does not check the password.",
    )


def _report(*verdicts: Verdict) -> Report:
    checks = tuple(Check(f"c{n}", verdict, "<b>&</b>") for n, verdict in enumerate(verdicts))
    return Report("https://s.example/x", START, "a window", checks)


def test_exit_codes_follow_the_verdicts_and_strict() -> None:
    # given reports with and without warnings and failures
    # then warnings fail only under strict, failures always
    assert [
        (_report(Verdict.PASS).exit_code(), _report(Verdict.PASS).exit_code(strict=True)),
        (_report(Verdict.WARN).exit_code(), _report(Verdict.WARN).exit_code(strict=True)),
        (_report(Verdict.FAIL).exit_code(), _report(Verdict.FAIL).exit_code(strict=True)),
    ] == [(0, 0), (0, 1), (1, 1)]


def test_the_html_report_escapes_evidence() -> None:
    # given a report whose evidence holds markup
    page_html = render_html(_report(Verdict.WARN))

    # then the markup is escaped and the summary is there
    assert "<td>&lt;b&gt;&amp;&lt;/b&gt;</td>" in page_html
    assert "0 passed, 1 warned, 0 failed" in page_html
    assert "<b>" not in page_html
