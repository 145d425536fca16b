"""Query parameters of Custom Store calls: action, export window and page, notify values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crossdock.customstore.query import (
    Action,
    QueryError,
    parse_action,
    parse_export_query,
    parse_shipnotify_query,
)


@pytest.mark.parametrize(
    ("value", "action"), [("export", Action.EXPORT), ("ShipNotify", Action.SHIPNOTIFY)]
)
def test_the_two_actions_are_known(value: str, action: Action) -> None:
    assert parse_action({"action": value}) is action


@pytest.mark.parametrize("params", [{}, {"action": ""}, {"action": "cancel"}, {"action": "void"}])
def test_a_missing_or_unknown_action_names_the_parameter(params: dict[str, str]) -> None:
    with pytest.raises(QueryError) as error:
        parse_action(params)

    assert error.value.parameter == "action"


def test_the_window_widens_the_end_by_a_minute_and_pages_default_to_one() -> None:
    query = parse_export_query({"start_date": "11/27/2026 14:00", "end_date": "11/27/2026 15:30"})

    assert query.start == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    assert query.end == datetime(2026, 11, 27, 15, 31, tzinfo=UTC)
    assert query.end_date == datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    assert query.page == 1


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"end_date": "11/27/2026 15:30"}, "start_date"),
        ({"start_date": "yesterday", "end_date": "11/27/2026 15:30"}, "start_date"),
        ({"start_date": "11/27/2026 14:00", "end_date": "13/45/2026 10:00"}, "end_date"),
        ({"start_date": "11/27/2026 14:00"}, "end_date"),
        ({"start_date": "11/28/2026 14:00", "end_date": "11/27/2026 14:00"}, "start_date"),
        ({"start_date": "11/27/2026 14:00", "end_date": "11/27/2026 15:00", "page": "0"}, "page"),
        ({"start_date": "11/27/2026 14:00", "end_date": "11/27/2026 15:00", "page": "x"}, "page"),
        (
            {"start_date": "11/27/2026 14:00", "end_date": "11/27/2026 15:00", "page": "40000"},
            "page",
        ),
        # Dates at the edge of what a datetime holds, and digits that are not ASCII.
        ({"start_date": "11/27/2026 14:00", "end_date": "12/31/9999 23:59"}, "end_date"),
        ({"start_date": "0001-01-01T00:00+01:00", "end_date": "11/27/2026 14:00"}, "start_date"),
        ({"start_date": "11/27/2026 14:00", "end_date": "9999-12-31T23:59-12:00"}, "end_date"),
        ({"start_date": "١١/٢٧/٢٠٢٦ 14:00", "end_date": "11/27/2026 15:00"}, "start_date"),
    ],
)
def test_bad_values_name_their_parameter(params: dict[str, str], parameter: str) -> None:
    with pytest.raises(QueryError) as error:
        parse_export_query(params)

    assert error.value.parameter == parameter


def test_notify_values_are_trimmed_and_may_be_empty() -> None:
    query = parse_shipnotify_query({"order_number": " 1001 ", "carrier": "USPS", "service": ""})

    assert (query.order_number, query.carrier, query.service, query.tracking_number) == (
        "1001",
        "USPS",
        "",
        "",
    )
