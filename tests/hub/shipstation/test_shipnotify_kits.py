"""A ship notice for a kit line consumes the kit's components (through the catalog's consume)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import InventorySource, Product
from crossdock.hub.catalog.services import set_channel_sources, set_recipe, update_product
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.shipstation.services import IssuedCredentials, OptionChanges, update_integration
from tests.fixtures.catalog import level, stocked, warehouse
from tests.fixtures.shipstation import StoreClient, content, exported_items

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


def _kit_order(
    account: Account, make_order: Callable[..., Order]
) -> tuple[Order, InventorySource, Product, Product]:
    """MUG-RED = 1 CUP + 2 SAUCER (10 of each at the warehouse); a paid order for 2 MUG-RED."""
    source = warehouse(account)
    cup = stocked(account, "CUP", source, 10)
    saucer = stocked(account, "SAUCER", source, 10)
    update_product(
        account, cup.pk, bin_location="A-1", weight_value=Decimal("200"), weight_unit="g"
    )
    update_product(account, saucer.pk, bin_location="B-2")
    kit = stocked(account, "MUG-RED", source, 0)
    set_recipe(account, kit.pk, {"CUP": 1, "SAUCER": 2})
    channel = Channel.objects.create(account=account, kind="sandbox", name="Sandbox shop")
    set_channel_sources(channel, [source])
    return make_order("1001", channel=channel), source, cup, saucer


def _notice(order: Order, *items: tuple[str, int, str]) -> bytes:
    xml = "".join(
        f"<Item><SKU>{sku}</SKU><Quantity>{quantity}</Quantity>"
        f"<LineItemID>{line_item_id}</LineItemID></Item>"
        for sku, quantity, line_item_id in items
    )
    return (
        f"<ShipNotice><OrderID>{order.pk}</OrderID><OrderNumber>{order.number}</OrderNumber>"
        f"<Carrier>UPS</Carrier><TrackingNumber>1Z1</TrackingNumber><Items>{xml}</Items>"
        "</ShipNotice>"
    ).encode()


def test_the_default_sends_a_kit_as_one_line(
    account: Account, store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order, _, _, _ = _kit_order(account, make_order)

    items = exported_items(store, order, "SKU", "Quantity")

    assert items == [("MUG-RED", "2"), ("TEE-M", "1")]


def test_kits_sent_as_components_carry_their_locations_weights_and_kit(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    # given the integration sends kits as their components
    order, _, cup, saucer = _kit_order(account, make_order)
    update_integration(account, issued.integration.pk, OptionChanges(kit_lines="components"))
    mug = OrderLine.objects.get(order=order, sku="MUG-RED")

    # when ShipStation imports the order
    items = exported_items(
        store, order, "SKU", "Quantity", "LineItemID", "Location", "Weight", "UnitPrice"
    )

    # then the kit's line is replaced by its components, each with its own bin and weight
    assert items == [
        ("CUP", "2", f"{mug.pk}-{cup.pk}", "A-1", "200.00", "0.00"),
        ("SAUCER", "4", f"{mug.pk}-{saucer.pk}", "B-2", "", "0.00"),
        ("TEE-M", "1", str(OrderLine.objects.get(order=order, sku="TEE-M").pk), "", "", "20.00"),
    ]
    page = etree.fromstring(content(store.export("03/10/2026 12:00", "03/10/2026 12:00")))
    option = page.find("Order/Items/Item[SKU='CUP']/Options/Option")
    assert option is not None
    assert page.findtext("Order/OrderTotal") == "47.00"
    assert (option.findtext("Name"), option.findtext("Value")) == ("Kit", "MUG-RED × 2")


def test_kits_sent_both_ways_weigh_the_components_only(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    order, _, _, _ = _kit_order(account, make_order)
    update_integration(account, issued.integration.pk, OptionChanges(kit_lines="both"))

    items = exported_items(store, order, "SKU", "Quantity", "Weight")

    assert items == [
        ("MUG-RED", "2", ""),
        ("CUP", "2", "200.00"),
        ("SAUCER", "4", ""),
        ("TEE-M", "1", ""),
    ]


def test_a_notice_naming_the_components_consumes_them_once_against_the_kit_line(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    # given kits go out as components and both kits' components are reserved
    order, source, cup, saucer = _kit_order(account, make_order)
    update_integration(account, issued.integration.pk, OptionChanges(kit_lines="components"))
    mug = OrderLine.objects.get(order=order, sku="MUG-RED")

    # when ShipStation reports the components of two kits shipped
    response = store.notify(
        _notice(order, ("CUP", 2, f"{mug.pk}-{cup.pk}"), ("SAUCER", 4, f"{mug.pk}-{saucer.pk}"))
    )

    # then the kit's line is shipped twice and its components left once
    assert response.status_code == 200, response.content
    assert OrderLine.objects.get(pk=mug.pk).quantity_shipped == 2
    assert level(cup, source) == (8, 0)
    assert level(saucer, source) == (6, 0)
    fulfillment = Fulfillment.objects.get(order=order)
    assert fulfillment.over_shipped_units == 0


def test_a_notice_naming_the_kit_and_its_components_by_sku_counts_the_kit_once(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    order, source, cup, saucer = _kit_order(account, make_order)
    update_integration(account, issued.integration.pk, OptionChanges(kit_lines="both"))

    response = store.notify(_notice(order, ("MUG-RED", 1, ""), ("CUP", 1, ""), ("SAUCER", 2, "")))

    assert response.status_code == 200, response.content
    assert OrderLine.objects.get(order=order, sku="MUG-RED").quantity_shipped == 1
    assert level(cup, source) == (9, 1)
    assert level(saucer, source) == (8, 2)
