"""Stock services: the ledger, levels, kits, order reservations and bad input."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossdock.core.errors import Invalid
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import (
    KitComponent,
    MovementKind,
    OrderReservation,
    StockLevel,
    StockMovement,
)
from crossdock.hub.catalog.services import (
    LevelDifference,
    adjust,
    consume_shipment,
    count,
    create_product,
    holding_products,
    rebuild_levels,
    receive,
    set_recipe,
    transfer,
)
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.orders.services import cancel_order, create_order
from crossdock.hub.orders.upsert import NewOrder, create_orders, upsert_channel_order
from tests.fixtures.catalog import CLERK, level, order_data, stocked, warehouse


def _ledger(account: Account) -> list[tuple[str, int, int]]:
    return [
        (row.kind, row.on_hand_delta, row.reserved_delta)
        for row in StockMovement.objects.filter(account=account).order_by("id")
    ]


def test_each_movement_writes_a_ledger_row_and_moves_the_level(account: Account) -> None:
    # given
    main = warehouse(account)
    spare = warehouse(account, "Overflow")
    mug = create_product(account, "MUG-1", "Mug")

    # when
    receive(account, "MUG-1", main, 10, CLERK, "PO 17")
    adjust(account, "MUG-1", main, -2, CLERK, "Two broke")
    transfer(account, "MUG-1", main, spare, 3, CLERK)
    count(account, "MUG-1", spare, 5, CLERK)

    # then
    assert level(mug, main) == (5, 0)
    assert level(mug, spare) == (5, 0)
    assert _ledger(account) == [
        ("receipt", 10, 0),
        ("adjustment", -2, 0),
        ("transfer", -3, 0),
        ("transfer", 3, 0),
        ("count", 2, 0),
    ]
    assert rebuild_levels(account, apply=False) == []


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (-1, "quantity: must be at least 1"),
        (0, "quantity: must be at least 1"),
        (10_000_001, "quantity: must be at most 10000000"),
        (True, "quantity: must be a whole number"),
    ],
)
def test_a_bad_quantity_is_refused_by_field_and_changes_nothing(
    account: Account, quantity: int, message: str
) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 4)

    # when
    with pytest.raises(Invalid) as refused:
        receive(account, "MUG-1", main, quantity, CLERK)

    # then
    assert str(refused.value) == message
    assert level(mug, main) == (4, 0)
    assert StockMovement.objects.filter(account=account).count() == 1


def test_an_unknown_sku_is_refused_by_field(account: Account) -> None:
    # given
    main = warehouse(account)

    # when
    with pytest.raises(Invalid) as refused:
        receive(account, "NOPE-9", main, 3, CLERK)

    # then
    assert refused.value.field_errors == (("sku", "no product with SKU 'NOPE-9'"),)
    assert StockLevel.objects.count() == 0
    assert StockMovement.objects.count() == 0


def test_taking_more_than_is_on_hand_is_refused_and_changes_nothing(account: Account) -> None:
    # given
    main = warehouse(account)
    spare = warehouse(account, "Overflow")
    mug = stocked(account, "MUG-1", main, 2)

    # when
    with pytest.raises(Invalid) as adjusted:
        adjust(account, "MUG-1", main, -3, CLERK, "Lost")
    with pytest.raises(Invalid) as moved:
        transfer(account, "MUG-1", main, spare, 3, CLERK)

    # then
    assert str(adjusted.value) == "quantity: only 2 on hand"
    assert str(moved.value) == "quantity: only 2 available at Main warehouse"
    assert (level(mug, main), level(mug, spare)) == ((2, 0), (0, 0))
    assert _ledger(account) == [("receipt", 2, 0)]


def test_a_kit_containing_itself_directly_or_through_another_is_refused(account: Account) -> None:
    # given
    gift = create_product(account, "GIFT", "Gift box")
    outer = create_product(account, "OUTER", "Outer box")
    create_product(account, "MUG-1", "Mug")
    set_recipe(account, gift.pk, {"MUG-1": 2})
    set_recipe(account, outer.pk, {"GIFT": 1})

    # when
    with pytest.raises(Invalid) as direct:
        set_recipe(account, gift.pk, {"GIFT": 1})
    with pytest.raises(Invalid) as indirect:
        set_recipe(account, gift.pk, {"MUG-1": 2, "OUTER": 1})

    # then
    assert str(direct.value) == "components.GIFT: a kit cannot contain itself"
    assert str(indirect.value) == "components: a kit cannot contain itself: GIFT → OUTER → GIFT"
    assert list(
        KitComponent.objects.filter(kit=gift).values_list("component__sku", "quantity")
    ) == [("MUG-1", 2)]


def test_a_paid_order_reserves_its_lines_and_a_kit_reserves_its_components(
    account: Account,
) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 10)
    spoon = stocked(account, "SPOON", main, 10)
    gift = create_product(account, "GIFT", "Gift box")
    set_recipe(account, gift.pk, {"MUG-1": 2, "SPOON": 1})

    # when
    create_order(account, order_data("A-1", {"MUG-1": 1, "GIFT": 3}), CLERK)

    # then
    assert level(mug, main) == (10, 7)
    assert level(spoon, main) == (10, 3)


def test_an_unpaid_order_reserves_nothing(account: Account) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 10)

    # when
    create_order(account, order_data("A-1", {"MUG-1": 4}, status="unpaid"), CLERK)

    # then
    assert level(mug, main) == (10, 0)


def test_an_order_reserves_no_more_than_is_available(account: Account) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 3)

    # when
    create_order(account, order_data("A-1", {"MUG-1": 5}), CLERK)

    # then
    assert level(mug, main) == (3, 3)


def test_an_order_reserves_on_the_first_source_that_can_fulfil_all_of_it(
    account: Account,
) -> None:
    # given
    main = warehouse(account)
    spare = warehouse(account, "Overflow")
    mug = stocked(account, "MUG-1", main, 1)
    receive(account, "MUG-1", spare, 5, CLERK)

    # when
    create_order(account, order_data("A-1", {"MUG-1": 2}), CLERK)

    # then
    assert (level(mug, main), level(mug, spare)) == ((1, 0), (5, 2))


def test_cancelling_in_the_hub_returns_the_stock_or_writes_it_off(account: Account) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 10)
    kept = create_order(account, order_data("A-1", {"MUG-1": 2}), CLERK)
    lost = create_order(account, order_data("A-2", {"MUG-1": 3}), CLERK)

    # when
    cancel_order(account, kept.pk, CLERK, return_stock=True)
    cancel_order(account, lost.pk, CLERK, return_stock=False)

    # then
    assert level(mug, main) == (7, 0)
    assert _ledger(account)[-2:] == [("release", 0, -2), ("sale", -3, -3)]
    assert OrderReservation.objects.count() == 0


def test_a_shipment_consumes_the_reservation(account: Account) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 10)
    order = create_order(account, order_data("A-1", {"MUG-1": 4}), CLERK)

    # when
    record_fulfillment(account, order.pk, Shipment(carrier="USPS", tracking_number="9400"), CLERK)

    # then
    assert level(mug, main) == (6, 0)
    assert _ledger(account)[-1] == (MovementKind.SHIPMENT, -4, -4)
    assert OrderReservation.objects.count() == 0


def test_a_shipment_of_skus_the_catalog_lacks_costs_the_catalog_one_read(
    account: Account,
) -> None:
    # given an order whose SKUs are no product of the account's (and one that is another's)
    other = Account.objects.create(name="Other shop")
    create_product(other, "CUP-1", "Cup")
    order = create_order(account, order_data("A-1", {"CUP-1": 2, "NONE-1": 1}), CLERK)

    # when the catalog is told what shipped
    with CaptureQueriesContext(connection) as queries:
        consume_shipment(order, [("CUP-1", 2), ("NONE-1", 1), ("", 1)], CLERK)

    # then it read the account's products once, and nothing moved
    assert len(queries) == 1
    assert "catalog_product" in queries[0]["sql"]
    assert StockMovement.objects.count() == 0


def test_rebuilding_levels_reports_and_repairs_a_level_that_drifted_from_the_ledger(
    account: Account,
) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 10)
    StockLevel.objects.filter(product=mug).update(on_hand=99)

    # when
    found = rebuild_levels(account)

    # then
    assert found == [LevelDifference(mug.pk, main.pk, (99, 0), (10, 0))]
    assert level(mug, main) == (10, 0)
    assert rebuild_levels(account) == []


def test_a_cancellation_on_the_channel_returns_the_reserved_stock(account: Account) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 10)
    channel = add_channel(
        account,
        "sandbox",
        "North",
        {"base_url": "http://testserver/sandbox/api/v1", "api_token": "t"},
    )
    upsert_channel_order(channel, order_data("N-1", {"MUG-1": 3}), CLERK)
    reserved = level(mug, main)

    # when
    upsert_channel_order(channel, order_data("N-1", {"MUG-1": 3}, status="cancelled"), CLERK)

    # then
    assert (reserved, level(mug, main)) == ((10, 3), (10, 0))
    assert _ledger(account)[-1] == ("release", 0, -3)


def test_a_recipe_naming_an_unknown_sku_is_refused_and_the_product_stays_plain(
    account: Account,
) -> None:
    # given
    gift = create_product(account, "GIFT", "Gift box")

    # when
    with pytest.raises(Invalid) as refused:
        set_recipe(account, gift.pk, {"NOPE": 1})

    # then
    assert refused.value.field_errors == (("components.NOPE", "no product with SKU 'NOPE'"),)
    gift.refresh_from_db()
    assert (gift.is_kit, gift.components.count()) == (False, 0)


def test_orders_created_together_reserve_as_one_would_with_one_product_look_up(
    account: Account,
) -> None:
    # given a stocked mug, a kit of two mugs, and orders of them and of unknown SKUs
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 10)
    gift = create_product(account, "GIFT", "Gift box")
    set_recipe(account, gift.pk, {"MUG-1": 2})
    items = [
        NewOrder(order_data("B-1", {"MUG-1": 1})),
        NewOrder(order_data("B-2", {"GIFT": 2, "TEA-9": 1})),
        NewOrder(order_data("B-3", {"TEA-9": 4})),
    ]

    # when they are created in one batch
    created = create_orders(account, items, CLERK)

    # then the mug holds 1 + 2 × 2 reserved, and the order of unknown SKUs holds nothing
    assert [getattr(order, "number", None) for order in created] == ["B-1", "B-2", "B-3"]
    assert level(mug, main) == (10, 5)
    assert not OrderReservation.objects.filter(order_number="B-3").exists()


def test_new_orders_of_no_product_cost_one_look_up_and_write_nothing(account: Account) -> None:
    # given new orders none of whose SKUs is a product
    orders = [
        create_order(account, order_data(f"N-{n}", {"TEA-9": 1, "CUP": 2}), CLERK) for n in range(3)
    ]

    # when the batch asks which of them hold a product
    with CaptureQueriesContext(connection) as captured:
        holding = holding_products([(order.pk, account.pk, ["TEA-9", "CUP"]) for order in orders])

    # then one query looked the SKUs up, none is to be synced, and nothing was reserved
    assert len(captured.captured_queries) == 1
    assert holding == []
    assert not OrderReservation.objects.filter(order_id__in=[order.pk for order in orders]).exists()
