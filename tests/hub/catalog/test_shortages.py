"""Orders short of stock get it when it arrives: receipts, counts, adjustments, transfers."""

from __future__ import annotations

import pytest

from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import OrderReservation, OrderShortage
from crossdock.hub.catalog.services import (
    adjust,
    count,
    receive,
    set_channel_sources,
    sync_order_stock,
    transfer,
)
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.orders.services import cancel_order, create_order
from tests.fixtures.catalog import (
    CLERK,
    level,
    order_data,
    stocked,
    warehouse,
)

pytestmark = pytest.mark.django_db


def _held(order_id: int) -> int:
    return sum(
        OrderReservation.objects.filter(order_id=order_id).values_list("quantity", flat=True)
    )


def test_an_order_short_of_stock_is_filled_when_goods_are_received(account: Account) -> None:
    # given an order for 3 with 1 in stock
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 1)
    order = create_order(account, order_data("A-1", {"MUG-1": 3}), CLERK)
    assert (_held(order.pk), level(mug, main)) == (1, (1, 1))

    # when 5 are received
    receive(account, "MUG-1", main, 5, CLERK)

    # then the order holds all 3 and is no longer short
    assert _held(order.pk) == 3
    assert level(mug, main) == (6, 3)
    assert OrderShortage.objects.count() == 0


def test_the_oldest_short_order_is_filled_first(account: Account) -> None:
    # given two orders for 2, placed with nothing in stock
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 0)
    first = create_order(account, order_data("A-1", {"MUG-1": 2}), CLERK)
    second = create_order(account, order_data("A-2", {"MUG-1": 2}), CLERK)

    # when a count finds 3
    count(account, "MUG-1", main, 3, CLERK)

    # then the first holds 2, the second the 1 left and still wants 1
    assert (_held(first.pk), _held(second.pk)) == (2, 1)
    assert level(mug, main) == (3, 3)
    assert list(OrderShortage.objects.values_list("order_id", "quantity")) == [(second.pk, 1)]


def test_a_transfer_in_and_an_adjustment_fill_a_short_order(account: Account) -> None:
    # given a channel fed by the main warehouse only, which has none of the 4 mugs ordered
    main = warehouse(account)
    back = warehouse(account, "Back room")
    mug = stocked(account, "MUG-1", main, 0)
    receive(account, "MUG-1", back, 5, CLERK)
    shop = Channel.objects.create(account=account, kind="sandbox", name="Shop")
    set_channel_sources(shop, [main])
    order = create_order(account, order_data("A-1", {"MUG-1": 4}), CLERK, channel=shop)
    assert _held(order.pk) == 0

    # when 3 are moved in from the back room, then 1 is found
    transfer(account, "MUG-1", back, main, 3, CLERK)
    after_transfer = (_held(order.pk), level(mug, main), level(mug, back))
    adjust(account, "MUG-1", main, 1, CLERK, "Found behind a shelf")

    # then the order holds what came in each time
    assert after_transfer == (3, (3, 3), (2, 0))
    assert (_held(order.pk), level(mug, main)) == (4, (4, 4))
    assert OrderShortage.objects.count() == 0


def test_stock_arriving_where_the_order_cannot_ship_from_reserves_nothing(
    account: Account,
) -> None:
    # given a short order on a channel fed by the main warehouse only
    main = warehouse(account)
    back = warehouse(account, "Back room")
    stocked(account, "MUG-1", main, 0)
    shop = Channel.objects.create(account=account, kind="sandbox", name="Shop")
    set_channel_sources(shop, [main])
    order = create_order(account, order_data("A-1", {"MUG-1": 2}), CLERK, channel=shop)

    # when goods arrive at the back room
    receive(account, "MUG-1", back, 5, CLERK)

    # then the order still holds nothing and still wants 2
    assert _held(order.pk) == 0
    assert list(OrderShortage.objects.values_list("order_id", "quantity")) == [(order.pk, 2)]


def test_shipping_the_short_units_clears_the_shortage_and_cancelling_forgets_it(
    account: Account,
) -> None:
    # given two short orders
    main = warehouse(account)
    stocked(account, "MUG-1", main, 1)
    shipped = create_order(account, order_data("A-1", {"MUG-1": 3}), CLERK)
    cancelled = create_order(account, order_data("A-2", {"MUG-1": 2}), CLERK)

    # when the first ships in full and the second is cancelled
    record_fulfillment(account, shipped.pk, Shipment(carrier="USPS", tracking_number="1"), CLERK)
    cancel_order(account, cancelled.pk, CLERK, return_stock=True)

    # then nothing is short any more, and later stock stays free
    assert OrderShortage.objects.count() == 0
    receive(account, "MUG-1", main, 4, CLERK)
    assert OrderReservation.objects.count() == 0


def test_cancelling_an_order_gives_its_stock_to_the_oldest_short_order(account: Account) -> None:
    # given 2 mugs held by the first order, a second and a third order for 2 each short
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 2)
    holder = create_order(account, order_data("A-1", {"MUG-1": 2}), CLERK)
    second = create_order(account, order_data("A-2", {"MUG-1": 2}), CLERK)
    third = create_order(account, order_data("A-3", {"MUG-1": 2}), CLERK)
    assert (_held(holder.pk), _held(second.pk), _held(third.pk)) == (2, 0, 0)

    # when the first is cancelled and its stock returned
    cancel_order(account, holder.pk, CLERK, return_stock=True)

    # then the second (the oldest short order) holds both, in the same change; the third
    # still wants 2
    assert (_held(holder.pk), _held(second.pk), _held(third.pk)) == (0, 2, 0)
    assert level(mug, main) == (2, 2)
    assert list(OrderShortage.objects.values_list("order_id", "quantity")) == [(third.pk, 2)]


def test_an_order_changed_to_fewer_units_frees_them_for_a_short_order(account: Account) -> None:
    # given 3 mugs: the first order holds 3, the second wants 2 and holds none
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 3)
    first = create_order(account, order_data("A-1", {"MUG-1": 3}), CLERK)
    second = create_order(account, order_data("A-2", {"MUG-1": 2}), CLERK)

    # when the channel says the first order is now unpaid (it holds nothing any more)
    first.status = "unpaid"
    first.save(update_fields=["status"])
    sync_order_stock(first, CLERK)

    # then the second holds its 2 and is no longer short; 1 stays free
    assert (_held(first.pk), _held(second.pk)) == (0, 2)
    assert level(mug, main) == (3, 2)
    assert OrderShortage.objects.count() == 0


def test_writing_a_cancelled_order_off_frees_nothing_for_short_orders(account: Account) -> None:
    # given 2 mugs held by the first order, the second short of 2
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 2)
    holder = create_order(account, order_data("A-1", {"MUG-1": 2}), CLERK)
    second = create_order(account, order_data("A-2", {"MUG-1": 2}), CLERK)

    # when the first is cancelled with its goods written off (they are gone)
    cancel_order(account, holder.pk, CLERK, return_stock=False)

    # then nothing was freed: the second still holds none and wants 2
    assert (_held(holder.pk), _held(second.pk)) == (0, 0)
    assert level(mug, main) == (0, 0)
    assert list(OrderShortage.objects.values_list("order_id", "quantity")) == [(second.pk, 2)]
