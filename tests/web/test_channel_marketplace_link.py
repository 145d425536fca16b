"""A sandbox channel's page links to the shop's page on the marketplace ("Open in marketplace")."""

from __future__ import annotations

import pytest
from django.test import Client

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.services import add_channel

pytestmark = pytest.mark.django_db
BASE_URL = "http://127.0.0.1:9/sandbox/api/v1"


def test_a_channel_with_a_shop_page_links_to_it(web: Client, account: Account) -> None:
    channel = add_channel(
        account,
        "sandbox",
        "Nordic Crafts",
        {
            "base_url": BASE_URL,
            "api_token": "tok-123",
            "shop_url": "http://127.0.0.1:9/sandbox/shops/4/",
        },
    )

    page = web.get(f"/channels/{channel.pk}/").content.decode()

    assert (
        '<a class="button" href="http://127.0.0.1:9/sandbox/shops/4/">Open in marketplace</a>'
        in page
    )


def test_a_channel_without_a_shop_page_has_no_link(web: Client, account: Account) -> None:
    channel = add_channel(
        account, "sandbox", "Nordic Crafts", {"base_url": BASE_URL, "api_token": "tok-123"}
    )

    page = web.get(f"/channels/{channel.pk}/").content.decode()

    assert "Open in marketplace" not in page
