"""Export lines carry the catalog product's bin location when the channel's line has none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree

from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.services import create_product
from crossdock.hub.orders.models import Order, OrderLine
from tests.fixtures.shipstation import StoreClient, content

pytestmark = pytest.mark.django_db


def _locations(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.content
    items = etree.fromstring(content(response)).findall("Order/Items/Item")
    return {
        item.findtext("SKU") or "": item.findtext("Location") or ""
        for item in items
        if item.findtext("SKU")
    }


def test_a_line_without_a_location_takes_its_products_bin(
    account: Account, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # given MUG-RED's product lives in bin A-01-3, TEE-M has no product, and the order's
    # MUG-RED line came without a location
    create_product(account, "MUG-RED", "Red mug", bin_location="A-01-3")
    order = make_order("B-1")
    Order.objects.filter(pk=order.pk).update(modified_at=datetime(2026, 3, 10, 12, 5, tzinfo=UTC))

    # when ShipStation exports
    response = store.export("03/10/2026 12:00", "03/10/2026 12:30")

    # then the mug goes out with the product's bin, the T-shirt without one, nothing saved
    assert _locations(response) == {"MUG-RED": "A-01-3", "TEE-M": ""}
    assert list(OrderLine.objects.filter(order=order).values_list("location", flat=True)) == [
        "",
        "",
    ]


def test_a_channels_own_location_wins_over_the_products_bin(
    account: Account, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    create_product(account, "MUG-RED", "Red mug", bin_location="A-01-3")
    order = make_order("B-2")
    OrderLine.objects.filter(order=order, sku="MUG-RED").update(location="SHELF-9")
    Order.objects.filter(pk=order.pk).update(modified_at=datetime(2026, 3, 10, 12, 5, tzinfo=UTC))

    response = store.export("03/10/2026 12:00", "03/10/2026 12:30")

    assert _locations(response)["MUG-RED"] == "SHELF-9"
