"""New orders of a pulled page stored in one batch, as the single path would store each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossdock.connectors.base import OrderBatch, PulledOrder
from crossdock.core.actors import Actor, ActorKind
from crossdock.core.digests import legacy_order_digest, order_digest
from crossdock.core.dto import LineData, Refund
from crossdock.core.rules import order_total
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders import upsert
from crossdock.hub.orders.models import Order, OrderDiscount, OrderEvent, OrderLine
from crossdock.hub.orders.pull import Tally, store_batch
from crossdock.hub.orders.services import create_order
from crossdock.hub.orders.upsert import (
    NewOrder,
    UpsertOutcome,
    create_channel_orders,
    upsert_channel_order,
)
from tests.fixtures.shipstation import order_data

ACTOR = Actor(ActorKind.CHANNEL, "Nordic Crafts")


def _channel(account: Account) -> Channel:
    channel = Channel.objects.filter(account=account).order_by("id").first()
    assert channel is not None
    return channel


def _stored(order: Order) -> dict[str, object]:
    """What an order stores, without what differs by nature (ids, numbers, times)."""
    skip = {"id", "number", "external_id", "placed_at", "modified_at", "created_at", "updated_at"}
    return {
        "columns": {
            field.attname: getattr(order, field.attname)
            for field in Order._meta.concrete_fields
            if field.attname not in skip and field.attname != "payload_digest"
        },
        "lines": list(
            order.lines.values_list(
                "position",
                "sku",
                "name",
                "quantity",
                "unit_price",
                "weight_value",
                "weight_unit",
                "options",
                "quantity_shipped",
            )
        ),
        "discounts": list(order.discounts.values_list("position", "code", "amount")),
        "events": [
            (actor, kind, message.replace(order.number, "<number>"))
            for actor, kind, message in order.events.values_list("actor", "kind", "message")
        ],
    }


def test_a_batch_stores_each_order_as_the_single_path_would(account: Account) -> None:
    # given the same payload under two numbers
    channel = _channel(account)
    batched_data = order_data("B-1")
    single_data = order_data("S-1")
    # when one is stored by the batch and the other by the single path
    created = create_channel_orders(channel, [batched_data], ACTOR)
    single, outcome = upsert_channel_order(channel, single_data, ACTOR)
    # then both are stored alike, each with its own payload's digest
    batched = Order.objects.get(pk=created["ext-B-1"].pk)
    assert outcome == UpsertOutcome.CREATED
    assert _stored(batched) == _stored(Order.objects.get(pk=single.pk))
    assert batched.payload_digest == order_digest(batched_data)
    assert (batched.number, batched.external_id) == ("B-1", "ext-B-1")


def test_orders_the_batch_cannot_take_for_sure_are_left_to_the_single_path(
    account: Account,
) -> None:
    # given a page with a good order, a number already stored, a number twice, and a total
    # beyond what money fields hold
    channel = _channel(account)
    upsert_channel_order(channel, order_data("TAKEN", external_id="old"), ACTOR)
    huge = LineData(sku="X", name="X", quantity=1, unit_price=Decimal("9999999999.99"))
    page = [
        order_data("GOOD"),
        order_data("TAKEN", external_id="new"),
        order_data("TWICE", external_id="first"),
        order_data("TWICE", external_id="second"),
        order_data("HUGE", lines=(huge, huge)),
    ]
    # when the batch stores the page
    created = create_channel_orders(channel, page, ACTOR)
    # then only the orders it can take for sure are stored; the rest are left untouched
    assert sorted(created) == ["ext-GOOD", "first"]
    assert sorted(Order.objects.filter(channel=channel).values_list("external_id", flat=True)) == [
        "ext-GOOD",
        "first",
        "old",
    ]


def test_an_empty_page_stores_nothing(account: Account) -> None:
    # given no new orders
    channel = _channel(account)
    # when the batch stores them
    created = create_channel_orders(channel, [], ACTOR)
    # then nothing is stored
    assert created == {}
    assert not Order.objects.filter(channel=channel).exists()


def test_a_number_taken_by_a_concurrent_writer_sends_each_order_the_single_way(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a concurrent writer that stores "R-2" after the batch checked the numbers
    insert = upsert._insert_orders

    def taken_meanwhile(*args: Any, **kwargs: Any) -> list[upsert.CreatedOrder]:
        create_order(account, order_data("R-2", customer_notes="the other writer"), ACTOR)
        return insert(*args, **kwargs)

    monkeypatch.setattr(upsert, "_insert_orders", taken_meanwhile)
    items = [NewOrder(order_data(number)) for number in ("R-1", "R-2", "R-3")]

    # when the three are created together
    answers = upsert.create_orders(account, items, ACTOR)

    # then the batch stored nothing; were created on their own, R-2 refused
    assert [type(answer).__name__ for answer in answers] == [
        "CreatedOrder",
        "OrderExists",
        "CreatedOrder",
    ]
    assert sorted(
        Order.objects.filter(account=account, number__startswith="R-").values_list(
            "number", "customer_notes", "lines__sku"
        )
    ) == sorted(
        (number, notes, sku)
        for number, notes in (("R-1", ""), ("R-2", "the other writer"), ("R-3", ""))
        for sku in {line.sku for line in order_data(number).lines}
    )


def test_each_new_order_of_a_batch_adds_its_total_up_once(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the rule that adds an order's total up, counted
    added: list[str] = []

    def counted(*args: Any) -> Decimal:
        added.append("total")
        return order_total(*args)

    monkeypatch.setattr("crossdock.hub.orders.conversion.order_total", counted)
    channel = _channel(account)
    # when a pulled page of three and a bulk call of two are stored
    create_channel_orders(channel, [order_data(f"T-{n}") for n in range(3)], ACTOR)
    upsert.create_orders(account, [NewOrder(order_data(f"U-{n}")) for n in range(2)], ACTOR)
    # then each order's total was added up once: checked, then stored as checked
    assert len(added) == 5
    assert Order.objects.filter(number__in=["T-0", "U-1"]).count() == 2


def _pulled_page(prefix: str, count: int) -> OrderBatch:
    """A pulled page of ``count`` orders numbered ``<prefix>-0``… (external ids ``ext-…``)."""
    moment = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    return OrderBatch(
        tuple(
            PulledOrder(
                f"ext-{prefix}-{n}",
                moment,
                order_data(f"{prefix}-{n}", external_id=f"ext-{prefix}-{n}"),
            )
            for n in range(count)
        )
    )


def test_an_unchanged_page_is_skipped_by_digest_with_one_query(account: Account) -> None:
    # given a page of three orders already stored as pulled
    channel = _channel(account)
    page = _pulled_page("U", 3)
    store_batch(channel, page, Tally(), ACTOR)
    stored = sorted(Order.objects.filter(channel=channel).values_list("id", "modified_at"))
    events = OrderEvent.objects.count()
    # when the same page is read again
    tally = Tally()
    with CaptureQueriesContext(connection) as captured:
        store_batch(channel, page, tally, ACTOR)
    # then one query (the stored digests) told all three unchanged, and nothing moved
    assert len(captured.captured_queries) == 1
    assert (tally.fetched, tally.unchanged, tally.created, tally.updated) == (3, 3, 0, 0)
    assert sorted(Order.objects.filter(channel=channel).values_list("id", "modified_at")) == stored
    assert OrderEvent.objects.count() == events


def test_an_order_stored_with_a_form_1_digest_is_unchanged_and_keeps_a_form_2_one(
    account: Account,
) -> None:
    # given a page of two orders stored before form 2 (their digests in form 1)
    channel = _channel(account)
    page = _pulled_page("L", 2)
    store_batch(channel, page, Tally(), ACTOR)
    for pulled in page.orders:
        assert pulled.data is not None
        Order.objects.filter(external_id=pulled.external_id).update(
            payload_digest=legacy_order_digest(pulled.data)
        )
    stored = sorted(Order.objects.filter(channel=channel).values_list("id", "modified_at"))
    events = OrderEvent.objects.count()
    # when the same page is read again, then once more
    tally = Tally()
    store_batch(channel, page, tally, ACTOR)
    with CaptureQueriesContext(connection) as captured:
        store_batch(channel, page, Tally(), ACTOR)
    # then both read as unchanged, nothing moved, and each now keeps its form-2 digest,
    # so the next read is the one query of an unchanged page
    assert (tally.unchanged, tally.created, tally.updated) == (2, 0, 0)
    assert sorted(Order.objects.filter(channel=channel).values_list("id", "modified_at")) == stored
    assert OrderEvent.objects.count() == events
    assert dict(Order.objects.values_list("external_id", "payload_digest")) == {
        pulled.external_id: order_digest(pulled.data)
        for pulled in page.orders
        if pulled.data is not None
    }
    assert len(captured.captured_queries) == 1


def test_the_single_path_reads_a_form_1_digest_as_unchanged_and_keeps_a_form_2_one(
    account: Account,
) -> None:
    # given an order stored before form 2
    channel = _channel(account)
    data = order_data("L-9")
    order, _ = upsert_channel_order(channel, data, ACTOR)
    Order.objects.filter(pk=order.pk).update(payload_digest=legacy_order_digest(data))
    modified = Order.objects.get(pk=order.pk).modified_at
    # when the same payload is upserted again
    again, outcome = upsert_channel_order(channel, data, ACTOR)
    # then it is unchanged, not moved, and keeps the form-2 digest
    stored = Order.objects.get(pk=order.pk)
    assert outcome == UpsertOutcome.UNCHANGED
    assert (stored.modified_at, stored.payload_digest) == (modified, order_digest(data))
    assert again.payload_digest == order_digest(data)


def test_a_batched_order_with_refunds_a_cancellation_and_odd_pictures_is_stored_as_one_would_be(
    account: Account,
) -> None:
    # given a payload with a refund, cancellation details and a picture that is no http URL
    channel = _channel(account)
    moment = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
    base = order_data("X-1")
    odd = replace(base.lines[0], image_url="javascript:alert(1)")
    changes: dict[str, Any] = {
        "lines": (odd, *base.lines[1:]),
        "refunds": (Refund("R-1", Decimal("3.10"), "dent", moment),),
        "cancelled_at": moment,
        "cancel_reason": "buyer asked",
    }
    # when it is stored by the batch and, under another number, by the single path
    created = create_channel_orders(channel, [order_data("B-2", **changes)], ACTOR)
    single, _ = upsert_channel_order(channel, order_data("S-2", **changes), ACTOR)
    batched = Order.objects.get(pk=created["ext-B-2"].pk)
    # then both hold the same columns, lines, events, refund and picture (none)
    assert _stored(batched) == _stored(Order.objects.get(pk=single.pk))
    assert [
        list(order.refunds.values_list("external_id", "amount", "reason"))
        for order in (batched, single)
    ] == [[("R-1", Decimal("3.10"), "dent")]] * 2
    assert (batched.cancelled_at, batched.cancel_reason) == (moment, "buyer asked")
    assert [
        list(order.lines.values_list("image_url", flat=True)) for order in (batched, single)
    ] == [["", ""]] * 2


def test_the_batch_insert_names_every_column_of_lines_discounts_and_events() -> None:
    # given the tables the batch writes with its own column lists
    tables = {
        OrderLine: upsert._LINE_COLUMNS,
        OrderDiscount: upsert._DISCOUNT_COLUMNS,
        OrderEvent: upsert._EVENT_COLUMNS,
    }
    # when compared with each table's columns (all but the id)
    # then none is left out (a new column must be added to the batch's rows too)
    assert {model: set(columns) for model, columns in tables.items()} == {
        model: set(upsert.new_row_columns(model)) for model in tables
    }
