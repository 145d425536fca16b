"""Shopify's carrier vocabulary, as the hub resolves a ShipStation carrier for a write-back."""

from __future__ import annotations

import pytest

from crossdock.core.carriers import canonical_carrier
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.carriers import ChannelCarrier, resolve_carrier

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("reported", "shopify"),
    [
        ("USPS", "USPS"),
        ("DHL", "DHL Express"),
        ("DHLGlobalMail", "DHL eCommerce"),
        ("UPSMI", "UPS"),
        ("CanadaPost", "Canada Post"),
        ("RoyalMail", "Royal Mail"),
    ],
)
def test_shipstation_carriers_become_shopifys_own_carrier_names(
    account: Account, reported: str, shopify: str
) -> None:
    resolved = resolve_carrier(
        account.pk,
        "shopify",
        carrier=reported,
        carrier_code=canonical_carrier(reported).value,
        fallback="Other",
    )

    assert (resolved.carrier, resolved.is_mapped) == (shopify, True)


def test_an_unknown_carrier_falls_back_to_other_with_its_name(account: Account) -> None:
    resolved = resolve_carrier(
        account.pk, "shopify", carrier="PostNord", carrier_code="other", fallback="Other"
    )

    assert resolved == ChannelCarrier(
        carrier="Other", service="", carrier_name="PostNord", is_mapped=False
    )
