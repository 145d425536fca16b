"""Values for people, the same in the hub and the desk: dates, counts, payment methods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from crossdock.core.display import (
    EMPTY,
    format_amount,
    format_date,
    format_datetime,
    payment_method_name,
    plural,
    tracking_html,
)


def test_a_datetime_reads_day_month_year_time_and_zone() -> None:
    moment = datetime(2026, 11, 29, 16, 59, 7, tzinfo=UTC)

    assert format_datetime(moment) == "29 Nov 2026, 16:59 UTC"
    assert format_datetime(moment, seconds=True) == "29 Nov 2026, 16:59:07 UTC"
    assert format_datetime(datetime(2026, 3, 2, 8, 5, tzinfo=UTC)) == "2 Mar 2026, 08:05 UTC"


def test_a_datetime_is_shown_in_the_zone_asked_for_and_names_it() -> None:
    berlin = timezone(timedelta(hours=1), "CET")
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)

    assert format_datetime(moment, zone=berlin) == "1 Jan 2027, 00:30 CET"


def test_a_date_reads_day_month_year() -> None:
    assert format_date(date(2026, 11, 29)) == "29 Nov 2026"
    assert format_date(datetime(2026, 11, 29, 23, 0, tzinfo=timezone(timedelta(hours=-5)))) == (
        "30 Nov 2026"
    )


def test_nothing_reads_as_the_one_placeholder_or_what_the_page_asks() -> None:
    assert (format_date(None), format_datetime(None)) == (EMPTY, EMPTY)
    assert EMPTY == "—"
    assert format_datetime(None, "never") == "never"


def test_amounts_have_two_places_separated_thousands_and_the_currency() -> None:
    assert format_amount(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
    assert format_amount(Decimal("0"), "") == "0.00"
    assert format_amount(None, "EUR") == EMPTY


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 orders"), (1, "1 order"), (2, "2 orders"), (1204, "1,204 orders")],
)
def test_counts_take_the_right_noun(count: int, text: str) -> None:
    assert plural(count, "order") == text


def test_an_irregular_plural_is_given() -> None:
    assert plural(3, "web process", "web processes") == "3 web processes"
    assert plural(1, "web process", "web processes") == "1 web process"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("bank_transfer", "Bank transfer"),
        ("paypal", "PayPal"),
        ("klarna", "Klarna"),
        ("credit-card", "Credit card"),
        ("store_credit", "Store credit"),
        ("Credit card", "Credit card"),
        ("iDEAL", "iDEAL"),
        ("", ""),
    ],
)
def test_payment_methods_read_as_words(code: str, words: str) -> None:
    assert payment_method_name(code) == words


def test_a_tracking_number_links_to_its_carrier_or_stays_text() -> None:
    assert tracking_html("RoyalMail", "AB1<2>") == (
        '<a href="https://www.royalmail.com/track-your-item#/tracking-results/AB1%3C2%3E" '
        'rel="noopener noreferrer">AB1&lt;2&gt;</a>'
    )
    assert tracking_html("Pigeon Post", "P<1>") == "P&lt;1&gt;"
    assert tracking_html("UPS", " ") == EMPTY
