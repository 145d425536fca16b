"""The query string of a Custom Store call: which action, and its parameters.

ShipStation appends ``action`` and the action's parameters to the URL the merchant typed
(form-encoded; the caller passes the decoded values). A value that cannot be used raises
:class:`QueryError` naming the parameter, so the answer can say exactly what was wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from crossdock.customstore.dates import DateError, export_window, parse_wire_datetime
from crossdock.customstore.text import strip_forbidden

#: ``pages`` is an ``xs:short``: no page past this exists.
MAX_PAGE = 32767


class Action(StrEnum):
    EXPORT = "export"
    SHIPNOTIFY = "shipnotify"


class QueryError(ValueError):
    """A parameter is missing or unusable; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """An export call: orders modified in ``[start, end)`` (``end`` already widened), page."""

    start: datetime
    end: datetime
    page: int
    #: The bounds as ShipStation sent them, minute resolution (they name the paging run).
    start_date: datetime
    end_date: datetime


@dataclass(frozen=True, slots=True)
class ShipNotifyQuery:
    """The query values of a ship notify call; the body, when present, takes precedence."""

    order_number: str
    carrier: str
    service: str
    tracking_number: str


def _value(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    return value.strip() if value is not None else ""


def parse_action(params: Mapping[str, str]) -> Action:
    """The ``action`` of a call (case-insensitive); unknown or missing raises."""
    value = _value(params, "action")
    if not value:
        raise QueryError("action", "missing; expected export or shipnotify")
    try:
        return Action(value.lower())
    except ValueError as error:
        raise QueryError(
            "action", f"unknown action {value[:30]!r}; expected export or shipnotify"
        ) from error


def _date(params: Mapping[str, str], name: str) -> datetime:
    value = _value(params, name)
    if not value:
        raise QueryError(name, "missing; expected MM/dd/yyyy HH:mm (UTC)")
    try:
        return parse_wire_datetime(value)
    except DateError as error:
        raise QueryError(
            name, f"{value[:40]!r} is not a date; expected MM/dd/yyyy HH:mm (UTC)"
        ) from error


def _page(params: Mapping[str, str]) -> int:
    value = _value(params, "page")
    if not value:
        return 1
    if not value.isascii() or not value.isdigit():
        raise QueryError("page", f"{value[:20]!r} is not a page number")
    page = int(value)
    if page < 1 or page > MAX_PAGE:
        raise QueryError("page", f"{page} is not between 1 and {MAX_PAGE}")
    return page


def parse_export_query(params: Mapping[str, str]) -> ExportQuery:
    """``start_date``, ``end_date`` (both required) and ``page`` (default 1).

    Bounds have minute resolution and are inclusive, so the window read is
    ``start <= modified < end + 1 minute``; a start after the end raises.
    """
    start_date = _date(params, "start_date")
    end_date = _date(params, "end_date")
    if start_date > end_date:
        raise QueryError("start_date", "is after end_date")
    try:
        start, end = export_window(start_date, end_date)
    except DateError as error:
        raise QueryError("end_date", str(error)) from error
    return ExportQuery(
        start=start, end=end, page=_page(params), start_date=start_date, end_date=end_date
    )


def parse_shipnotify_query(params: Mapping[str, str]) -> ShipNotifyQuery:
    """The values ShipStation appends to a notify call; any of them may be empty.

    They are stored and looked up like a notice's text, so what XML 1.0 cannot carry
    (``%00`` and other control characters) is dropped as it would be from a body.
    """

    def text(name: str) -> str:
        return strip_forbidden(_value(params, name)).strip()

    return ShipNotifyQuery(
        order_number=text("order_number"),
        carrier=text("carrier"),
        service=text("service"),
        tracking_number=text("tracking_number"),
    )
