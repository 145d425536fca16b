"""A buyer's order on the sandbox marketplace takes the ordered units off the shop's listings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crossdock.sandbox import services
from crossdock.sandbox.generator import ListingSeed
from crossdock.sandbox.models import SandboxListing

pytestmark = pytest.mark.django_db

SEEDS = [
    ListingSeed(
        "MUG-FIKA", "Mug", Decimal("14.50"), Decimal("350"), "g", 5, "", {"Colour": ["Sand"]}
    ),
    ListingSeed("TEA-TIN-9", "Tea", Decimal("9.90"), Decimal("8"), "oz", 0),
]


def test_an_order_lowers_the_quantity_of_each_listing_it_buys_never_below_zero() -> None:
    # given
    shop = services.create_shop("Quiet Shop", "QS", catalogue=SEEDS).shop

    # when
    order = services.place_showcase_order(shop)

    # then
    bought = {line["sku"]: line["quantity"] for line in order.document["lines"]}
    assert bought == {"MUG-FIKA": 1, "TEA-TIN-9": 2}
    assert dict(SandboxListing.objects.filter(shop=shop).values_list("sku", "quantity")) == {
        "MUG-FIKA": 4,
        "TEA-TIN-9": 0,
    }
