"""Carriers: ShipStation's carrier vocabulary mapped onto Crossdock's canonical carrier codes.

ShipStation reports a carrier as its own code (``USPS``, ``FedEx``, ``UPSMI``, ``stamps_com``
…) or, for some accounts, a numeric id. A fulfillment stores the value exactly as reported
and, beside it, the canonical code from :func:`canonical_carrier`, which each channel's
write-back then translates into the channel's own vocabulary.
"""

from __future__ import annotations

import re
from enum import StrEnum


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
