"""Carriers: the one home of carrier codes, display names and tracking links.

ShipStation reports a carrier as its own code (``USPS``, ``FedEx``, ``UPSMI``, ``stamps_com``
…) or, for some accounts, a numeric id. A fulfillment stores the value exactly as reported
and, beside it, the canonical code from :func:`canonical_carrier`, which each channel's
write-back then translates into the channel's own vocabulary.

People see a carrier by its name (:func:`carrier_name`: "Royal Mail", not ``RoyalMail``);
a tracking number links to the carrier's public tracking page where :data:`CARRIER_INFO`
has a template for it (:func:`tracking_url`), and that link travels with a write-back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote


class Carrier(StrEnum):
    """Canonical carrier codes (lower case, stable: they are stored)."""

    USPS = "usps"
    UPS = "ups"
    UPS_MAIL_INNOVATIONS = "ups_mail_innovations"
    FEDEX = "fedex"
    FEDEX_INTERNATIONAL_MAIL = "fedex_international_mail"
    DHL_EXPRESS = "dhl_express"
    DHL_ECOMMERCE = "dhl_ecommerce"
    CANADA_POST = "canada_post"
    ONTRAC = "ontrac"
    FIRSTMILE = "firstmile"
    ASENDIA = "asendia"
    ROYAL_MAIL = "royal_mail"
    APC = "apc"
    AUSTRALIA_POST = "australia_post"
    PUROLATOR = "purolator"
    LASERSHIP = "lasership"
    AMAZON_SHIPPING = "amazon_shipping"
    DPD = "dpd"
    GLS = "gls"
    EVRI = "evri"
    PARCELFORCE = "parcelforce"
    SENDLE = "sendle"
    OTHER = "other"


#: ShipStation codes, written without case, spaces, dashes or underscores.
_SHIPSTATION_CODES: dict[str, Carrier] = {
    "usps": Carrier.USPS,
    "stampscom": Carrier.USPS,
    "endicia": Carrier.USPS,
    "uspsstamps": Carrier.USPS,
    "ups": Carrier.UPS,
    "upswalleted": Carrier.UPS,
    "upsmi": Carrier.UPS_MAIL_INNOVATIONS,
    "upsmailinnovations": Carrier.UPS_MAIL_INNOVATIONS,
    "fedex": Carrier.FEDEX,
    "fedexwalleted": Carrier.FEDEX,
    "fedexuk": Carrier.FEDEX,
    "fedexinternationalmailservice": Carrier.FEDEX_INTERNATIONAL_MAIL,
    "dhl": Carrier.DHL_EXPRESS,
    "dhlexpress": Carrier.DHL_EXPRESS,
    "dhlexpressworldwide": Carrier.DHL_EXPRESS,
    "dhlexpressuk": Carrier.DHL_EXPRESS,
    "dhlexpressau": Carrier.DHL_EXPRESS,
    "dhlexpressca": Carrier.DHL_EXPRESS,
    "dhlglobalmail": Carrier.DHL_ECOMMERCE,
    "dhlecommerce": Carrier.DHL_ECOMMERCE,
    "canadapost": Carrier.CANADA_POST,
    "ontrac": Carrier.ONTRAC,
    "firstmile": Carrier.FIRSTMILE,
    "asendia": Carrier.ASENDIA,
    "royalmail": Carrier.ROYAL_MAIL,
    "apc": Carrier.APC,
    "australiapost": Carrier.AUSTRALIA_POST,
    "purolator": Carrier.PUROLATOR,
    "purolatorca": Carrier.PUROLATOR,
    "lasership": Carrier.LASERSHIP,
    "amazonbuyshipping": Carrier.AMAZON_SHIPPING,
    "amazonshippingus": Carrier.AMAZON_SHIPPING,
    "amazonshipping": Carrier.AMAZON_SHIPPING,
    "dpd": Carrier.DPD,
    "dpduk": Carrier.DPD,
    "gls": Carrier.GLS,
    "evri": Carrier.EVRI,
    "hermes": Carrier.EVRI,
    "parcelforce": Carrier.PARCELFORCE,
    "sendle": Carrier.SENDLE,
    "other": Carrier.OTHER,
}

_NOISE = re.compile(r"[\s_\-.]+")


def canonical_carrier(code: str) -> Carrier:
    """The canonical carrier for a reported code; :attr:`Carrier.OTHER` when unknown.

    Matching ignores case, white space, dashes, dots and underscores, so ``FedEx``,
    ``fedex`` and ``Fed-Ex`` agree; canonical codes map to themselves. Numeric ids and
    unknown names are ``other``: the reported value is kept beside it for a human.
    """
    key = _NOISE.sub("", code).casefold()
    return _SHIPSTATION_CODES.get(key) or _CANONICAL.get(key, Carrier.OTHER)


_CANONICAL: dict[str, Carrier] = {_NOISE.sub("", c.value): c for c in Carrier}


@dataclass(frozen=True, slots=True)
class CarrierInfo:
    """How people and ShipStation name a carrier, and where its parcels are tracked."""

    #: The name people read: "Royal Mail", "DHL Express".
    name: str
    #: ShipStation's code, as a ship notice carries it; ``""``: ShipStation has none.
    shipstation_code: str = ""
    #: The public tracking page, ``{}`` standing for the (URL-quoted) tracking number.
    tracking_url: str = ""


_DHL_TRACKING = "https://www.dhl.com/global-en/home/tracking.html?tracking-id={}"
_UPS_TRACKING = "https://www.ups.com/track?tracknum={}"
_FEDEX_TRACKING = "https://www.fedex.com/fedextrack/?trknbr={}"

#: Every canonical carrier: its name, ShipStation code and tracking page (in menu order).
CARRIER_INFO: dict[Carrier, CarrierInfo] = {
    Carrier.USPS: CarrierInfo(
        "USPS", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={}"
    ),
    Carrier.UPS: CarrierInfo("UPS", "UPS", _UPS_TRACKING),
    Carrier.FEDEX: CarrierInfo("FedEx", "FedEx", _FEDEX_TRACKING),
    Carrier.DHL_EXPRESS: CarrierInfo("DHL Express", "DHL", _DHL_TRACKING),
    Carrier.DHL_ECOMMERCE: CarrierInfo("DHL eCommerce", "DHLGlobalMail", _DHL_TRACKING),
    Carrier.UPS_MAIL_INNOVATIONS: CarrierInfo("UPS Mail Innovations", "UPSMI", _UPS_TRACKING),
    Carrier.FEDEX_INTERNATIONAL_MAIL: CarrierInfo(
        "FedEx International Mail Service", "FedExInternationalMailService", _FEDEX_TRACKING
    ),
    Carrier.CANADA_POST: CarrierInfo(
        "Canada Post",
        "CanadaPost",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={}",
    ),
    Carrier.ONTRAC: CarrierInfo("OnTrac", "OnTrac", "https://www.ontrac.com/tracking/?number={}"),
    Carrier.FIRSTMILE: CarrierInfo(
        "FirstMile", "FirstMile", "https://track.firstmile.com/detail.php?n={}"
    ),
    Carrier.ASENDIA: CarrierInfo(
        "Asendia", "Asendia", "https://a1.asendiausa.com/tracking/?trackingnumber={}"
    ),
    Carrier.ROYAL_MAIL: CarrierInfo(
        "Royal Mail", "RoyalMail", "https://www.royalmail.com/track-your-item#/tracking-results/{}"
    ),
    Carrier.APC: CarrierInfo(
        "APC", "APC", "https://us.mytracking.net/APC/track/TrackDetails.aspx?t={}"
    ),
    Carrier.AUSTRALIA_POST: CarrierInfo(
        "Australia Post", "", "https://auspost.com.au/mypost/track/#/details/{}"
    ),
    Carrier.PUROLATOR: CarrierInfo(
        "Purolator", "", "https://www.purolator.com/en/shipping/tracker?pin={}"
    ),
    Carrier.LASERSHIP: CarrierInfo("LaserShip", "", "https://www.lasership.com/track/{}"),
    Carrier.AMAZON_SHIPPING: CarrierInfo(
        "Amazon Shipping", "", "https://track.amazon.com/tracking/{}"
    ),
    Carrier.DPD: CarrierInfo("DPD", "", "https://tracking.dpd.de/status/en_US/parcel/{}"),
    Carrier.GLS: CarrierInfo("GLS", "", "https://gls-group.com/track/{}"),
    Carrier.EVRI: CarrierInfo("Evri", "", "https://www.evri.com/track/parcel/{}"),
    Carrier.PARCELFORCE: CarrierInfo(
        "Parcelforce", "", "https://www.parcelforce.com/track-trace?trackNumber={}"
    ),
    Carrier.SENDLE: CarrierInfo("Sendle", "", "https://track.sendle.com/tracking?ref={}"),
    Carrier.OTHER: CarrierInfo("Other", "Other"),
}

#: ShipStation's carrier codes a shipping desk offers, with their names, in menu order.
SHIPSTATION_CARRIERS: dict[str, str] = {
    info.shipstation_code: info.name for info in CARRIER_INFO.values() if info.shipstation_code
}


def carrier_name(code: str) -> str:
    """The name people read for a reported or canonical carrier code.

    ``RoyalMail``, ``royal_mail`` and ``Royal Mail`` are all "Royal Mail". A carrier
    Crossdock does not know (a numeric id, a local courier) is shown as reported.
    """
    carrier = canonical_carrier(code)
    if carrier is Carrier.OTHER:
        return CARRIER_INFO[carrier].name if code.strip().casefold() == "other" else code.strip()
    return CARRIER_INFO[carrier].name


def tracking_url(code: str, tracking_number: str) -> str:
    """The carrier's public tracking page for a shipment; ``""`` when there is none.

    ``code`` is a reported or canonical carrier code. The number is URL-quoted whole, so
    a number can never steer the link off the carrier's own page.
    """
    template = CARRIER_INFO[canonical_carrier(code)].tracking_url
    number = tracking_number.strip()
    if not template or not number:
        return ""
    return template.format(quote(number, safe=""))
