"""``POST /api/v1/orders/bulk``: up to 1,000 orders a call, each validated and stored on its own."""

from __future__ import annotations

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import Order, OrderLine
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
