"""A ship notice for a kit line consumes the kit's components (through the catalog's consume)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import Product
from crossdock.hub.catalog.services import set_channel_sources, set_recipe
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order, OrderLine
from tests.fixtures.catalog import level, stocked, warehouse
from tests.fixtures.shipstation import StoreClient

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "shipnotice_partial.xml"


def test_a_notice_for_a_kit_consumes_its_components(
    account: Account, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # given MUG-RED is a kit of one cup and two saucers, stocked at the channel's warehouse
    source = warehouse(account)
    cup = stocked(account, "CUP", source, 10)
    saucer = stocked(account, "SAUCER", source, 10)
    kit = stocked(account, "MUG-RED", source, 0)
    set_recipe(account, kit.pk, {"CUP": 1, "SAUCER": 2})
    channel = Channel.objects.create(account=account, kind="sandbox", name="Sandbox shop")
    set_channel_sources(channel, [source])
    # and a paid order for two MUG-RED (its components reserved)
    order = make_order("1001", channel=channel)
    assert (level(cup, source), level(saucer, source)) == ((10, 2), (10, 4))
    mug = OrderLine.objects.get(order=order, sku="MUG-RED")

    # when ShipStation reports one MUG-RED shipped
    body = GOLDEN.read_text().format(order_number="1001", order_id=order.pk, line_id=mug.pk)
    response = store.notify(body.encode())

    # then one kit's worth of components left the shelf and the reservation
    assert response.status_code == 200, response.content
    assert level(cup, source) == (9, 1)
    assert level(saucer, source) == (8, 2)
    assert level(Product.objects.get(pk=kit.pk), source) == (0, 0)
