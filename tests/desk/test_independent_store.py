"""The desk imports from an independent Custom Store (not Crossdock's), quirks and all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.models import DeskOrder, DeskProduct
from crossdock.desk.stores.models import DeskStore, ImportRun
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import connect_corner_shop
from tests.fixtures.independent_store import (
    MAPPING,
    Answer,
    IndependentStore,
    StoreItem,
    StoreOrder,
    full_order,
)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def test_connect_and_import_from_an_independent_store(
    desk_api: DeskApiClient, independent_store: IndependentStore
) -> None:
    # given a store with quirks: no OrderID, 12-hour AM/PM dates, CDATA everywhere, no pages
    now = _now()
    independent_store.orders = [
        full_order("1001", now - timedelta(hours=3)),
        StoreOrder(
            "1002", "Awaiting Payment", now - timedelta(hours=2), [StoreItem("S", "S", 1, "1")]
        ),
        StoreOrder("1003", "processing", now - timedelta(hours=2), [StoreItem("S", "S", 1, "1")]),
        StoreOrder("1004", "Fraud Review", now - timedelta(hours=1), [StoreItem("S", "S", 1, "1")]),
        StoreOrder("1005", "On Hold", now - timedelta(minutes=5), [StoreItem("S", "S", 1, "1")]),
    ]

    # when the merchant connects it
    answer = desk_api.post(
        "/stores",
        {
            "kind": "custom",
            "name": "Corner Shop",
            "url": independent_store.url,
            "username": independent_store.username,
            "password": independent_store.password,
            "status_mapping": MAPPING,
        },
    )

    # then the test call saw the orders and names the statuses no mapping covers
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["test"]["orders"] == 5
    assert body["test"]["pages"] == 1
    assert body["test"]["unmapped_statuses"] == ["Fraud Review", "processing"]
    assert "password" not in body["store"]
    store_id = body["store"]["id"]

    # when it imports
    summary = desk_api.post(f"/stores/{store_id}/import").json()

    # then mapped orders are created, unmapped ones (case-sensitive) are skipped with reasons
    assert summary["fetched"] == 5
    assert summary["created"] == 3
    assert summary["updated"] == 0
    assert summary["succeeded"] is True
    assert summary["skipped"] == [
        {"order_number": "1003", "reason": 'status "processing" is not mapped to a desk status'},
        {"order_number": "1004", "reason": 'status "Fraud Review" is not mapped to a desk status'},
    ]
    statuses = dict(DeskOrder.objects.values_list("order_number", "status"))
    assert statuses == {"1001": "awaiting_shipment", "1002": "awaiting_payment", "1005": "on_hold"}

    # and every detail of the full order is kept and shown
    order_id = DeskOrder.objects.get(order_number="1001").pk
    detail = desk_api.get(f"/orders/{order_id}").json()
    assert detail["order_id"] == ""
    assert detail["order_date"] == (now - timedelta(hours=4)).isoformat().replace("+00:00", "Z")
    assert detail["requested_service"] == "Royal Mail Tracked 24"
    assert detail["payment_method"] == "PayPal"
    assert detail["currency"] == "GBP"
    assert detail["order_total"] == "52.40"
    assert detail["tax_amount"] == "4.40"
    assert detail["shipping_amount"] == "3.00"
    assert detail["customer_notes"] == "Leave with the neighbour & thank you"
    assert detail["internal_notes"] == "VIP <customer>"
    assert detail["gift"] is True
    assert detail["gift_message"] == "Happy birthday! ]]> from us"
    assert detail["custom_fields"] == ["wholesale", "", ""]
    assert detail["requested_warehouse"] == "Leeds"
    assert detail["source"] == "eBay"
    assert detail["ship_to"]["phone"] == "+44 20 7946 0018"
    assert detail["bill_to"]["email"] == "buyer@example.com"
    # 2 × 6 oz + 1 × 300 g, mixed units, summed in grams
    assert detail["weight"] == {"value": "640.1943", "unit": "g"}
    tee, mug = detail["lines"]
    assert tee["image_url"] == "https://img.example/tee.jpg"
    assert tee["weight"] == {"value": "6", "unit": "oz"}
    assert tee["location"] == "A-01"
    assert tee["options"] == [
        {"name": "Size", "value": "M", "weight": None},
        {"name": "Colour", "value": "Forest green", "weight": None},
    ]
    assert mug["weight"] == {"value": "300", "unit": "g"}
    (coupon,) = detail["discounts"]
    assert coupon["name"] == "Coupon SPRING"
    assert coupon["unit_price"] == "-5.00"
    assert sorted(DeskProduct.objects.values_list("sku", flat=True)) == ["MUG", "S", "TEE-M"]

    # and the export carried the merchant's own query, and no credential in it (they went
    # as HTTP Basic, the default)
    export = independent_store.exports[-1]
    assert export["store"] == "main"
    assert "SS-UserName" not in export
    assert "SS-Password" not in export
    assert export["page"] == "1"


def _store(account: DeskAccount, independent_store: IndependentStore) -> DeskStore:
    return connect_corner_shop(account, independent_store)


def test_pages_are_fetched_in_order_and_duplicates_united(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given a store that pages two orders at a time and five orders in the window
    now = _now()
    independent_store.page_size = 2
    independent_store.orders = [
        StoreOrder(
            f"20{n}", "Ready", now - timedelta(minutes=50 - n), [StoreItem("S", "S", 1, "1")]
        )
        for n in range(5)
    ]
    store = _store(desk_account, independent_store)

    # when it imports
    summary = run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then all three pages were fetched in order and every order created once
    assert [e["page"] for e in independent_store.exports[-3:]] == ["1", "2", "3"]
    assert summary.created == 5
    assert summary.succeeded is True
    run = ImportRun.objects.get(pk=summary.run_id)
    assert (run.pages_total, run.pages_fetched, run.mark_advanced) == (3, 3, True)
    store.refresh_from_db()
    assert store.import_mark == run.window_end


def test_a_failed_page_keeps_the_mark_and_retries_with_back_off(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given a store whose page 2 of 3 fails, after one good import
    now = _now()
    independent_store.page_size = 2
    store = _store(desk_account, independent_store)
    first = run_import(store.pk, ImportRun.Trigger.MANUAL)
    store.refresh_from_db()
    mark = store.import_mark
    assert first.succeeded
    assert mark is not None
    independent_store.orders = [
        StoreOrder(f"30{n}", "Ready", now - timedelta(minutes=2), [StoreItem("S", "S", 1, "1")])
        for n in range(5)
    ]
    independent_store.failing_pages = {2}

    # when it imports again
    summary = run_import(store.pk, ImportRun.Trigger.SCHEDULE)

    # then the orders of page 1 are kept, the run failed naming the page, the mark stayed
    assert summary.succeeded is False
    assert (
        summary.error
        == "page 2 of 3: The store answered HTTP 500 (text/plain). It said: 'database is down'"
    )
    assert summary.created == 2
    assert summary.mark_advanced is False
    store.refresh_from_db()
    assert store.import_mark == mark
    assert store.connection == DeskStore.Connection.ERROR
    assert store.last_error == summary.error
    assert store.auto_import is True  # a failure never turns auto-import off
    assert store.import_failures == 1
    assert store.next_import_at is not None
    assert store.last_import_at is not None
    assert timedelta(0) < store.next_import_at - store.last_import_at <= timedelta(minutes=1)

    # when the store recovers, the next import covers the same window and advances the mark
    independent_store.failing_pages = set()
    again = run_import(store.pk, ImportRun.Trigger.SCHEDULE)
    assert again.succeeded is True
    assert (again.created, again.unchanged) == (3, 2)
    store.refresh_from_db()
    assert again.mark_advanced is True
    assert store.import_mark == ImportRun.objects.get(pk=again.run_id).window_end
    assert (store.connection, store.import_failures, store.last_error) == ("ok", 0, "")


def test_a_store_failing_for_days_backs_off_an_hour_not_past_a_timedelta(
    desk_api: DeskApiClient, desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given a store that has failed to import many times in a row and still fails
    store = _store(desk_account, independent_store)
    DeskStore.objects.filter(pk=store.pk).update(import_failures=200)
    independent_store.answer = Answer(503, b"Maintenance")

    # when the merchant imports now over the API
    response = desk_api.post(f"/stores/{store.pk}/import")

    # then the run fails with its reason and the next try is an hour later (the cap)
    assert response.status_code == 200, response.content
    assert response.json()["succeeded"] is False
    assert response.json()["error"] == (
        "page 1 of 1: The store answered HTTP 503 (text/plain). It said: 'Maintenance'"
    )
    store.refresh_from_db()
    assert store.import_failures == 201
    assert store.importing_since is None
    assert store.next_import_at is not None
    assert store.last_import_at is not None
    assert store.next_import_at - store.last_import_at == timedelta(hours=1)


def test_an_older_last_modified_never_resurrects_a_closed_order(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given orders imported as shipped and cancelled
    now = _now()
    item = [StoreItem("S", "S", 1, "1")]
    independent_store.orders = [
        StoreOrder("401", "Complete", now - timedelta(minutes=10), item),
        StoreOrder("402", "Cancelled", now - timedelta(minutes=10), item),
    ]
    store = _store(desk_account, independent_store)
    run_import(store.pk, ImportRun.Trigger.MANUAL)
    assert dict(DeskOrder.objects.values_list("order_number", "status")) == {
        "401": "shipped",
        "402": "cancelled",
    }

    # when the store serves older copies of them as open orders (a restored backup)
    independent_store.orders = [
        StoreOrder("401", "Processing", now - timedelta(minutes=30), item),
        StoreOrder("402", "Ready", now - timedelta(minutes=30), item),
    ]
    DeskStore.objects.filter(pk=store.pk).update(import_mark=None)
    summary = run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then nothing changes and the import says why
    assert dict(DeskOrder.objects.values_list("order_number", "status")) == {
        "401": "shipped",
        "402": "cancelled",
    }
    assert summary.updated == 0
    assert [s.order_number for s in summary.skipped] == ["401", "402"]
    assert "is older than the desk's copy" in summary.skipped[0].reason

    # nor does a copy of the same minute that would reopen the shipped one
    independent_store.orders = [StoreOrder("401", "Processing", now - timedelta(minutes=10), item)]
    DeskStore.objects.filter(pk=store.pk).update(import_mark=None)
    tie = run_import(store.pk, ImportRun.Trigger.MANUAL)
    assert (tie.updated, tie.unchanged) == (0, 1)
    assert DeskOrder.objects.get(order_number="401").status == "shipped"

    # but a newer change from the store is applied
    independent_store.orders = [StoreOrder("402", "Ready", now - timedelta(minutes=1), item)]
    assert run_import(store.pk, ImportRun.Trigger.MANUAL).updated == 1
    assert DeskOrder.objects.get(order_number="402").status == "awaiting_shipment"


def test_status_mapping_is_case_sensitive_and_changes_apply_on_update(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    now = _now()
    independent_store.orders = [
        StoreOrder("501", "Ready", now - timedelta(minutes=10), [StoreItem("S", "S", 1, "1")])
    ]
    store = _store(desk_account, independent_store)
    assert run_import(store.pk, ImportRun.Trigger.MANUAL).created == 1

    # when the store puts the order on hold, then writes its status in another case
    independent_store.orders[0] = StoreOrder(
        "501", "On Hold", now - timedelta(minutes=5), [StoreItem("S", "S", 1, "1")]
    )
    assert run_import(store.pk, ImportRun.Trigger.MANUAL).updated == 1
    assert DeskOrder.objects.get().status == "on_hold"
    independent_store.orders[0] = StoreOrder(
        "501", "ON HOLD", now - timedelta(minutes=2), [StoreItem("S", "S", 1, "1")]
    )
    summary = run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then the unmapped spelling is skipped and the order stays as it was
    assert summary.updated == 0
    assert summary.skipped[0].reason == 'status "ON HOLD" is not mapped to a desk status'
    order = DeskOrder.objects.get()
    assert (order.status, order.store_status) == ("on_hold", "On Hold")
    assert Decimal(order.order_total) == Decimal("0.00")


def test_an_order_too_large_to_store_is_skipped_and_the_import_goes_on(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given an order whose total weight (a million units of a tonne) no column can hold,
    # beside an ordinary one
    now = _now()
    heavy = StoreItem("ANVIL", "Anvil", 1_000_000, "0", weight="1000000", weight_units="Grams")
    independent_store.orders = [
        StoreOrder("501", "Ready", now - timedelta(minutes=3), [heavy]),
        StoreOrder("502", "Ready", now - timedelta(minutes=2), [StoreItem("S", "S", 1, "1")]),
    ]
    store = _store(desk_account, independent_store)

    # when it imports
    summary = run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then the ordinary order is stored, the other skipped with its reason, and the
    # import still succeeds
    assert summary.succeeded is True
    assert summary.created == 1
    assert [(s.order_number, s.reason) for s in summary.skipped] == [
        ("501", "its weight, 1000000000000 g, is too large to store")
    ]
    assert list(DeskOrder.objects.values_list("order_number", flat=True)) == ["502"]
