"""Carrier mapping: seeded defaults, the account's own rows, services, fallbacks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.carriers import ChannelCarrier, resolve_carrier, set_mapping
from crossdock.hub.channels.models import CarrierMapping

pytestmark = pytest.mark.django_db


def _resolve(
    account: Account, kind: str, carrier: str, service: str = "", code: str = ""
) -> ChannelCarrier:
    return resolve_carrier(
        account.pk, kind, carrier=carrier, carrier_code=code, service=service, fallback="Other"
    )


@pytest.mark.parametrize(
    ("kind", "carrier", "expected"),
    [
        ("shopify", "USPS", "USPS"),
        ("shopify", "DHL", "DHL Express"),
        ("shopify", "DHLGlobalMail", "DHL eCommerce"),
        ("amazon", "FedEx", "FedEx"),
        ("ebay", "UPS", "UPS"),
        ("walmart", "DHL", "DHL"),
        ("bigcommerce", "USPS", "usps"),
        ("bigcommerce", "fedex", "fedex"),
        ("sandbox", "UPSMI", "ups"),
    ],
)
def test_seeded_defaults_translate_the_common_carriers(
    account: Account, kind: str, carrier: str, expected: str
) -> None:
    assert _resolve(account, kind, carrier) == ChannelCarrier(
        carrier=expected,
        service="" if carrier != "UPSMI" else "mail_innovations",
        carrier_name="",
        is_mapped=True,
    )


def test_a_seeded_empty_carrier_means_the_channels_fallback(account: Account) -> None:
    assert _resolve(account, "bigcommerce", "DHL", "Express Worldwide") == ChannelCarrier(
        carrier="Other", service="Express Worldwide", carrier_name="DHL", is_mapped=False
    )


def test_an_unknown_carrier_falls_back_with_its_reported_name(account: Account) -> None:
    assert _resolve(account, "sandbox", "OnTrac", "Ground") == ChannelCarrier(
        carrier="Other", service="Ground", carrier_name="OnTrac", is_mapped=False
    )


def test_a_service_row_wins_over_the_carriers_any_service_row(account: Account) -> None:
    assert _resolve(account, "sandbox", "USPS", "priority mail").service == "priority"
    assert _resolve(account, "sandbox", "USPS", "Media Mail").service == "Media Mail"


def test_the_canonical_code_matches_when_the_reported_carrier_does_not(account: Account) -> None:
    mapped = _resolve(account, "sandbox", "stamps_com", code="usps")

    assert (mapped.carrier, mapped.is_mapped) == ("usps", True)


def test_an_accounts_row_overrides_the_default_for_that_account_only(
    account: Account, make_account: Callable[[str], Account]
) -> None:
    other = make_account("Other shop")
    set_mapping(account, channel_kind="shopify", carrier="DHL", channel_carrier="DHL eCommerce")
    set_mapping(account, channel_kind="shopify", carrier="dhl", channel_carrier="DHL Parcel")

    assert _resolve(account, "shopify", "DHL").carrier == "DHL Parcel"
    assert _resolve(other, "shopify", "DHL").carrier == "DHL Express"
    assert CarrierMapping.objects.filter(account=account).count() == 1


def test_the_migration_seeded_every_default_once() -> None:
    from crossdock.hub.channels.carrier_defaults import DEFAULT_MAPPINGS, seed_default_mappings

    expected = sum(len(rows) for rows in DEFAULT_MAPPINGS.values())

    assert CarrierMapping.objects.filter(account__isnull=True).count() == expected
    assert seed_default_mappings(CarrierMapping) == 0
