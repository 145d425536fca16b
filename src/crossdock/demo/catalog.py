"""Demo catalog: products matching the demo marketplaces' listings, one kit, a warehouse.

The demo shops list the sandbox's catalogue plus a gift set (:data:`DEMO_CATALOGUE`); the
hub holds the same SKUs as products (the gift set as a kit of a mug and a candle) with
stock in one warehouse, and the hub's quantities win on both demo channels. The worker
reads the shops' listings at its first tick, links them by SKU and pushes the hub's
quantities, so a sale on one demo marketplace lowers the quantity on the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from crossdock.core.actors import Actor, ActorKind
from crossdock.core.stock import Rule
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.listings import decide_winner
from crossdock.hub.catalog.schedule import pull_channel_listings
from crossdock.hub.catalog.services import (
    create_product,
    create_source,
    receive,
    set_recipe,
    set_stock_rule,
    update_product,
)
from crossdock.hub.channels.models import Channel
from crossdock.sandbox.generator import CATALOGUE, ListingSeed, image

KIT = ListingSeed(
    "GIFT-FIKA",
    "Fika gift set: two mugs and a candle",
    Decimal("42.00"),
    Decimal("1.1"),
    "kg",
    10,
    image("mug"),
)
#: What each demo marketplace lists: the sandbox's catalogue and the gift set.
DEMO_CATALOGUE: tuple[ListingSeed, ...] = (*CATALOGUE, KIT)

#: Warehouse stock per SKU, bin locations, and the low-stock threshold.
STOCK = {
    "MUG-FIKA": (36, "A-01-3", 10),
    "TEA-TIN-9": (80, "A-02-1", 20),
    "BLANKET-W": (6, "B-11-2", 8),
    "CAST-PAN-26": (12, "B-04-1", 5),
    "CANDLE-S": (25, "A-07-4", 10),
    "SOCKS-3": (40, "C-03-2", 10),
}


def add_demo_catalog(account: Account, channels: Sequence[Channel]) -> None:
    """Products, the kit, a warehouse with stock, a rule on the second channel, and the
    listing pull of each channel queued (the hub's quantities win)."""
    actor = Actor(ActorKind.SYSTEM, "demo")
    warehouse = create_source(account, "Main warehouse")
    for seed in CATALOGUE:
        on_hand, location, threshold = STOCK[seed.sku]
        create_product(
            account,
            seed.sku,
            seed.title,
            weight_value=seed.weight_value,
            weight_unit=seed.weight_unit,
            bin_location=location,
            low_stock_threshold=threshold,
        )
        receive(account, seed.sku, warehouse, on_hand, actor, "Opening stock")
    kit = create_product(
        account, KIT.sku, KIT.title, weight_value=KIT.weight_value, weight_unit="kg"
    )
    set_recipe(account, kit.pk, {"MUG-FIKA": 2, "CANDLE-S": 1})
    update_product(account, kit.pk, tags=["gift"])
    if len(channels) > 1:
        # The second marketplace shows 80 % of what is available, at most 20.
        set_stock_rule(channels[1], Rule(percent=80, maximum=20))
    for channel in channels:
        decide_winner(channel, "hub", actor)
        pull_channel_listings.enqueue(channel.pk)
