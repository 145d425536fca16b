"""Listings pulled from the sandbox over its API: linked by SKU, the connect-time decision,
reconciliation's drift report, and low stock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import queries
from crossdock.hub.catalog.listings import decide_winner, pull_listings
from crossdock.hub.catalog.models import ChannelStock, DriftRecord, Listing, StockPush
from crossdock.hub.catalog.propagation import deliver_channel
from crossdock.hub.catalog.schedule import (
    enqueue_due_reconciliations,
    pull_channel_listings,
    reconcile_channel,
)
from crossdock.hub.catalog.services import create_product, update_product
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.generator import ListingSeed
from crossdock.sandbox.models import SandboxListing
from tests.fixtures.catalog import CLERK, level, stocked, warehouse
from tests.fixtures.sandbox import BASE_URL, sandbox_http

pytestmark = pytest.mark.django_db

SEEDS = [
    ListingSeed("MUG-1", "Mug", Decimal("14.50"), Decimal("350"), "g", 12),
    ListingSeed("TEA-9", "Tea", Decimal("9.90"), Decimal("8"), "oz", 30),
]


def _connected(account: Account) -> tuple[Channel, int]:
    shop = sandbox.create_shop("North", "NO", catalogue=SEEDS)
    channel = add_channel(
        account, "sandbox", "North", {"base_url": BASE_URL, "api_token": shop.token}
    )
    return channel, shop.shop.pk


def _pull(channel: Channel) -> None:
    with sandbox_http() as client:
        pull_listings(channel.pk, CLERK, client=client)


def test_pulled_listings_link_by_sku_and_unknown_ones_stay_unlinked(account: Account) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 5)
    channel, _ = _connected(account)

    # when
    _pull(channel)
    _pull(channel)

    # then
    rows = Listing.objects.filter(channel=channel).order_by("sku")
    assert [(row.sku, row.product_id, row.quantity_read, row.price) for row in rows] == [
        ("MUG-1", mug.pk, 12, Decimal("14.50")),
        ("TEA-9", None, 30, Decimal("9.90")),
    ]
    assert StockPush.objects.filter(channel=channel).count() == 2
    assert [row.sku for row in queries.listings(account, linked=False)] == ["TEA-9"]


def test_the_differences_are_shown_and_nothing_is_pushed_before_the_decision(
    account: Account,
) -> None:
    # given
    main = warehouse(account)
    stocked(account, "MUG-1", main, 5)
    channel, _ = _connected(account)
    _pull(channel)

    # when
    found = queries.listing_differences(account, channel.pk)
    with sandbox_http() as client:
        handed = deliver_channel(channel.pk, client=client)

    # then
    assert [(d.product.sku, d.hub_quantity, d.channel_quantity) for d in found] == [
        ("MUG-1", 5, 12)
    ]
    assert handed == 0


def test_choosing_the_channel_s_quantities_counts_the_hub_s_stock_to_them(
    account: Account,
) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 5)
    channel, shop_id = _connected(account)
    _pull(channel)

    # when
    decide_winner(channel, "channel", CLERK)
    with sandbox_http() as client:
        deliver_channel(channel.pk, client=client)

    # then
    assert level(mug, main) == (12, 0)
    assert queries.listing_differences(account, channel.pk) == []
    assert SandboxListing.objects.get(shop_id=shop_id, sku="MUG-1").quantity == 12


def test_reconciliation_records_drift_and_heals_it(account: Account) -> None:
    # given: the hub pushed 5, then someone changed the marketplace by hand
    main = warehouse(account)
    stocked(account, "MUG-1", main, 5)
    channel, shop_id = _connected(account)
    _pull(channel)
    decide_winner(channel, "hub", CLERK)
    with sandbox_http() as client:
        deliver_channel(channel.pk, client=client)
    SandboxListing.objects.filter(shop_id=shop_id, sku="MUG-1").update(quantity=9)

    # when
    with sandbox_http() as client:
        drift = reconcile_channel(channel.pk, client=client)
        deliver_channel(channel.pk, client=client)

    # then
    assert [(row.sku, row.expected, row.found, row.action) for row in drift] == [
        ("MUG-1", 5, 9, "healed")
    ]
    assert [row.pk for row in queries.drift_report(account)] == [drift[0].pk]
    assert SandboxListing.objects.get(shop_id=shop_id, sku="MUG-1").quantity == 5
    assert DriftRecord.objects.count() == 1


def test_low_stock_lists_products_at_or_under_their_threshold(account: Account) -> None:
    # given
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 3)
    tea = stocked(account, "TEA-9", main, 2)
    stocked(account, "SPOON", main, 50)
    create_product(account, "PLATE", "Plate", low_stock_threshold=0)
    update_product(account, mug.pk, low_stock_threshold=3)
    update_product(account, tea.pk, low_stock_threshold=1)

    # when
    low = queries.low_stock(account)

    # then
    assert [(row.product.sku, row.available, row.threshold) for row in low] == [
        ("PLATE", 0, 0),
        ("MUG-1", 3, 3),
    ]
    assert queries.low_stock_count(account) == 2


def test_the_tick_reads_a_new_channel_s_listings_once_and_reconciles_decided_ones(
    account: Account,
) -> None:
    # given
    channel, _ = _connected(account)

    # when
    first = enqueue_due_reconciliations()
    again = enqueue_due_reconciliations()
    decide_winner(channel, "hub", CLERK)
    decided = enqueue_due_reconciliations()

    # then
    assert (first, again, decided) == (1, 0, 1)
    assert list(
        DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True)
    ) == [
        "crossdock.hub.catalog.schedule.pull_channel_listings",
        "crossdock.hub.catalog.schedule.reconcile_stock",
    ]


def test_a_listing_read_of_an_unreachable_channel_is_recorded_and_the_job_ends_normally(
    account: Account,
) -> None:
    # given: a channel whose marketplace does not answer (a closed loopback port)
    channel = add_channel(
        account,
        "sandbox",
        "Closed",
        {"base_url": "http://127.0.0.1:9/sandbox/api/v1", "api_token": "sbx_closed"},
    )
    enqueue_due_reconciliations()

    # when
    read = pull_channel_listings.call(channel.pk)

    # then
    assert read == 0
    assert "Connection refused" in ChannelStock.objects.get(channel=channel).last_error
    assert Listing.objects.filter(channel=channel).count() == 0
