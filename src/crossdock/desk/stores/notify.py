"""When a shipment's ship notice is due: the store's "tell the store" setting, as a rule.

Pure. ShipStation's store-level options (help: "How do I delay my shipment notifications?")
are on label creation, N hours after it, or at a set time on the ship date (always US
Pacific time there); the desk offers the same plus *never*, and reads the set time in the
merchant's own time zone. A packer may override the store's rule for one shipment
(*immediately* or *never*).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class NotifyStore(StrEnum):
    IMMEDIATELY = "immediately"
    AFTER_HOURS = "after_hours"
    AT_TIME = "at_time"
    NEVER = "never"


NOTIFY_STORE_LABELS: dict[NotifyStore, str] = {
    NotifyStore.IMMEDIATELY: "As soon as a shipment is made",
    NotifyStore.AFTER_HOURS: "A number of hours after the label is made",
    NotifyStore.AT_TIME: "At a time of day on the ship date (the store's time zone)",
    NotifyStore.NEVER: "Never",
}

#: What a packer may choose for one shipment instead of the store's rule.
OVERRIDES = (NotifyStore.IMMEDIATELY, NotifyStore.NEVER)
MAX_DELAY_HOURS = 168


@dataclass(frozen=True, slots=True)
class NotifyRule:
    """A store's setting: the mode, and the delay or time of day the mode uses."""

    mode: NotifyStore
    delay_hours: int = 2
    at_time: time = time(17, 0)
    time_zone: str = "UTC"


def is_time_zone(name: str) -> bool:
    """An IANA time zone name this machine knows (``Europe/London``, ``UTC`` …)."""
    if name not in available_timezones() and name != "UTC":
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def time_zone_names() -> list[str]:
    return sorted(available_timezones() | {"UTC"})


def notice_due_at(
    rule: NotifyRule,
    *,
    label_created_at: datetime,
    ship_date: date,
    override: NotifyStore | None = None,
) -> datetime | None:
    """The aware UTC moment the notice is due, or ``None`` when the store is never told.

    A set time already past (a label made after it, or a ship date in the past) is due at
    once: a late notice is better than none.
    """
    mode = override or rule.mode
    if mode == NotifyStore.NEVER:
        return None
    if mode == NotifyStore.AFTER_HOURS:
        return label_created_at + timedelta(hours=rule.delay_hours)
    if mode == NotifyStore.AT_TIME:
        local = datetime.combine(ship_date, rule.at_time, tzinfo=ZoneInfo(rule.time_zone))
        return max(local.astimezone(UTC), label_created_at)
    return label_created_at
