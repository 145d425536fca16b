"""The sandbox marketplace through its HTTP API (Django's test client)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from crossdock.sandbox import queries, services
from crossdock.sandbox.faults import FaultKind, FaultSettings, draw_fault
from crossdock.sandbox.models import SandboxListing, SandboxShipment, SandboxStockUpdate
from tests.fixtures.sandbox import auth, make_shop

pytestmark = pytest.mark.django_db
API = "/sandbox/api/v1"


def _get(client: Client, token: str, path: str, **params: str) -> Any:
    response = client.get(f"{API}{path}", params, headers=auth(token))
    assert response.status_code == 200, response.content
    return response.json()


def _post(client: Client, token: str, path: str, body: object, **headers: str) -> Any:
    return client.post(
        f"{API}{path}",
        json.dumps(body),
        content_type="application/json",
        headers={**auth(token), **headers},
    )


SHIPMENT = {"carrier": "usps", "service": "priority", "tracking_number": "9400100000000000000001"}


def test_requests_without_a_known_token_are_refused() -> None:
    client = Client()
    make_shop()

    assert client.get(f"{API}/orders").status_code == 401
    assert client.get(f"{API}/orders", headers=auth("sbx_wrong")).status_code == 401
    assert client.get(f"{API}/orders", headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_shop_sees_only_its_own_orders() -> None:
    client = Client()
    shop, token = make_shop()
    other, other_token = make_shop("Maple Goods", "MG")
    services.generate_orders(shop, 2)
    services.generate_orders(other, 3)

    mine = _get(client, token, "/orders")["orders"]
    theirs = _get(client, other_token, "/orders")["orders"]

    assert [order["number"] for order in mine] == ["NC-1001", "NC-1002"]
    assert [order["number"] for order in theirs] == ["MG-1001", "MG-1002", "MG-1003"]
    assert client.get(f"{API}/orders/{theirs[0]['id']}", headers=auth(token)).status_code == 404


def test_generated_orders_use_every_order_feature() -> None:
    shop, _ = make_shop()

    documents = [order.document for order in services.generate_orders(shop, 60)]

    lines = [line for document in documents for line in document["lines"]]
    assert any(
        document["gift"]["is_gift"] and document["gift"]["message"] for document in documents
    )
    assert any(document["coupons"] for document in documents)
    assert any(line["options"] for line in lines)
    assert any(line["image_url"] for line in lines)
    assert all(document["shipping_address"]["phone"] is not None for document in documents)
    assert any(document["shipping_address"]["phone"] for document in documents)
    assert any(document["buyer_note"] for document in documents)
    assert any(document["seller_note"] for document in documents)
    assert any(len(document["lines"]) >= 3 for document in documents)
    assert {line["weight"]["unit"] for line in lines} == {"g", "kg", "oz", "lb"}
    assert {document["status"] for document in documents} == {"paid", "awaiting_payment"}


def test_generation_is_reproducible_for_the_same_shop_seed() -> None:
    first, _ = make_shop("One", "AA")
    second, _ = make_shop("Two", "AA")

    a = [order.document for order in services.generate_orders(first, 5)]
    b = [order.document for order in services.generate_orders(second, 5)]

    def strip(document: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in document.items() if k not in ("id", "created_at", "updated_at")}

    assert [strip(d) for d in a] == [strip(d) for d in b]
    assert len({d["buyer"]["name"] for d in a}) > 1


def test_orders_page_by_change_time_and_never_repeat_within_a_walk() -> None:
    client = Client()
    shop, token = make_shop()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for minute in range(5):
        services.generate_orders(shop, 1, now=start + timedelta(minutes=minute))

    seen: list[str] = []
    page_token: str | None = None
    pages = 0
    while True:
        params = {"limit": "2", "updated_since": "2026-11-01T00:01:00Z"}
        if page_token:
            params["page_token"] = page_token
        page = _get(client, token, "/orders", **params)
        pages += 1
        seen += [order["number"] for order in page["orders"]]
        page_token = page["next_page_token"]
        if page_token is None:
            break

    assert seen == ["NC-1002", "NC-1003", "NC-1004", "NC-1005"]
    assert pages == 2


def test_an_order_changed_while_paging_moves_to_the_end_and_is_served_again() -> None:
    client = Client()
    shop, token = make_shop()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    orders = [
        services.generate_orders(shop, 1, now=start + timedelta(minutes=m))[0] for m in range(4)
    ]
    first = _get(client, token, "/orders", limit="2")

    services.change_order(shop, orders[0].public_id, {"buyer_note": "later"})
    rest = _get(client, token, "/orders", limit="10", page_token=first["next_page_token"])

    assert [o["number"] for o in first["orders"]] == ["NC-1001", "NC-1002"]
    assert [o["number"] for o in rest["orders"]] == ["NC-1003", "NC-1004", "NC-1001"]
    assert rest["orders"][-1]["buyer_note"] == "later"


def test_a_bad_page_token_or_limit_is_refused() -> None:
    client = Client()
    _, token = make_shop()

    bad_token = client.get(f"{API}/orders", {"page_token": "%%%"}, headers=auth(token))
    bad_limit = client.get(f"{API}/orders", {"limit": "0"}, headers=auth(token))
    naive = client.get(
        f"{API}/orders", {"updated_since": "2026-11-01T00:00:00"}, headers=auth(token)
    )

    assert (bad_token.status_code, bad_limit.status_code, naive.status_code) == (422, 422, 422)


def test_a_shipment_with_the_same_idempotency_key_is_stored_once() -> None:
    client = Client()
    shop, token = make_shop()
    order = services.generate_orders(shop, 1)[0]

    first = _post(
        client,
        token,
        f"/orders/{order.public_id}/shipments",
        SHIPMENT,
        **{"Idempotency-Key": "k-1"},
    )
    again = _post(
        client,
        token,
        f"/orders/{order.public_id}/shipments",
        SHIPMENT,
        **{"Idempotency-Key": "k-1"},
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert SandboxShipment.objects.count() == 1
    found = _get(client, token, f"/orders/{order.public_id}/shipments", idempotency_key="k-1")
    assert [item["id"] for item in found["shipments"]] == [first.json()["id"]]
    assert _get(client, token, f"/orders/{order.public_id}")["status"] == "shipped"
    received = _get(client, token, "/received/shipments")["shipments"]
    assert [(s["carrier"], s["service"], s["tracking_number"]) for s in received] == [
        ("usps", "priority", "9400100000000000000001")
    ]


def test_a_partial_shipment_leaves_the_order_partially_shipped() -> None:
    client = Client()
    shop, token = make_shop()
    order = next(o for o in services.generate_orders(shop, 20) if len(o.document["lines"]) > 1)
    line = order.document["lines"][0]

    response = _post(
        client,
        token,
        f"/orders/{order.public_id}/shipments",
        {**SHIPMENT, "lines": [{"line_id": line["id"], "quantity": line["quantity"]}]},
    )

    assert response.status_code == 201
    assert _get(client, token, f"/orders/{order.public_id}")["status"] == "partially_shipped"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({**SHIPMENT, "carrier": "USPS"}, 422),
        ({**SHIPMENT, "carrier": "other"}, 422),
        ({**SHIPMENT, "tracking_number": " "}, 422),
        ({**SHIPMENT, "lines": [{"line_id": "nope", "quantity": 1}]}, 422),
        ({**SHIPMENT, "lines": [{"line_id": "{first}", "quantity": 99}]}, 409),
        ({**SHIPMENT, "shipped_on": "yesterday"}, 422),
        ({**SHIPMENT, "lines": [{"line_id": ["unhashable"], "quantity": 1}]}, 422),
        ({**SHIPMENT, "lines": ["not an object"]}, 422),
        ({**SHIPMENT, "lines": "all"}, 422),
    ],
)
def test_a_shipment_the_marketplace_refuses_stores_nothing(
    body: dict[str, Any], status: int
) -> None:
    client = Client()
    shop, token = make_shop()
    order = services.generate_orders(shop, 1)[0]
    if body.get("lines") == [{"line_id": "{first}", "quantity": 99}]:
        body = {**body, "lines": [{"line_id": order.document["lines"][0]["id"], "quantity": 99}]}

    response = _post(client, token, f"/orders/{order.public_id}/shipments", body)

    assert response.status_code == status, response.content
    assert SandboxShipment.objects.count() == 0
    assert _get(client, token, f"/orders/{order.public_id}")["status"] == order.status


def test_a_cancelled_order_takes_no_shipment() -> None:
    client = Client()
    shop, token = make_shop()
    order = services.generate_orders(shop, 1)[0]
    cancelled = client.post(f"{API}/simulate/orders/{order.public_id}/cancel", headers=auth(token))

    response = _post(client, token, f"/orders/{order.public_id}/shipments", SHIPMENT)

    assert cancelled.json()["status"] == "cancelled"
    assert response.status_code == 409
    assert SandboxShipment.objects.count() == 0


def test_stock_updates_are_applied_and_shown_and_one_bad_sku_changes_nothing() -> None:
    client = Client()
    shop, token = make_shop()

    ok = _post(client, token, "/stock", {"items": [{"sku": "MUG-FIKA", "quantity": 3}]})
    bad = _post(
        client,
        token,
        "/stock",
        {"items": [{"sku": "TEA-TIN-9", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]},
    )

    assert (ok.status_code, bad.status_code) == (200, 422)
    assert SandboxListing.objects.get(shop=shop, sku="MUG-FIKA").quantity == 3
    assert SandboxListing.objects.get(shop=shop, sku="TEA-TIN-9").quantity == 120
    received = _get(client, token, "/received/stock")["stock_updates"]
    assert [(u["sku"], u["quantity"]) for u in received] == [("MUG-FIKA", 3)]
    assert SandboxStockUpdate.objects.count() == 1
    listings = {
        item["sku"]: item["quantity"] for item in _get(client, token, "/listings")["listings"]
    }
    assert listings["MUG-FIKA"] == 3


def test_simulation_endpoints_generate_change_and_cancel_orders() -> None:
    client = Client()
    _, token = make_shop()

    created = _post(client, token, "/simulate/orders", {"count": 3})
    order_id = created.json()["orders"][0]["id"]
    changed = _post(
        client, token, f"/simulate/orders/{order_id}/change", {"changes": {"buyer_note": "hi"}}
    )
    cancelled = _post(client, token, f"/simulate/orders/{order_id}/cancel", {})

    assert created.status_code == 201
    assert len(created.json()["orders"]) == 3
    assert changed.json()["buyer_note"] == "hi"
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["updated_at"] >= changed.json()["updated_at"]


def test_faults_answer_429_with_retry_after_and_503() -> None:
    client = Client()
    _, token = make_shop()

    put = client.put(
        f"{API}/faults",
        json.dumps({"rate_limit_rate": "1", "retry_after_seconds": 7}),
        content_type="application/json",
        headers=auth(token),
    )
    limited = client.get(f"{API}/orders", headers=auth(token))
    client.put(
        f"{API}/faults",
        json.dumps({"rate_limit_rate": "0", "error_rate": "1"}),
        content_type="application/json",
        headers=auth(token),
    )
    failing = client.get(f"{API}/orders", headers=auth(token))
    inspection = client.get(f"{API}/received/shipments", headers=auth(token))

    assert put.json()["rate_limit_rate"] == "1.000"
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    assert failing.status_code == 503
    assert inspection.status_code == 200


def test_the_fault_log_lists_each_request_that_met_a_fault_with_its_call() -> None:
    # given a shop that answers one call, then rate limits every call, then fails writes
    client = Client()
    shop, token = make_shop()
    order = services.generate_orders(shop, 1)[0]
    client.get(f"{API}/orders", headers=auth(token))
    services.configure_faults(shop, {"rate_limit_rate": "1"})
    client.get(f"{API}/listings", headers=auth(token))
    services.configure_faults(shop, {"rate_limit_rate": "0", "error_rate": "1"})
    written = _post(client, token, f"/orders/{order.public_id}/shipments", SHIPMENT)

    # when the shop's fault log is read
    log = _get(client, token, "/received/faults")["faults"]

    # then it holds the two calls that met a fault, in order, and the inspection met none
    write_fault = draw_fault(FaultSettings(error_rate=Decimal("1")), 3, is_write=True)
    assert written.status_code == 503
    assert [(f["request_number"], f["method"], f["path"], f["kind"]) for f in log] == [
        (2, "GET", f"{API}/listings", "rate_limited"),
        (3, "POST", f"{API}/orders/{order.public_id}/shipments", str(write_fault)),
    ]
    shop.refresh_from_db()
    assert shop.request_count == 3


def test_fault_settings_out_of_range_change_nothing() -> None:
    client = Client()
    shop, token = make_shop()

    for body in (
        {"error_rate": "1.5"},
        {"error_rate": "-1"},
        {"nonsense": 1},
        {"delay_ms": "x"},
        {"delay_ms": 10**12},
        {"timeout_seconds": "1e9"},
        {"fault_seed": 2**40},
        {"retry_after_seconds": "NaN"},
    ):
        response = client.put(
            f"{API}/faults", json.dumps(body), content_type="application/json", headers=auth(token)
        )
        assert response.status_code == 422, body
    shop.refresh_from_db()
    assert (shop.error_rate, shop.delay_ms) == (Decimal("0"), 0)


def test_fault_draws_are_reproducible_and_follow_the_rates() -> None:
    settings = FaultSettings(error_rate=Decimal("0.3"), rate_limit_rate=Decimal("0.1"), seed=4)

    draws = [draw_fault(settings, number, is_write=True) for number in range(1, 2001)]

    assert draws == [draw_fault(settings, number, is_write=True) for number in range(1, 2001)]
    errors = draws.count(FaultKind.ERROR) + draws.count(FaultKind.ERROR_AFTER_WRITE)
    assert 500 < errors < 700
    assert 150 < draws.count(FaultKind.RATE_LIMITED) < 250
    assert draws.count(FaultKind.ERROR_AFTER_WRITE) > 200
    assert FaultKind.ERROR_AFTER_WRITE not in [
        draw_fault(settings, number, is_write=False) for number in range(1, 2001)
    ]


def test_an_error_after_write_stores_the_shipment_but_answers_503() -> None:
    client = Client()
    settings = FaultSettings(error_rate=Decimal("1"), seed=0)
    request_number = next(
        n
        for n in range(1, 100)
        if draw_fault(settings, n, is_write=True) == FaultKind.ERROR_AFTER_WRITE
    )
    shop, token = make_shop(error_rate="1", fault_seed=0)
    order = services.generate_orders(shop, 1)[0]
    type(shop).objects.filter(pk=shop.pk).update(request_count=request_number - 1)

    response = _post(
        client, token, f"/orders/{order.public_id}/shipments", SHIPMENT, **{"Idempotency-Key": "k"}
    )

    assert response.status_code == 503
    assert SandboxShipment.objects.filter(idempotency_key="k").count() == 1


def test_a_timeout_after_write_stores_the_shipment_then_hangs_and_answers_504() -> None:
    # given a shop whose next write meets a hang after the write is stored
    client = Client()
    settings = FaultSettings(timeout_rate=Decimal("1"), seed=0)
    draws = [draw_fault(settings, n, is_write=True) for n in range(1, 100)]
    request_number = draws.index(FaultKind.TIMEOUT_AFTER_WRITE) + 1
    shop, token = make_shop(timeout_rate="1", timeout_seconds="0.01", fault_seed=0)
    order = services.generate_orders(shop, 1)[0]
    type(shop).objects.filter(pk=shop.pk).update(request_count=request_number - 1)

    # when a shipment is posted
    response = _post(
        client, token, f"/orders/{order.public_id}/shipments", SHIPMENT, **{"Idempotency-Key": "k"}
    )

    # then it is stored although the answer is the hang's 504; reads never store first
    assert response.status_code == 504
    assert SandboxShipment.objects.filter(idempotency_key="k").count() == 1
    assert FaultKind.TIMEOUT in draws
    assert FaultKind.TIMEOUT_AFTER_WRITE not in [
        draw_fault(settings, n, is_write=False) for n in range(1, 100)
    ]


def test_slow_answers_still_answer_and_timeouts_hang_then_give_up() -> None:
    client = Client()
    shop, token = make_shop(delay_ms=5)

    slow = client.get(f"{API}/orders", headers=auth(token))
    services.configure_faults(shop, {"delay_ms": 0, "timeout_rate": "1", "timeout_seconds": "0.01"})
    hung = client.get(f"{API}/orders", headers=auth(token))

    assert slow.status_code == 200
    # A real client gave up long before: its read timeout is shorter than the hang.
    assert hung.status_code == 504


@pytest.mark.parametrize(
    "changes",
    [
        {"lines": 5},
        {"lines": []},
        {"lines": [{"id": "L1", "quantity": "two", "unit_price": "1.00"}]},
        {"lines": [{"quantity": 1, "unit_price": "1.00"}]},
        {"coupons": None},
        {"tax": "lots"},
        {"status": "x" * 30},
    ],
)
def test_a_change_that_would_break_the_order_is_refused_and_changes_nothing(
    changes: dict[str, Any],
) -> None:
    client = Client()
    shop, token = make_shop()
    order = services.generate_orders(shop, 1)[0]

    response = _post(
        client, token, f"/simulate/orders/{order.public_id}/change", {"changes": changes}
    )

    assert response.status_code == 422, response.content
    order.refresh_from_db()
    assert order.updated_at == order.created_at
    served = _get(client, token, f"/orders/{order.public_id}")["lines"]
    assert served == queries.order_document(order, "http://testserver")["lines"]


def test_stock_beyond_what_a_listing_holds_and_bodies_nested_too_deep_are_refused() -> None:
    client = Client()
    _, token = make_shop()

    huge = _post(client, token, "/stock", {"items": [{"sku": "MUG-FIKA", "quantity": 2**40}]})
    nested = client.post(
        f"{API}/stock",
        "[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        headers=auth(token),
    )

    assert (huge.status_code, nested.status_code) == (422, 422)
    assert nested.json() == {"error": "the body is not JSON"}
    assert SandboxStockUpdate.objects.count() == 0
