"""ShipStation carrier codes mapped to canonical carriers."""

from __future__ import annotations

import pytest

from crossdock.core.carriers import Carrier, canonical_carrier


@pytest.mark.parametrize(
    ("reported", "canonical"),
    [
        ("USPS", Carrier.USPS),
        ("stamps_com", Carrier.USPS),
        ("UPS", Carrier.UPS),
        ("UPSMI", Carrier.UPS_MAIL_INNOVATIONS),
        ("FedEx", Carrier.FEDEX),
        ("fedex", Carrier.FEDEX),
        ("FedExInternationalMailService", Carrier.FEDEX_INTERNATIONAL_MAIL),
        ("DHL", Carrier.DHL_EXPRESS),
        ("DHLGlobalMail", Carrier.DHL_ECOMMERCE),
        ("CanadaPost", Carrier.CANADA_POST),
        ("OnTrac", Carrier.ONTRAC),
        ("FirstMile", Carrier.FIRSTMILE),
        ("Asendia", Carrier.ASENDIA),
        ("RoyalMail", Carrier.ROYAL_MAIL),
        ("APC", Carrier.APC),
        ("Other", Carrier.OTHER),
        ("royal_mail", Carrier.ROYAL_MAIL),
        ("12345", Carrier.OTHER),
        ("Pigeon Post", Carrier.OTHER),
        ("", Carrier.OTHER),
    ],
)
def test_reported_codes_map_to_canonical_carriers(reported: str, canonical: Carrier) -> None:
    assert canonical_carrier(reported) is canonical
