"""The orders API through its real entry point (URL routing, auth, validation, services)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from crossdock.core.dto import LineOption
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_token
from crossdock.hub.orders.models import Order, OrderEvent
from tests.fixtures.api import ApiClient
from tests.fixtures.orders import FULL_ORDER, make_order, order_data, order_payload

pytestmark = pytest.mark.django_db


def test_an_order_with_every_field_reads_back_exactly(api: ApiClient) -> None:
    created = api.post("/orders", FULL_ORDER)

    assert created.status_code == 201, created.content
    body = api.get(f"/orders/{created.json()['id']}").json()
    for field in (
        "number",
        "status",
        "currency",
        "customer",
        "bill_to",
        "ship_to",
        "payment_method",
        "requested_shipping_service",
        "shipping_paid",
        "tax",
        "total",
        "discounts",
        "gift",
        "gift_message",
        "customer_notes",
        "internal_notes",
        "weight",
    ):
        assert body[field] == FULL_ORDER[field], field
    assert datetime.fromisoformat(body["placed_at"]) == datetime.fromisoformat(
        FULL_ORDER["placed_at"]
    )
    assert body["channel"]["kind"] == "manual"
    assert body["custom_status"] is None
    assert body["fulfillments"] == []
    assert len(body["lines"]) == 2
    for sent, stored in zip(FULL_ORDER["lines"], body["lines"], strict=True):
        assert isinstance(stored["id"], int)
        assert stored["quantity_shipped"] == 0
        for key, value in sent.items():
            assert stored[key] == value, key


def test_money_is_sent_as_strings_with_two_places(api: ApiClient) -> None:
    body = api.post("/orders", order_payload(shipping_paid=5, tax="0", total=None)).json()

    assert body["shipping_paid"] == "5.00"
    assert body["tax"] == "0.00"
    assert body["total"] == "58.00"


def test_a_duplicate_number_on_the_channel_answers_409_and_changes_nothing(
    api: ApiClient,
) -> None:
    first = api.post("/orders", FULL_ORDER).json()

    again = api.post("/orders", order_payload(internal_notes="overwritten?"))

    assert again.status_code == 409
    assert Order.objects.count() == 1
    assert (
        api.get(f"/orders/{first['id']}").json()["internal_notes"] == FULL_ORDER["internal_notes"]
    )


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"currency": "EURO"}, ["body", "body", "currency"]),
        (
            {"ship_to": {**FULL_ORDER["ship_to"], "country": "XX"}},
            ["body", "body", "ship_to", "country"],
        ),
        (
            {"ship_to": {**FULL_ORDER["ship_to"], "country": "Ireland"}},
            ["body", "body", "ship_to", "country"],
        ),
        ({"lines": []}, ["body", "body", "lines"]),
        ({"placed_at": "2026-11-20T09:15:00"}, ["body", "body", "placed_at"]),
        ({"shipping_paid": "1.234"}, ["body", "body", "shipping_paid"]),
        ({"weight": {"value": "1", "unit": "stone"}}, ["body", "body", "weight", "unit"]),
    ],
)
def test_invalid_fields_answer_422_naming_the_field(
    api: ApiClient, change: dict[str, object], location: list[object]
) -> None:
    answer = api.post("/orders", order_payload(**change))

    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [location]
    assert Order.objects.count() == 0


def test_a_total_that_disagrees_with_its_parts_is_refused(api: ApiClient) -> None:
    answer = api.post("/orders", order_payload(total="70.00"))

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "body", "total"]
    assert "71.25" in answer.json()["detail"][0]["msg"]
    assert Order.objects.count() == 0


def test_one_account_cannot_read_or_change_another_accounts_orders(
    api: ApiClient, make_account: Callable[[str], Account]
) -> None:
    order = api.post("/orders", FULL_ORDER).json()
    intruder = ApiClient(create_token(make_account("Intruder"), "x").secret)

    assert intruder.get(f"/orders/{order['id']}").status_code == 404
    assert intruder.get("/orders").json()["count"] == 0
    assert intruder.patch(f"/orders/{order['id']}", {"internal_notes": "mine"}).status_code == 404
    assert intruder.post(f"/orders/{order['id']}/cancel").status_code == 404
    assert intruder.post("/orders", FULL_ORDER).status_code == 201  # its own manual channel
    stored = Order.objects.get(pk=order["id"])
    assert stored.internal_notes == FULL_ORDER["internal_notes"]
    assert stored.status == "paid"


def test_a_bad_or_revoked_token_is_refused(api: ApiClient, account: Account) -> None:
    assert ApiClient("cdk_nope_nope").get("/orders").status_code == 401
    issued = create_token(account, "short-lived")
    client = ApiClient(issued.secret)
    assert client.get("/orders").status_code == 200

    from crossdock.hub.accounts.services import revoke_token

    revoke_token(account, issued.token.pk)

    assert client.get("/orders").status_code == 401


def test_patch_changes_notes_and_address_and_moves_modified_at(api: ApiClient) -> None:
    order = api.post("/orders", FULL_ORDER).json()
    new_ship_to = {**FULL_ORDER["ship_to"], "address1": "Vasagatan 7"}

    changed = api.patch(
        f"/orders/{order['id']}", {"internal_notes": "Call first", "ship_to": new_ship_to}
    ).json()

    assert changed["internal_notes"] == "Call first"
    assert changed["ship_to"]["address1"] == "Vasagatan 7"
    assert changed["modified_at"] > order["modified_at"]
    kinds = list(OrderEvent.objects.filter(order_id=order["id"]).values_list("kind", flat=True))
    assert kinds == ["created", "notes_changed", "address_changed"]
    last = OrderEvent.objects.filter(order_id=order["id"]).last()
    assert last is not None
    assert last.actor.startswith("api_token:")


def test_a_patch_that_changes_nothing_leaves_modified_at(api: ApiClient) -> None:
    order = api.post("/orders", FULL_ORDER).json()

    same = api.patch(f"/orders/{order['id']}", {"internal_notes": FULL_ORDER["internal_notes"]})

    assert same.json()["modified_at"] == order["modified_at"]
    assert OrderEvent.objects.filter(order_id=order["id"]).count() == 1


def test_hold_and_release_restore_the_previous_status(api: ApiClient) -> None:
    order = api.post("/orders", order_payload(status="unpaid")).json()

    held = api.patch(f"/orders/{order['id']}", {"hold": True}).json()
    released = api.patch(f"/orders/{order['id']}", {"hold": False}).json()

    assert held["status"] == "on_hold"
    assert released["status"] == "unpaid"


def test_custom_statuses_belong_to_a_standard_status(api: ApiClient) -> None:
    created = api.post("/custom-statuses", {"name": "Engraving", "status": "on_hold"})
    assert created.status_code == 201
    assert api.post("/custom-statuses", {"name": "Engraving", "status": "paid"}).status_code == 409
    assert (
        api.post("/custom-statuses", {"name": "X", "status": "partially_shipped"}).status_code
        == 422
    )
    order = api.post("/orders", FULL_ORDER).json()

    wrong = api.patch(f"/orders/{order['id']}", {"custom_status": "Engraving"})
    api.patch(f"/orders/{order['id']}", {"hold": True})
    right = api.patch(f"/orders/{order['id']}", {"custom_status": "Engraving"})
    cleared = api.patch(f"/orders/{order['id']}", {"custom_status": None})

    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "body", "custom_status"]
    assert right.json()["custom_status"] == "Engraving"
    assert cleared.json()["custom_status"] is None
    assert api.get("/custom-statuses").json() == [
        {"id": created.json()["id"], "name": "Engraving", "status": "on_hold"}
    ]


def test_cancel_is_recorded_and_idempotent_but_shipped_orders_refuse(api: ApiClient) -> None:
    order = api.post("/orders", FULL_ORDER).json()

    first = api.post(f"/orders/{order['id']}/cancel", {"reason": "buyer asked"})
    second = api.post(f"/orders/{order['id']}/cancel")

    assert first.json()["status"] == "cancelled"
    assert second.status_code == 200
    assert OrderEvent.objects.filter(order_id=order["id"], kind="cancelled").count() == 1
    Order.objects.filter(pk=order["id"]).update(status="shipped")
    assert api.post(f"/orders/{order['id']}/cancel").status_code == 409


def test_list_filters_and_paginates(api: ApiClient) -> None:
    for index in range(5):
        api.post(
            "/orders", order_payload(number=f"N-{index}", status="unpaid" if index % 2 else "paid")
        )

    page = api.get("/orders", page_size=2, page=2).json()
    unpaid = api.get("/orders", status="unpaid").json()
    by_number = api.get("/orders", number="N-3").json()
    later = api.get("/orders", modified_since="2999-01-01T00:00:00Z").json()

    assert (page["count"], page["pages"], len(page["items"])) == (5, 3, 2)
    assert {order["number"] for order in unpaid["items"]} == {"N-1", "N-3"}
    assert [order["number"] for order in by_number["items"]] == ["N-3"]
    assert later["count"] == 0


def test_a_custom_status_name_with_a_comma_is_refused(api: ApiClient) -> None:
    answer = api.post("/custom-statuses", {"name": "Packed, waiting", "status": "paid"})

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "body", "name"]
    assert api.get("/custom-statuses").json() == []


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"number": "   "}, ["body", "body", "number"]),
        ({"customer_notes": "nul\x00byte"}, ["body", "body", "customer_notes"]),
        (
            {"ship_to": {**FULL_ORDER["ship_to"], "city": "G\x00teborg"}},
            ["body", "body", "ship_to", "city"],
        ),
        ({"placed_at": "9999-12-31T23:59:59-05:00"}, ["body", "body", "placed_at"]),
    ],
)
def test_blank_numbers_nul_characters_and_unstorable_dates_answer_422(
    api: ApiClient, change: dict[str, object], location: list[object]
) -> None:
    answer = api.post("/orders", order_payload(**change))

    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [location]
    assert Order.objects.count() == 0


def test_a_total_beyond_what_money_fields_hold_is_refused_and_nothing_is_stored(
    api: ApiClient,
) -> None:
    lines = [{"name": "Crate", "quantity": 1_000_000, "unit_price": "9999999.99"}]

    answer = api.post("/orders", order_payload(lines=lines, discounts=[], total=None))

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "body", "total"]
    assert "beyond 9999999.99" in answer.json()["detail"][0]["msg"]
    assert Order.objects.count() == 0
    assert OrderEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"status": "shipping"}, ["query", "status"]),
        ({"modified_since": "2026-11-20T09:15:00"}, ["query", "modified_since"]),
        ({"page": 10**30}, ["query", "page"]),
    ],
)
def test_bad_list_filters_answer_422_naming_the_parameter(
    api: ApiClient, params: dict[str, object], location: list[object]
) -> None:
    api.post("/orders", FULL_ORDER)

    answer = api.get("/orders", **params)

    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [location]


def test_modified_since_in_another_zone_compares_the_instant(api: ApiClient) -> None:
    order = api.post("/orders", FULL_ORDER).json()
    modified = datetime.fromisoformat(order["modified_at"])
    just_before = (modified - timedelta(seconds=1)).astimezone(timezone(timedelta(hours=-5)))

    found = api.get("/orders", modified_since=just_before.isoformat()).json()

    assert [item["id"] for item in found["items"]] == [order["id"]]


def test_an_order_a_channel_stored_beyond_the_request_limits_still_reads(
    api: ApiClient, account: Account
) -> None:
    engraving = "Für Oma — " + "♥" * 150
    line = replace(order_data("CH-1").lines[0], options=(LineOption("Engraving", engraving),))
    stored = make_order(account, "CH-1", lines=(line,))

    answer = api.get(f"/orders/{stored.pk}")

    assert answer.status_code == 200
    assert answer.json()["lines"][0]["options"] == [{"name": "Engraving", "value": engraving}]


def test_remapping_a_custom_status_takes_it_off_its_orders_with_an_event(api: ApiClient) -> None:
    custom = api.post("/custom-statuses", {"name": "Packing", "status": "paid"}).json()
    order = api.post("/orders", order_payload(custom_status="Packing")).json()

    same = api.patch(f"/custom-statuses/{custom['id']}", {"name": "Packing"})
    unchanged = api.get(f"/orders/{order['id']}").json()
    api.patch(f"/custom-statuses/{custom['id']}", {"status": "on_hold"})
    remapped = api.get(f"/orders/{order['id']}").json()

    assert same.status_code == 200
    assert unchanged["modified_at"] == order["modified_at"]
    assert remapped["custom_status"] is None
    assert remapped["modified_at"] > order["modified_at"]
    event = OrderEvent.objects.filter(order_id=order["id"]).last()
    assert event is not None
    assert event.message == "Custom status Packing removed: it now belongs to On hold"
    assert event.actor.startswith("api_token:")


def test_renaming_a_custom_status_moves_its_orders_in_the_export_window(api: ApiClient) -> None:
    custom = api.post("/custom-statuses", {"name": "Packing", "status": "paid"}).json()
    order = api.post("/orders", order_payload(custom_status="Packing")).json()

    api.patch(f"/custom-statuses/{custom['id']}", {"name": "Boxed"})
    renamed = api.get(f"/orders/{order['id']}").json()

    assert renamed["custom_status"] == "Boxed"
    assert renamed["modified_at"] > order["modified_at"]
