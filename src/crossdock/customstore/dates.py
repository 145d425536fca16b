"""Dates on the Custom Store wire: always UTC, ``MM/dd/yyyy HH:mm`` when written.

ShipStation sends minute-resolution, 24-hour dates; real stores write many other shapes, so
the reader is tolerant (one-digit parts, two-digit years, seconds, AM/PM, a compact
``MMDDYYYY?HHMM`` form, ISO 8601) while the writer emits exactly one form.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

WIRE_FORMAT = "%m/%d/%Y %H:%M"
SHIP_DATE_FORMAT = "%m/%d/%Y"


class DateError(ValueError):
    """A value that is not a date in any form the protocol allows."""


_US = re.compile(
    r"""^\s*
    (?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{2}|\d{4})
    (?:[\sT]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?
       \s*(?P<meridiem>[AaPp][Mm])?)?
    \s*(?:UTC|Z|GMT)?\s*$""",
    re.VERBOSE | re.ASCII,
)
_COMPACT = re.compile(
    r"^\s*(?P<month>\d{2})(?P<day>\d{2})(?P<year>\d{4})\D?(?P<hour>\d{2})(?P<minute>\d{2})\s*$",
    re.ASCII,
)


def format_wire_datetime(moment: datetime) -> str:
    """``moment`` in UTC as ``MM/dd/yyyy HH:mm`` (seconds dropped, never rounded up)."""
    if moment.tzinfo is None:
        raise DateError("refusing to write a naive datetime: the protocol is UTC")
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if moment.year < 1000:
        return moment.strftime(WIRE_FORMAT)
    # WIRE_FORMAT, without strftime's cost (a year of four digits, as %Y writes it).
    return "%02d/%02d/%d %02d:%02d" % (  # noqa: UP031 - the fastest of the three spellings
        moment.month,
        moment.day,
        moment.year,
        moment.hour,
        moment.minute,
    )


def format_ship_date(day: date) -> str:
    return day.strftime(SHIP_DATE_FORMAT)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _hour(hour: int, meridiem: str | None) -> int:
    if meridiem is None or hour > 12:
        # A 24-hour value with a stray AM/PM suffix: the suffix is noise.
        return hour
    if meridiem.lower() == "am":
        return 0 if hour == 12 else hour
    return hour if hour == 12 else hour + 12


def parse_wire_datetime(text: str) -> datetime:
    """Read a protocol date tolerantly; naive values are UTC. Raises :class:`DateError`."""
    if not text or not text.strip():
        raise DateError("empty date")
    match = _US.match(text) or _COMPACT.match(text)
    try:
        if match:
            parts = match.groupdict()
            hour = _hour(int(parts.get("hour") or 0), parts.get("meridiem"))
            return datetime(
                _year(parts["year"]),
                int(parts["month"]),
                int(parts["day"]),
                hour,
                int(parts.get("minute") or 0),
                int(parts.get("second") or 0),
                tzinfo=UTC,
            )
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        # OverflowError: an offset that moves the moment past year 1 or 9999.
        raise DateError(f"not a date: {text[:40]!r}") from error


def parse_ship_date(text: str) -> date:
    """A notice's ``ShipDate`` (a date; a date-time is accepted and its date taken)."""
    return parse_wire_datetime(text).date()


def export_window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The half-open window ``[start, end + 1 minute)`` for minute-resolution bounds.

    Raises :class:`DateError` when ``end`` is the last representable minute.
    """
    try:
        return start, end + timedelta(minutes=1)
    except OverflowError as error:
        raise DateError(f"{end:%Y-%m-%d %H:%M} is past the last date there is") from error
