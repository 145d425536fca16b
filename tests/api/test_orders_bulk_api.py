"""``POST /api/v1/orders/bulk``: up to 1,000 orders a call, each validated and stored on its own."""

from __future__ import annotations

import re
from typing import Any

from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import Order, OrderEvent, OrderLine
from tests.fixtures.api import ApiClient
from tests.fixtures.orders import order_payload


def test_every_valid_order_is_created_and_answered_by_index(
    api: ApiClient, account: Account
) -> None:
    # given three valid orders
    body = {"orders": [order_payload(number=f"BULK-{n}") for n in range(3)]}
    # when they are posted at once
    response = api.post("/orders/bulk", body)
    # then each is created, in order, as the single endpoint would store it
    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["created"], answer["refused"]) == (3, 0)
    stored = {order.number: order.pk for order in Order.objects.filter(account=account)}
    assert [(r["index"], r["status"], r["number"], r["id"]) for r in answer["results"]] == [
        (n, "created", f"BULK-{n}", stored[f"BULK-{n}"]) for n in range(3)
    ]
    single = api.post("/orders", order_payload(number="ONE")).json()
    bulk = api.get(f"/orders/{stored['BULK-0']}").json()
    different = {"id", "number", "created_at", "modified_at", "events", "lines"}
    assert {k: v for k, v in bulk.items() if k not in different} == {
        k: v for k, v in single.items() if k not in different
    }


def test_a_refused_order_names_its_fields_and_the_others_are_stored(
    api: ApiClient, account: Account
) -> None:
    # given a valid order, one with a bad currency, one whose total disagrees, and a
    # number already taken
    api.post("/orders", order_payload(number="TAKEN"))
    body = {
        "orders": [
            order_payload(number="GOOD"),
            order_payload(number="BAD-CURRENCY", currency="euro"),
            order_payload(number="BAD-TOTAL", total="1.00"),
            order_payload(number="TAKEN"),
        ]
    }
    # when they are posted at once
    answer = api.post("/orders/bulk", body).json()
    # then the good one is stored whole and each refusal says which field and why
    results = answer["results"]
    assert (answer["created"], answer["refused"]) == (1, 3)
    assert [r["status"] for r in results] == ["created", "refused", "refused", "refused"]
    assert [e["field"] for e in results[1]["errors"]] == ["currency"]
    assert [e["field"] for e in results[2]["errors"]] == ["total"]
    assert [e["field"] for e in results[3]["errors"]] == ["number"]
    assert sorted(Order.objects.filter(account=account).values_list("number", flat=True)) == [
        "GOOD",
        "TAKEN",
    ]
    assert OrderLine.objects.filter(order__number="BAD-TOTAL").count() == 0


def test_schema_errors_of_many_orders_are_answered_each_by_its_index_and_nested_field(
    api: ApiClient, account: Account
) -> None:
    # given, among valid orders, one with a bad line and bill-to country, and one missing
    # its ship-to address
    broken_lines = order_payload(number="BAD-LINE")
    broken_lines["lines"][0]["quantity"] = 0
    broken_lines["bill_to"] = {"country": "Narnia"}
    no_address = order_payload(number="NO-ADDRESS")
    del no_address["ship_to"]
    body = {
        "orders": [
            order_payload(number="FIRST"),
            broken_lines,
            order_payload(number="MIDDLE"),
            no_address,
            order_payload(number="LAST"),
        ]
    }
    # when they are posted at once
    answer = api.post("/orders/bulk", body).json()
    # then each refusal names its fields within its own order; the valid ones are stored
    assert [(r["index"], r["status"], r["number"]) for r in answer["results"]] == [
        (0, "created", "FIRST"),
        (1, "refused", None),
        (2, "created", "MIDDLE"),
        (3, "refused", None),
        (4, "created", "LAST"),
    ]
    assert [[e["field"] for e in r["errors"]] for r in answer["results"]] == [
        [],
        ["bill_to.country", "lines.0.quantity"],
        [],
        ["ship_to"],
        [],
    ]
    assert sorted(Order.objects.filter(account=account).values_list("number", flat=True)) == [
        "FIRST",
        "LAST",
        "MIDDLE",
    ]


