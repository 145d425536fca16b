"""Carriers: the label adapter interface over the carrier vocabulary of ``core.carriers``.

A :class:`CarrierAdapter` turns a label request into a label. The built-in
:class:`ManualAdapter` records a label bought elsewhere (the packer types the tracking
number); adapters that buy labels from carrier APIs plug in beside it through
:data:`ADAPTERS`. Voids are local: ShipStation never reports a void to the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from crossdock.core.carriers import SHIPSTATION_CARRIERS
from crossdock.core.carriers import tracking_url as tracking_url  # the desk's name for it

#: ShipStation's carrier codes as a notice carries them, with their display names (the
#: one list lives in :mod:`crossdock.core.carriers`, with the tracking links).
CARRIERS = SHIPSTATION_CARRIERS


class LabelError(ValueError):
    """A label request the adapter refuses; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class LabelRequest:
    carrier: str
    service: str
    tracking_number: str
    shipping_cost: Decimal | None
    ship_date: date
    now: datetime


@dataclass(frozen=True, slots=True)
class Label:
    carrier: str
    service: str
    tracking_number: str
    shipping_cost: Decimal | None
    label_created_at: datetime


class CarrierAdapter(Protocol):
    code: str
    name: str

    def buy_label(self, request: LabelRequest) -> Label:
        """Produce the label (or record it); raise :class:`LabelError` on bad input."""
        ...

    def void_label(self, label: Label) -> None:
        """Void the label with the carrier (a refund where one is due)."""
        ...


class ManualAdapter:
    """Records a label bought elsewhere: the packer enters carrier, service and tracking."""

    code = "manual"
    name = "Label bought elsewhere (enter tracking)"

    def buy_label(self, request: LabelRequest) -> Label:
        if request.carrier not in CARRIERS:
            raise LabelError("carrier", f"unknown carrier {request.carrier!r}")
        tracking = request.tracking_number.strip()
        if request.carrier != "Other" and not tracking:
            raise LabelError("tracking_number", "enter the tracking number of the label")
        if len(tracking) > 100:
            raise LabelError("tracking_number", "at most 100 characters")
        if any(character.isspace() for character in tracking):
            raise LabelError("tracking_number", "a tracking number has no spaces")
        return Label(
            carrier=request.carrier,
            service=request.service.strip(),
            tracking_number=tracking,
            shipping_cost=request.shipping_cost,
            label_created_at=request.now,
        )

    def void_label(self, label: Label) -> None:
        """Nothing to tell a carrier: the label was bought elsewhere."""


ADAPTERS: dict[str, CarrierAdapter] = {ManualAdapter.code: ManualAdapter()}


def adapter_for(code: str) -> CarrierAdapter:
    try:
        return ADAPTERS[code]
    except KeyError as error:
        raise LabelError("adapter", f"no carrier adapter {code!r}") from error
