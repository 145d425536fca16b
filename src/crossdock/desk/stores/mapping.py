"""Status mapping: the store's own status strings onto the desk's five statuses.

Pure. Five fields (Unpaid, Paid, Shipped, Cancelled, On-Hold), each a comma-separated list of
store strings matched case-sensitively, as ShipStation's Custom Store form has them. An
order whose status string matches no field is not imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crossdock.desk.statuses import DeskStatus

#: (field name, desk status, label on the form), in the form's order.
MAPPING_FIELDS: tuple[tuple[str, DeskStatus, str], ...] = (
    ("unpaid", DeskStatus.AWAITING_PAYMENT, "Unpaid"),
    ("paid", DeskStatus.AWAITING_SHIPMENT, "Paid"),
    ("shipped", DeskStatus.SHIPPED, "Shipped"),
    ("cancelled", DeskStatus.CANCELLED, "Cancelled"),
    ("on_hold", DeskStatus.ON_HOLD, "On-Hold"),
)
FIELD_NAMES = tuple(name for name, _, _ in MAPPING_FIELDS)
MAX_FIELD_LENGTH = 500


class MappingError(ValueError):
    """One field of a mapping is unusable; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def split_statuses(text: str) -> tuple[str, ...]:
    """``"Paid, Processing"`` → ``("Paid", "Processing")``: trimmed, empties dropped."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class StatusMapping:
    unpaid: tuple[str, ...] = ()
    paid: tuple[str, ...] = ()
    shipped: tuple[str, ...] = ()
    cancelled: tuple[str, ...] = ()
    on_hold: tuple[str, ...] = ()

    @classmethod
    def parse(cls, fields: Mapping[str, str]) -> StatusMapping:
        """Build from the five comma-separated fields; a string may sit in one field only."""
        seen: dict[str, str] = {}
        values: dict[str, tuple[str, ...]] = {}
        for name, _, label in MAPPING_FIELDS:
            text = fields.get(name, "")
            if len(text) > MAX_FIELD_LENGTH:
                raise MappingError(name, f"at most {MAX_FIELD_LENGTH} characters")
            statuses = split_statuses(text)
            for status in statuses:
                if status in seen:
                    raise MappingError(name, f'"{status}" is already mapped to {seen[status]}')
                seen[status] = label
            values[name] = statuses
        if not seen:
            raise MappingError("paid", "map at least one store status")
        return cls(**values)

    def desk_status(self, store_status: str) -> DeskStatus | None:
        """The desk status of a store status string (exact, case-sensitive), or ``None``."""
        for name, status, _ in MAPPING_FIELDS:
            if store_status in getattr(self, name):
                return status
        return None

    def as_text(self) -> dict[str, str]:
        """The five fields as the form shows them."""
        return {name: ", ".join(getattr(self, name)) for name in FIELD_NAMES}


#: What Crossdock's own endpoint exports (the hub's standard statuses).
CROSSDOCK_DEFAULT = StatusMapping(
    unpaid=("unpaid",),
    paid=("paid", "partially_shipped"),
    shipped=("shipped",),
    cancelled=("cancelled",),
    on_hold=("on_hold",),
)
#: A starting point for any other store; the merchant adjusts it to the store's strings.
CUSTOM_DEFAULT = StatusMapping(
    unpaid=("unpaid", "pending"),
    paid=("paid", "processing"),
    shipped=("shipped", "completed"),
    cancelled=("cancelled", "refunded"),
    on_hold=("on_hold", "on-hold"),
)
