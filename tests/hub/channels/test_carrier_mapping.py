"""Carrier mapping: the defaults connectors declare, installation-wide and account rows,
fallbacks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crossdock.connectors.registry import registry
from crossdock.connectors.sandbox.connector import CARRIER_MAPPINGS
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.carriers import (
    ChannelCarrier,
    mappings,
    resolve_carrier,
    seed_default_mappings,
    set_mapping,
)
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
        ("sandbox", "USPS", "usps"),
        ("sandbox", "DHL", "dhl_express"),
        ("sandbox", "DHLGlobalMail", "dhl_ecommerce"),
        ("sandbox", "fedex", "fedex"),
        ("sandbox", "UPSMI", "ups"),
    ],
)
def test_built_in_defaults_translate_the_common_carriers(
    account: Account, kind: str, carrier: str, expected: str
) -> None:
    assert _resolve(account, kind, carrier) == ChannelCarrier(
        carrier=expected,
        service="" if carrier != "UPSMI" else "mail_innovations",
        carrier_name="",
        is_mapped=True,
    )


def test_an_empty_channel_carrier_means_the_channels_fallback(account: Account) -> None:
    CarrierMapping.objects.create(channel_kind="sandbox", carrier="DHL", channel_carrier="")

    assert _resolve(account, "sandbox", "DHL", "Express Worldwide") == ChannelCarrier(
        carrier="Other", service="Express Worldwide", carrier_name="DHL", is_mapped=False
    )


@pytest.mark.parametrize("kind", ["amazon", "ebay", "walmart", "etsy"])
def test_a_kind_whose_connector_is_not_installed_has_no_defaults(
    account: Account, kind: str
) -> None:
    assert _resolve(account, kind, "USPS") == ChannelCarrier(
        carrier="Other", service="", carrier_name="USPS", is_mapped=False
    )


def test_the_defaults_are_the_ones_the_connectors_spec_declares(account: Account) -> None:
    listed = mappings(account, "sandbox")

    assert [
        (row.carrier, row.service, row.channel_carrier, row.channel_service) for row in listed
    ] == sorted(
        (
            (row.carrier, row.service, row.channel_carrier, row.channel_service)
            for row in CARRIER_MAPPINGS
        ),
        key=lambda row: (row[0].casefold(), row[1].casefold()),
    )
    assert all(row.pk is None and row.account_id is None for row in listed)


def test_seeding_copies_every_declared_default_once(account: Account) -> None:
    declared = sum(len(spec.carrier_mappings) for spec in registry().all())

    assert (seed_default_mappings(), seed_default_mappings()) == (declared, 0)
    assert CarrierMapping.objects.filter(account__isnull=True).count() == declared
    assert CarrierMapping.objects.filter(account__isnull=True, channel_kind="sandbox").count() == (
        len(CARRIER_MAPPINGS)
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
    set_mapping(account, channel_kind="sandbox", carrier="DHL", channel_carrier="dhl_ecommerce")
    set_mapping(account, channel_kind="sandbox", carrier="dhl", channel_carrier="dhl_parcel")

    assert _resolve(account, "sandbox", "DHL").carrier == "dhl_parcel"
    assert _resolve(other, "sandbox", "DHL").carrier == "dhl_express"
    assert CarrierMapping.objects.filter(account=account).count() == 1


def test_no_stored_row_is_needed_for_the_defaults(account: Account) -> None:
    assert not CarrierMapping.objects.exists()

    assert _resolve(account, "sandbox", "USPS", "Priority Mail") == ChannelCarrier(
        carrier="usps", service="priority", carrier_name="", is_mapped=True
    )


def test_an_installation_wide_row_overrides_the_default_and_an_accounts_row_overrides_it(
    account: Account, make_account: Callable[[str], Account]
) -> None:
    other = make_account("Other shop")
    CarrierMapping.objects.create(channel_kind="sandbox", carrier="dhl", channel_carrier="dhl")
    set_mapping(account, channel_kind="sandbox", carrier="DHL", channel_carrier="dhl_parcel")

    assert _resolve(account, "sandbox", "DHL").carrier == "dhl_parcel"
    assert _resolve(other, "sandbox", "DHL").carrier == "dhl"
    assert _resolve(other, "sandbox", "UPS").carrier == "ups"


def test_the_listing_shows_each_key_once_with_the_row_in_force(account: Account) -> None:
    set_mapping(account, channel_kind="sandbox", carrier="usps", channel_carrier="other")
    CarrierMapping.objects.create(channel_kind="sandbox", carrier="DHL", channel_carrier="other")

    listed = mappings(account, "sandbox")

    assert len(listed) == len(CARRIER_MAPPINGS)
    in_force = {(row.carrier.casefold(), row.service): row for row in listed}
    assert (in_force["usps", ""].account_id, in_force["usps", ""].channel_carrier) == (
        account.pk,
        "other",
    )
    assert (in_force["dhl", ""].pk is not None, in_force["dhl", ""].account_id) == (True, None)
    assert in_force["ups", ""].pk is None
    assert all(row.channel_kind == "sandbox" for row in listed)


def test_the_migrations_leave_no_copies_of_the_defaults() -> None:
    assert not CarrierMapping.objects.filter(account__isnull=True).exists()


def test_a_connector_spec_declares_its_own_carrier_vocabulary(account: Account) -> None:
    fedex = resolve_carrier(account.pk, "woocommerce", carrier="FedEx", fallback="")
    unknown = resolve_carrier(account.pk, "woocommerce", carrier="Bring", fallback="")

    assert (fedex.carrier, fedex.is_mapped) == ("Fedex", True)
    assert (unknown.carrier, unknown.carrier_name, unknown.is_mapped) == ("", "Bring", False)