def test_more_than_a_thousand_orders_or_none_are_refused_whole(
    api: ApiClient, account: Account
) -> None:
    # given a call with 1,001 orders and one with none
    too_many = {"orders": [{"number": str(n)} for n in range(1_001)]}
    # when they are posted
    answers = [api.post("/orders/bulk", too_many), api.post("/orders/bulk", {"orders": []})]
    # then both answer 422 naming the orders field, and nothing is stored
    assert [answer.status_code for answer in answers] == [422, 422]
    assert all(
        answer.json()["detail"][0]["loc"] == ["body", "body", "orders"] for answer in answers
    )
    assert not Order.objects.filter(account=account).exists()


def _inserts_to_post(api: ApiClient, count: int, prefix: str) -> int:
    body = {"orders": [order_payload(number=f"{prefix}-{n}") for n in range(count)]}
    with CaptureQueriesContext(connection) as captured:
        answer = api.post("/orders/bulk", body).json()
    assert answer["created"] == count
    # An executemany is one statement, logged as "<n> times: INSERT …".
    statements = [re.sub(r"^\d+ times: ", "", query["sql"]) for query in captured.captured_queries]
    return sum(1 for sql in statements if sql.startswith("INSERT"))


def test_the_valid_orders_of_a_call_are_stored_with_a_fixed_number_of_inserts(
    api: ApiClient, account: Account
) -> None:
    # given calls of 2 and of 10 orders (the first call also makes the manual channel; 10
    # orders stay within one of SQLite's 999-parameter insert batches)
    api.post("/orders/bulk", {"orders": [order_payload(number="WARM")]})
    # when each is posted
    inserts = (_inserts_to_post(api, 2, "TWO"), _inserts_to_post(api, 10, "TEN"))
    # then both took the same INSERTs: orders, lines, discounts, events, one each
    assert inserts == (4, 4)
    assert OrderLine.objects.filter(order__number__startswith="TEN-").count() == 20


def test_a_number_repeated_in_one_call_is_stored_once_and_refused_after(
    api: ApiClient, account: Account
) -> None:
    # given the same number twice in one call, with a valid order between
    body = {
        "orders": [
            order_payload(number="TWICE", customer_notes="first"),
            order_payload(number="BETWEEN"),
            order_payload(number="TWICE", customer_notes="second"),
        ]
    }
    # when it is posted
    answer = api.post("/orders/bulk", body).json()
    # then the first is stored, the repeat refused by its number, nothing else changed
    assert [(r["index"], r["status"]) for r in answer["results"]] == [
        (0, "created"),
        (1, "created"),
        (2, "refused"),
    ]
    assert [e["field"] for e in answer["results"][2]["errors"]] == ["number"]
    assert list(
        Order.objects.filter(account=account, number="TWICE").values_list(
            "customer_notes", flat=True
        )
    ) == ["first"]


def test_custom_statuses_are_checked_per_order_in_a_call(api: ApiClient, account: Account) -> None:
    # given a custom status of "paid" and one of "on_hold"
    api.post("/custom-statuses", {"name": "Packing", "status": "paid"})
    api.post("/custom-statuses", {"name": "Engraving", "status": "on_hold"})
    body = {
        "orders": [
            order_payload(number="C-1", custom_status="Packing"),
            order_payload(number="C-2", custom_status="Engraving"),
            order_payload(number="C-3", custom_status="Packing"),
            order_payload(number="C-4", custom_status="Nowhere"),
        ]
    }
    # when paid orders name them
    answer = api.post("/orders/bulk", body).json()
    # then the ones of the right status are stored with it, the others refused by field
    assert [r["status"] for r in answer["results"]] == ["created", "refused", "created", "refused"]
    assert [e["field"] for e in answer["results"][1]["errors"]] == ["custom_status"]
    assert [e["field"] for e in answer["results"][3]["errors"]] == ["custom_status"]
    assert dict(
        Order.objects.filter(account=account).values_list("number", "custom_status__name")
    ) == {"C-1": "Packing", "C-3": "Packing"}


def test_a_database_failing_mid_call_answers_503_and_stores_nothing(
    api: ApiClient, account: Account
) -> None:
    # given a database whose connection fails as the call writes the orders' events
    # (dropped mid-transaction; tests/reliability/test_connection_drops.py ends a real one)
    events = OrderEvent._meta.db_table

    def drop_at_events(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith(f'INSERT INTO "{events}"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    body = {"orders": [order_payload(number=f"CUT-{n}") for n in range(3)]}
    # when the call is made
    with connection.execute_wrapper(drop_at_events):
        response = api.post("/orders/bulk", body)
    # then the client is told to send it again, and no order is stored, not even in part
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "the database could not answer just now; send the request again"
    }
    assert Order.objects.filter(account=account).count() == 0
    assert OrderLine.objects.count() == 0
