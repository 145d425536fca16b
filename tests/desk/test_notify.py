"""When a ship notice is due: the store's "tell the store" rule and the per-shipment override."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from crossdock.desk.stores.notify import NotifyRule, NotifyStore, is_time_zone, notice_due_at

LABEL = datetime(2026, 7, 1, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "ship_date", "due"),
    [
        (NotifyRule(NotifyStore.IMMEDIATELY), date(2026, 7, 1), LABEL),
        (
            NotifyRule(NotifyStore.AFTER_HOURS, delay_hours=6),
            date(2026, 7, 1),
            LABEL + timedelta(hours=6),
        ),
        # 17:00 in New York in July (EDT, UTC-4) is 21:00 UTC
        (
            NotifyRule(NotifyStore.AT_TIME, at_time=time(17, 0), time_zone="America/New_York"),
            date(2026, 7, 1),
            datetime(2026, 7, 1, 21, 0, tzinfo=UTC),
        ),
        # the same wall-clock time in January (EST, UTC-5) on a later ship date
        (
            NotifyRule(NotifyStore.AT_TIME, at_time=time(17, 0), time_zone="America/New_York"),
            date(2027, 1, 4),
            datetime(2027, 1, 4, 22, 0, tzinfo=UTC),
        ),
        # a time of day already past when the label is made: due at once
        (
            NotifyRule(NotifyStore.AT_TIME, at_time=time(9, 0), time_zone="Europe/London"),
            date(2026, 7, 1),
            LABEL,
        ),
        (NotifyRule(NotifyStore.NEVER), date(2026, 7, 1), None),
    ],
)
def test_each_rule_gives_its_due_moment(
    rule: NotifyRule, ship_date: date, due: datetime | None
) -> None:
    assert notice_due_at(rule, label_created_at=LABEL, ship_date=ship_date) == due


def test_the_per_shipment_override_beats_the_store_rule() -> None:
    delayed = NotifyRule(NotifyStore.AFTER_HOURS, delay_hours=6)
    never = NotifyRule(NotifyStore.NEVER)

    assert (
        notice_due_at(
            delayed, label_created_at=LABEL, ship_date=LABEL.date(), override=NotifyStore.NEVER
        )
        is None
    )
    assert (
        notice_due_at(
            never, label_created_at=LABEL, ship_date=LABEL.date(), override=NotifyStore.IMMEDIATELY
        )
        == LABEL
    )


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("UTC", True),
        ("Europe/London", True),
        ("Mars/Olympus", False),
        ("../etc/passwd", False),
        ("", False),
    ],
)
def test_time_zone_names_are_checked(name: str, known: bool) -> None:
    assert is_time_zone(name) is known
