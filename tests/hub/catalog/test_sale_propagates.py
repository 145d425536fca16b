"""A sale on one sandbox marketplace lowers the quantity on the others, over real HTTP.

Three sandbox shops list the same mug; the hub pulls their listings, the merchant lets the
hub's quantities win, and each channel has its own rule. A buyer orders on one shop; the
hub pulls that order (reserving the unit) and the queued stock pushes set the new quantity
on every shop through the sandbox's ``POST /stock``, each channel's rule applied, with no
polling interval inside the hub: the jobs run as soon as the order's transaction commits.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from pytest_django.live_server_helper import LiveServer

from crossdock.core.stock import Rule
from crossdock.hub.accounts.services import create_account
from crossdock.hub.catalog.listings import decide_winner, pull_listings
from crossdock.hub.catalog.models import Listing
from crossdock.hub.catalog.services import set_stock_rule
from crossdock.hub.channels.services import add_channel
from crossdock.hub.orders.pull import pull_orders
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.generator import ListingSeed
from tests.fixtures.catalog import CLERK, stocked, warehouse
from tests.fixtures.tasks import run_queued_tasks

pytestmark = pytest.mark.usefixtures("transactional_db")

MUG = ListingSeed(
    "MUG-FIKA", "Stoneware mug", Decimal("14.50"), Decimal("350"), "g", 40, "", {"Colour": ["Sand"]}
)


def _shown(live_server: LiveServer, token: str) -> int:
    answer = httpx.get(
        f"{live_server.url}/sandbox/api/v1/listings",
        headers={"Authorization": f"Bearer {token}", "Connection": "close"},
        timeout=10,
    )
    (listing,) = answer.json()["listings"]
    return int(listing["quantity"])


def test_a_sale_on_one_marketplace_sets_the_new_quantity_on_the_other_two(
    live_server: LiveServer,
) -> None:
    # given: one mug, 20 in the warehouse, listed on three marketplaces with three rules
    account = create_account("Fika Goods", "owner@fika.test", "owner-pass-1")
    main = warehouse(account)
    stocked(account, "MUG-FIKA", main, 20)
    shops = [
        sandbox.create_shop(name, code, catalogue=[MUG])
        for name, code in (("North", "NO"), ("South", "SO"), ("West", "WE"))
    ]
    channels = [
        add_channel(
            account,
            "sandbox",
            shop.shop.name,
            {"base_url": f"{live_server.url}/sandbox/api/v1", "api_token": shop.token},
        )
        for shop in shops
    ]
    set_stock_rule(channels[1], Rule(percent=50))
    set_stock_rule(channels[2], Rule(percent=80, maximum=100))
    for channel in channels:
        pull_listings(channel.pk, CLERK)
        decide_winner(channel, "hub", CLERK)
    run_queued_tasks()
    before = [_shown(live_server, shop.token) for shop in shops]

    # when: a buyer orders one mug on North, and the hub pulls that order
    sold = sandbox.place_showcase_order(shops[0].shop)
    assert [(line["sku"], line["quantity"]) for line in sold.document["lines"]] == [("MUG-FIKA", 1)]
    pull_orders(channels[0].pk)
    run_queued_tasks()

    # then: 19 available, shown as all of it, half of it and 80 % of it
    assert before == [20, 10, 16]
    assert [_shown(live_server, shop.token) for shop in shops] == [19, 9, 15]
    assert sorted(Listing.objects.values_list("quantity_pushed", "status")) == [
        (9, "in_sync"),
        (15, "in_sync"),
        (19, "in_sync"),
    ]
