"""Demo channels: two sandbox marketplaces with orders, connected to the demo account.

The sandbox shops live in this same Crossdock (under ``/sandbox/``) and the hub channels
reach them over HTTP at the server's own address, so ``make run`` shows the real loop: the
worker pulls their orders at its first tick, and shipments go back to them.
"""

from __future__ import annotations

from django.db import transaction

from crossdock.demo.address import serving_url
from crossdock.demo.catalog import DEMO_CATALOGUE
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from crossdock.sandbox.errors import SandboxConflict
from crossdock.sandbox.queries import api_base_url, shop_page_url
from crossdock.sandbox.services import create_shop, generate_orders, place_showcase_order

#: (channel and shop name, order-number prefix, currency, orders to start with)
DEMO_MARKETPLACES = (
    ("Nordic Crafts Market", "NC", "EUR", 8),
    ("Maple Goods Bazaar", "MG", "USD", 6),
)


def sandbox_base_url() -> str:
    """The sandbox API as the worker reaches it: the public URL, else the serving address."""
    return api_base_url(serving_url())


def add_demo_channels(account: Account) -> list[Channel]:
    """Create the demo sandbox shops with orders and connect them as channels of ``account``."""
    channels = []
    with transaction.atomic():
        for name, code, currency, count in DEMO_MARKETPLACES:
            try:
                with transaction.atomic():
                    shop = create_shop(name, code, currency=currency, catalogue=DEMO_CATALOGUE)
            except SandboxConflict:
                # A shop of that name is left from an earlier demo; the channel needs a fresh one.
                shop = create_shop(
                    f"{name} ({account.pk})", code, currency=currency, catalogue=DEMO_CATALOGUE
                )
            generate_orders(shop.shop, count)
            place_showcase_order(shop.shop)
            channels.append(
                add_channel(
                    account,
                    "sandbox",
                    name,
                    {
                        "base_url": sandbox_base_url(),
                        "api_token": shop.token,
                        "shop_url": shop_page_url(serving_url(), shop.shop.pk),
                    },
                    sync_interval=120,
                )
            )
    return channels
