"""The demo's catalog: products with stock, one kit, listed on both demo marketplaces."""

from __future__ import annotations

import pytest

from crossdock.demo import DEMO_ACCOUNT, load_demo
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import queries
from crossdock.hub.catalog.listings import pull_listings
from crossdock.hub.catalog.models import ChannelStock, Listing
from crossdock.hub.catalog.propagation import deliver_channel
from crossdock.hub.channels.models import Channel
from crossdock.sandbox.models import SandboxListing
from tests.fixtures.catalog import CLERK
from tests.fixtures.sandbox import sandbox_http

pytestmark = pytest.mark.django_db


def test_the_demo_lists_its_products_and_kit_on_both_marketplaces_with_the_hub_winning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given
    monkeypatch.setenv("CROSSDOCK_PORT", "8123")
    load_demo()
    account = Account.objects.get(name=DEMO_ACCOUNT)
    channels = list(Channel.objects.filter(account=account, kind="sandbox").order_by("pk"))
    # The worker reaches the shops over HTTP; here the sandbox answers in process.
    for channel in channels:
        Channel.objects.filter(pk=channel.pk).update(
            settings={**channel.settings, "base_url": "http://testserver/sandbox/api/v1"}
        )

    # when: the queued listing pulls and pushes run
    with sandbox_http() as client:
        for channel in channels:
            pull_listings(channel.pk, CLERK, client=client)
            deliver_channel(channel.pk, client=client)

    # then
    kit = queries.product_by_sku(account, "GIFT-FIKA")
    assert (kit.is_kit, queries.available(account, [kit.pk])) == (True, {kit.pk: 18})
    assert set(ChannelStock.objects.values_list("winner", flat=True)) == {"hub"}
    assert Listing.objects.filter(account=account, product__isnull=True).count() == 0
    shown = dict(
        SandboxListing.objects.filter(shop__name=channels[0].name).values_list("sku", "quantity")
    )
    assert (shown["MUG-FIKA"], shown["GIFT-FIKA"], shown["BLANKET-W"]) == (36, 18, 6)
    capped = dict(
        SandboxListing.objects.filter(shop__name=channels[1].name).values_list("sku", "quantity")
    )
    assert (capped["MUG-FIKA"], capped["GIFT-FIKA"]) == (20, 14)
