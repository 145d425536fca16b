"""Protocol dates and safe XML parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from crossdock.customstore.dates import (
    DateError,
    format_wire_datetime,
    parse_ship_date,
    parse_wire_datetime,
)
from crossdock.customstore.safexml import (
    MalformedXmlError,
    UnsafeXmlError,
    XmlTooLargeError,
    parse_untrusted,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/27/2026 14:05", datetime(2026, 11, 27, 14, 5, tzinfo=UTC)),
        ("1/2/2026 3:04", datetime(2026, 1, 2, 3, 4, tzinfo=UTC)),
        ("01/02/26 03:04:59", datetime(2026, 1, 2, 3, 4, 59, tzinfo=UTC)),
        ("11/27/2026 2:05 PM", datetime(2026, 11, 27, 14, 5, tzinfo=UTC)),
        ("11/27/2026 12:05 AM", datetime(2026, 11, 27, 0, 5, tzinfo=UTC)),
        ("11/27/2026 14:05 PM", datetime(2026, 11, 27, 14, 5, tzinfo=UTC)),
        ("11272026 1405", datetime(2026, 11, 27, 14, 5, tzinfo=UTC)),
        ("2026-11-27T14:05:00Z", datetime(2026, 11, 27, 14, 5, tzinfo=UTC)),
        ("2026-11-27T15:05:00+01:00", datetime(2026, 11, 27, 14, 5, tzinfo=UTC)),
        ("11/27/2026", datetime(2026, 11, 27, tzinfo=UTC)),
    ],
)
def test_the_reader_accepts_every_shape_seen_in_the_wild(text: str, expected: datetime) -> None:
    assert parse_wire_datetime(text) == expected


@pytest.mark.parametrize("text", ["", "13/40/2026 10:00", "yesterday", "11/27/2026 25:00"])
def test_the_reader_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(DateError):
        parse_wire_datetime(text)


def test_the_writer_emits_utc_minutes_only() -> None:
    berlin = timezone(timedelta(hours=1))

    assert format_wire_datetime(datetime(2026, 3, 4, 5, 6, 59, tzinfo=berlin)) == "03/04/2026 04:06"
    with pytest.raises(DateError):
        format_wire_datetime(datetime(2026, 3, 4))


def test_ship_date_is_a_date() -> None:
    assert parse_ship_date("11/27/2026") == date(2026, 11, 27)


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        b'<!DOCTYPE x SYSTEM "http://example.com/x.dtd"><x/>',
        b"<x><!-- pad --></x><!doctype y>",
    ],
)
def test_doctype_and_entities_are_refused(body: bytes) -> None:
    with pytest.raises((UnsafeXmlError, MalformedXmlError)):
        parse_untrusted(body)


def test_oversize_and_malformed_bodies_are_refused() -> None:
    with pytest.raises(XmlTooLargeError):
        parse_untrusted(b"<x>" + b"a" * 100 + b"</x>", max_bytes=50)
    with pytest.raises(MalformedXmlError) as error:
        parse_untrusted(b"<x>\n<y></x>")
    assert error.value.line == 2


def test_a_plain_document_parses() -> None:
    assert parse_untrusted("<x>ü</x>".encode()).text == "ü"
