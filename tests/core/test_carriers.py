"""Carriers: ShipStation codes mapped to canonical ones, names for people, tracking pages."""

from __future__ import annotations

import pytest

from crossdock.core.carriers import (
    CARRIER_INFO,
    SHIPSTATION_CARRIERS,
    Carrier,
    canonical_carrier,
    carrier_name,
    tracking_url,
)


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


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("RoyalMail", "Royal Mail"),
        ("royal_mail", "Royal Mail"),
        ("USPS", "USPS"),
        ("stamps_com", "USPS"),
        ("ups", "UPS"),
        ("fedex", "FedEx"),
        ("DHL", "DHL Express"),
        ("DHLGlobalMail", "DHL eCommerce"),
        ("CanadaPost", "Canada Post"),
        ("other", "Other"),
        ("Pigeon Post", "Pigeon Post"),
        ("", ""),
    ],
)
def test_carriers_are_named_for_people(code: str, name: str) -> None:
    assert carrier_name(code) == name


def test_every_carrier_the_desk_offers_has_a_tracking_page_except_other() -> None:
    without = [code for code in SHIPSTATION_CARRIERS if not tracking_url(code, "AB123")]

    assert without == ["Other"]
    assert list(SHIPSTATION_CARRIERS)[:4] == ["USPS", "UPS", "FedEx", "DHL"]
    assert SHIPSTATION_CARRIERS["RoyalMail"] == "Royal Mail"


def test_every_canonical_carrier_has_a_name_and_an_https_page_or_none() -> None:
    assert set(CARRIER_INFO) == set(Carrier)
    for info in CARRIER_INFO.values():
        assert info.name
        assert info.tracking_url == "" or info.tracking_url.startswith("https://")
        assert info.tracking_url == "" or info.tracking_url.count("{}") == 1


def test_a_tracking_url_quotes_the_whole_number() -> None:
    assert tracking_url("RoyalMail", " AB123456789GB ") == (
        "https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB"
    )
    assert tracking_url("usps", "94/00?x=1&y") == (
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=94%2F00%3Fx%3D1%26y"
    )
    assert tracking_url("Pigeon Post", "AB1") == ""
    assert tracking_url("UPS", "") == ""
