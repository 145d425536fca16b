"""Carriers: ShipStation's carrier vocabulary, tracking links, and the adapter interface.

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
from urllib.parse import quote

#: ShipStation's carrier codes as a notice carries them, with their display names.
CARRIERS: dict[str, str] = {
    "USPS": "USPS",
    "UPS": "UPS",
    "FedEx": "FedEx",
    "DHL": "DHL Express",
    "DHLGlobalMail": "DHL eCommerce",
    "UPSMI": "UPS Mail Innovations",
    "FedExInternationalMailService": "FedEx International Mail Service",
    "CanadaPost": "Canada Post",
    "OnTrac": "OnTrac",
    "FirstMile": "FirstMile",
    "Asendia": "Asendia",
    "RoyalMail": "Royal Mail",
    "APC": "APC",
    "Other": "Other",
}

_TRACKING_URLS: dict[str, str] = {
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "UPS": "https://www.ups.com/track?tracknum={}",
    "UPSMI": "https://www.ups.com/track?tracknum={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={}",
    "DHLGlobalMail": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={}",
    "CanadaPost": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={}",
    "RoyalMail": "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    "OnTrac": "https://www.ontrac.com/tracking/?number={}",
}


def tracking_url(carrier: str, tracking_number: str) -> str:
    """The public tracking page of a shipment, or ``""`` when the desk knows none."""
    pattern = _TRACKING_URLS.get(carrier)
    if not pattern or not tracking_number:
        return ""
    return pattern.format(quote(tracking_number, safe=""))


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
