"""A page deep in a large window costs what page 2 costs: the seek, the bookkeeping, the count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import Order, OrderDiscount
from crossdock.hub.shipstation.export import export_window
from crossdock.hub.shipstation.models import ExportBoundary, ExportRun
from crossdock.hub.shipstation.services import IssuedCredentials, OptionChanges, update_integration
from tests.fixtures.shipstation import StoreClient, content

BASE = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
START, END = "03/10/2026 12:00", "03/10/2026 14:00"

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN wording"
)


def _orders(make_order: Callable[..., Order], count: int) -> list[Order]:
    made = []
    for n in range(count):
        order = make_order(f"D{n}")
        Order.objects.filter(pk=order.pk).update(modified_at=BASE + timedelta(minutes=n))
        made.append(order)
    return made


def _page_queries(store: StoreClient, page: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = store.export(START, END, page)
        content(response)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_a_deep_page_is_bounded_below_by_its_key_alone(
    account: Account, issued: IssuedCredentials, make_order: Callable[..., Order]
) -> None:
    # given a window and the key that ended an earlier page
    window = export_window(issued.integration, BASE, BASE + timedelta(hours=2))
    key = (BASE + timedelta(minutes=90), 1234)
    # when the orders after the key are asked for
    sql, params = window.orders(key).query.sql_with_params()
    # then the window's start is no bound at all: the key's time is the only lower bound,
    # so the database seeks to it (given both, SQLite seeks to the one written first)
    assert BASE not in params
    assert BASE.replace(tzinfo=None) not in params
    assert sql.count('"modified_at" >=') == 1
    assert sql.count('"modified_at" <') == 1


def test_the_window_after_a_key_holds_exactly_the_later_orders(
    account: Account, issued: IssuedCredentials, make_order: Callable[..., Order]
) -> None:
    # given five orders, two of them at the same moment
    made = _orders(make_order, 5)
    Order.objects.filter(pk=made[3].pk).update(modified_at=BASE + timedelta(minutes=2))
    window = export_window(issued.integration, BASE, BASE + timedelta(hours=2))
    ordered = list(window.orders().values_list("modified_at", "id"))
    # when the orders after the third key are read
    after = list(window.orders(ordered[2]).values_list("modified_at", "id"))
    # then they are exactly the ones after it in (modified_at, id) order
    assert after == ordered[3:]


def test_each_page_records_one_boundary_row_and_page_one_starts_afresh(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    # given seven orders, two a page
    update_integration(account, issued.integration.pk, OptionChanges(page_size=2))
    _orders(make_order, 7)
    # when pages 1 to 3 are served
    for page in (1, 2, 3):
        store.export(START, END, page)
    run = ExportRun.objects.get(integration_id=issued.integration.pk)
    served = list(ExportBoundary.objects.filter(run=run).values_list("page", "order_id"))
    # and page 1 is asked again (ShipStation starting over)
    store.export(START, END, 1)
    again = list(ExportBoundary.objects.filter(run=run).values_list("page", "order_id"))
    # then each page ended in one row, and a new walk keeps only its own page 1's
    made = list(Order.objects.order_by("modified_at", "id").values_list("id", flat=True))
    assert served == [(1, made[1]), (2, made[3]), (3, made[5])]
    assert again == [(1, made[1])]


def test_a_page_deep_in_the_window_costs_the_same_queries_as_page_two(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    # given 40 orders, two a page, walked up to page 19
    update_integration(account, issued.integration.pk, OptionChanges(page_size=2))
    _orders(make_order, 40)
    counts = {page: _page_queries(store, page) for page in range(1, 20)}
    # then page 19 took as many queries as page 2
    assert counts[19] == counts[2]


@sqlite_only
def test_page_ones_count_reads_the_export_index_alone(
    account: Account, issued: IssuedCredentials, make_order: Callable[..., Order]
) -> None:
    # given a window of an integration that leaves out third-party fulfilment
    _orders(make_order, 3)
    window = export_window(issued.integration, BASE, BASE + timedelta(hours=2))
    with CaptureQueriesContext(connection) as captured:
        assert window.orders().count() == 3
    # when SQLite plans the count it was sent (values inlined by the recording)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[-1]["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    # then it reads the covering export index, not one table row per order
    assert "USING COVERING INDEX order_export_window (account_id=? AND modified_at>?" in plan


def test_a_page_reads_its_orders_lines_and_discounts_without_building_models(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    # given three orders with lines and a discount
    made = _orders(make_order, 3)
    OrderDiscount.objects.create(order=made[0], code="TEN", description="Ten off", amount=10)
    built: list[str] = []

    def count(sender: type[Model], **kwargs: object) -> None:
        built.append(sender.__name__)

    # when page 1 is served and read in full
    post_init.connect(count, weak=False)
    try:
        response = store.export(START, END, 1)
        text = content(response).decode()
    finally:
        post_init.disconnect(count)
    # then every order went out, and no order, line or discount model was built for it
    assert response.status_code == 200
    assert text.count("<Order>") == 3
    assert "Coupon TEN: Ten off" in text
    assert [name for name in built if name in {"Order", "OrderLine", "OrderDiscount"}] == []


def test_a_page_reads_outside_any_transaction_and_writes_only_its_boundary_in_one(
    account: Account,
    issued: IssuedCredentials,
    store: StoreClient,
    make_order: Callable[..., Order],
) -> None:
    # given seven orders, two a page, and page 1 served
    update_integration(account, issued.integration.pk, OptionChanges(page_size=2))
    made = _orders(make_order, 7)
    store.export(START, END, 1)
    # when page 2 is served
    with CaptureQueriesContext(connection) as captured:
        response = store.export(START, END, 2)
        text = content(response).decode()
    statements = [str(query["sql"]) for query in captured.captured_queries]
    opened = next(i for i, sql in enumerate(statements) if sql.startswith("SAVEPOINT"))
    closed = next(i for i, sql in enumerate(statements) if sql.startswith("RELEASE SAVEPOINT"))
    # then its orders were read before the one transaction, which touched the boundaries alone
    assert text.count("<Order>") == 2
    assert any('"orders_order"' in sql or "orders_order o" in sql for sql in statements[:opened])
    inside = statements[opened + 1 : closed]
    assert len(inside) == 2
    assert all("shipstation_exportboundary" in sql for sql in inside)
    # and the run and page 1's boundary were read in one statement
    assert len([sql for sql in statements if "shipstation_exportrun" in sql]) == 1
    run = ExportRun.objects.get(integration_id=issued.integration.pk)
    ends = list(ExportBoundary.objects.filter(run=run).values_list("page", "order_id"))
    assert ends == [(1, made[1].pk), (2, made[3].pk)]
