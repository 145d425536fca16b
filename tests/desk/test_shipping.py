"""Shipping: whole or chosen lines, one notice per shipment, retries, resend, void, e-mails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from lxml import etree

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments.emails import send_buyer_email
from crossdock.desk.shipments.models import BuyerEmail, Shipment, StoreNotice
from crossdock.desk.shipments.notices import deliver_notice
from crossdock.desk.shipments.tasks import enqueue_due_notices
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import update_settings
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import connect_corner_shop, desk_client
from tests.fixtures.independent_store import (
    Answer,
    IndependentStore,
    StoreOrder,
    full_order,
)
from tests.fixtures.tasks import run_tasks


@pytest.fixture
def order(desk_account: DeskAccount, independent_store: IndependentStore) -> DeskOrder:
    """Order 1001 imported: 2 × TEE-M (L1), 1 × MUG (L2), a coupon line (L3)."""
    independent_store.orders = [full_order("1001", datetime.now(UTC) - timedelta(hours=1))]
    store = connect_corner_shop(desk_account, independent_store)
    update_settings(desk_account, store.pk, {"company_name": "Corner Shop Ltd"})
    run_import(store.pk, ImportRun.Trigger.MANUAL)
    return DeskOrder.objects.get(order_number="1001")


def _lines(order: DeskOrder) -> dict[str, int]:
    return {line.sku: line.pk for line in order.lines.all() if line.sku}


def _notice_xml(body: bytes) -> dict[str, Any]:
    root = etree.fromstring(body)
    container = root.find("Items")
    items = [
        {child.tag: child.text or "" for child in item}
        for item in (container if container is not None else ())
    ]
    return {"fields": {child.tag: child.text or "" for child in root}, "items": items}


def test_an_order_ships_in_two_shipments_with_one_notice_each(
    desk_api: DeskApiClient, order: DeskOrder, independent_store: IndependentStore
) -> None:
    lines = _lines(order)

    # when one tee ships first, the desk e-mailing the buyer
    first = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {
            "carrier": "USPS",
            "service": "Priority Mail",
            "tracking_number": "9400111899223100000001",
            "shipping_cost": "7.35",
            "ship_date": "2026-03-02",
            "notes_to_buyer": "The mug follows tomorrow",
            "notify_buyer": True,
            "lines": [{"line_id": lines["TEE-M"], "quantity": 1}],
        },
    )

    # then it is recorded, its notice and e-mail pending, the order still awaiting shipment
    assert first.status_code == 201, first.content
    shipped = first.json()
    assert shipped["notice"]["state"] == "pending"
    assert shipped["email"]["state"] == "pending"
    assert shipped["lines"] == [
        {
            "line_id": lines["TEE-M"],
            "line_item_id": "L1",
            "sku": "TEE-M",
            "name": "Organic tee",
            "quantity": 1,
        }
    ]
    assert desk_api.get(f"/orders/{order.pk}").json()["status"] == "awaiting_shipment"

    # when the background jobs run
    run_tasks()

    # then the store got one notice with that line only, NotifyCustomer=false (the desk
    # e-mailed), Basic auth and no credential in the query, and the buyer one branded e-mail
    assert len(independent_store.notices) == 1
    query, body, authorization = independent_store.notices[0]
    assert query["action"] == "shipnotify"
    assert query["order_number"] == "1001"
    assert query["carrier"] == "USPS"
    assert query["service"] == "Priority Mail"
    assert query["tracking_number"] == "9400111899223100000001"
    assert "SS-UserName" not in query
    assert "SS-Password" not in query
    assert authorization.startswith("Basic ")
    notice = _notice_xml(body)
    assert notice["fields"]["OrderNumber"] == "1001"
    assert notice["fields"]["NotifyCustomer"] == "false"
    assert notice["fields"]["ShipDate"] == "03/02/2026"
    assert notice["fields"]["ShippingCost"] == "7.35"
    assert notice["fields"]["NotesToCustomer"] == "The mug follows tomorrow"
    assert notice["fields"]["CustomField1"] == "wholesale"
    assert notice["items"] == [
        {"LineItemID": "L1", "SKU": "TEE-M", "Name": "Organic tee", "Quantity": "1"}
    ]
    (email,) = mail.outbox
    assert email.to == ["buyer@example.com"]
    assert email.subject == "Your order 1001 from Corner Shop Ltd has shipped"
    html = str(email.alternatives[0][0])  # type: ignore[attr-defined]
    assert "https://img.example/tee.jpg" in html
    assert "Forest green" in html
    assert "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223100000001" in html
    assert "The mug follows tomorrow" in html
    assert "9400111899223100000001" in email.body
    state = desk_api.get(f"/shipments/{shipped['id']}").json()
    assert state["notice"]["state"] == "sent"
    assert state["notice"]["answer_status"] == 200
    assert state["email"]["state"] == "sent"

    # when the rest ships without naming lines and without e-mailing the buyer
    second = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {"carrier": "UPS", "tracking_number": "1Z999AA10123456784", "notify_buyer": False},
    )
    run_tasks()

    # then its notice carries the remaining lines, NotifyCustomer=true, and the order shipped
    assert second.status_code == 201
    assert [(line["sku"], line["quantity"]) for line in second.json()["lines"]] == [
        ("TEE-M", 1),
        ("MUG", 1),
    ]
    assert len(independent_store.notices) == 2
    notice = _notice_xml(independent_store.notices[1][1])
    assert notice["fields"]["NotifyCustomer"] == "true"
    assert [item["SKU"] for item in notice["items"]] == ["TEE-M", "MUG"]
    assert len(mail.outbox) == 1
    assert desk_api.get(f"/orders/{order.pk}").json()["status"] == "shipped"


def test_notices_and_emails_are_never_sent_twice(
    desk_api: DeskApiClient, order: DeskOrder, independent_store: IndependentStore
) -> None:
    body = {"carrier": "FedEx", "tracking_number": "794698765432", "notify_buyer": True}
    first = desk_api.post(f"/orders/{order.pk}/shipments", body)
    run_tasks()

    # when the same shipment is posted again, and the jobs are run again by hand
    again = desk_api.post(f"/orders/{order.pk}/shipments", {**body, "carrier": "fedex"})
    shipment = Shipment.objects.get()
    deliver_notice(shipment.notice.pk)
    send_buyer_email(shipment.pk)
    enqueue_due_notices()
    run_tasks()

    # then it is the same shipment: one notice posted, one e-mail sent
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Shipment.objects.count() == 1
    assert len(independent_store.notices) == 1
    assert len(mail.outbox) == 1

    # when the merchant resends the notice, it is posted once more (on purpose)
    resent = desk_api.post(f"/shipments/{shipment.pk}/resend")
    assert resent.json()["notice"]["state"] == "pending"
    run_tasks()
    assert len(independent_store.notices) == 2
    assert len(mail.outbox) == 1


def test_a_failed_notice_keeps_the_answer_and_retries_with_back_off(
    desk_api: DeskApiClient, order: DeskOrder, independent_store: IndependentStore
) -> None:
    # given a store that refuses the notice
    independent_store.notice_answer = Answer(400, b"Order 1001 is locked")
    shipment_id = desk_api.post(
        f"/orders/{order.pk}/shipments", {"carrier": "DHL", "tracking_number": "JD014600006"}
    ).json()["id"]

    # when the job runs
    before = datetime.now(UTC)
    run_tasks()
    after = datetime.now(UTC)

    # then the notice failed with the store's answer, due again in a minute
    notice = StoreNotice.objects.get()
    assert notice.state == "failed"
    assert notice.attempts == 1
    assert notice.answer_status == 400
    assert (
        notice.answer == "The store answered HTTP 400 (text/plain). It said: 'Order 1001 is locked'"
    )
    assert notice.next_attempt_at is not None
    assert before + timedelta(minutes=1) <= notice.next_attempt_at <= after + timedelta(minutes=1)

    # when the schedule ticks before it is due, nothing is posted
    enqueue_due_notices()
    run_tasks()
    assert len(independent_store.notices) == 1

    # when it is due and the store accepts
    independent_store.notice_answer = Answer(200, b"")
    StoreNotice.objects.update(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    enqueue_due_notices()
    run_tasks()

    # then the retry is sent
    state = desk_api.get(f"/shipments/{shipment_id}").json()["notice"]
    assert (state["state"], state["attempts"], state["answer_status"]) == ("sent", 2, 200)
    assert len(independent_store.notices) == 2


def test_a_voided_shipment_returns_its_lines_and_is_never_reported(
    desk_api: DeskApiClient, order: DeskOrder, independent_store: IndependentStore
) -> None:
    shipment_id = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {"carrier": "USPS", "tracking_number": "9400100000000000000001"},
    ).json()["id"]
    assert DeskOrder.objects.get().status == "shipped"

    voided = desk_api.post(f"/shipments/{shipment_id}/void")
    run_tasks()

    assert voided.json()["voided"] is True
    assert voided.json()["notice"]["state"] == "not_sent"
    assert independent_store.notices == []
    assert DeskOrder.objects.get().status == "awaiting_shipment"
    assert sorted(order.lines.values_list("quantity_shipped", flat=True)) == [0, 0, 0]
    # the same tracking number can be recorded again once voided
    again = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {"carrier": "USPS", "tracking_number": "9400100000000000000001"},
    )
    assert again.status_code == 201
    assert desk_api.post(f"/shipments/{shipment_id}/void").status_code == 409


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"carrier": "Pigeon", "tracking_number": "X1"}, 422, "unknown carrier 'Pigeon'"),
        ({"carrier": "USPS"}, 422, "enter the tracking number of the label"),
        (
            {"carrier": "USPS", "tracking_number": "A", "lines": [{"line_id": 0, "quantity": 1}]},
            422,
            "order 1001 has no line 0",
        ),
        ({"carrier": "USPS", "tracking_number": "A", "shipping_cost": "-1.00"}, 422, None),
    ],
)
def test_bad_shipments_are_refused_and_change_nothing(
    desk_api: DeskApiClient, order: DeskOrder, body: dict[str, Any], status: int, detail: str | None
) -> None:
    answer = desk_api.post(f"/orders/{order.pk}/shipments", body)

    assert answer.status_code == status
    if detail is not None:
        assert answer.json()["detail"][0]["msg"] == detail
    assert Shipment.objects.count() == 0
    assert StoreNotice.objects.count() == 0
    assert BuyerEmail.objects.count() == 0


def test_too_many_units_and_closed_orders_are_refused(
    desk_api: DeskApiClient, order: DeskOrder
) -> None:
    tee = _lines(order)["TEE-M"]

    too_many = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {"carrier": "USPS", "tracking_number": "A1", "lines": [{"line_id": tee, "quantity": 3}]},
    )
    DeskOrder.objects.filter(pk=order.pk).update(status="on_hold")
    on_hold = desk_api.post(
        f"/orders/{order.pk}/shipments", {"carrier": "USPS", "tracking_number": "A2"}
    )

    assert too_many.status_code == 422
    assert too_many.json()["detail"][0] == {
        "type": "value_error",
        "loc": ["body", "body", "lines", "0"],
        "msg": f"only 2 of line {tee} is left to ship",
    }
    assert on_hold.status_code == 409
    assert on_hold.json() == {"detail": "order 1001 is on hold; it cannot ship"}
    assert Shipment.objects.count() == 0


def test_a_store_set_never_to_be_notified_gets_no_notice(
    desk_api: DeskApiClient,
    desk_account: DeskAccount,
    order: DeskOrder,
    independent_store: IndependentStore,
) -> None:
    store = DeskStore.objects.get()
    update_settings(desk_account, store.pk, {"notify_store": "never"})

    shipped = desk_api.post(f"/orders/{order.pk}/shipments", {"carrier": "Other"}).json()
    run_tasks()

    assert shipped["notice"]["state"] == "not_sent"
    assert shipped["notice"]["answer"] == "the store's settings say never to notify it"
    assert independent_store.notices == []


def test_the_store_order_number_is_how_an_order_without_id_is_recognised(
    desk_account: DeskAccount, order: DeskOrder, independent_store: IndependentStore
) -> None:
    store = DeskStore.objects.get()
    independent_store.orders.append(
        StoreOrder(
            "1001", "Processing", datetime.now(UTC), full_order("x", datetime.now(UTC)).items
        )
    )

    summary = run_import(store.pk, ImportRun.Trigger.MANUAL)

    assert DeskOrder.objects.count() == 1
    assert summary.created == 0


def test_a_delayed_notice_waits_for_its_moment_and_a_void_drops_it(
    desk_api: DeskApiClient,
    desk_account: DeskAccount,
    order: DeskOrder,
    independent_store: IndependentStore,
) -> None:
    # given a store told three hours after each label
    store = DeskStore.objects.get()
    update_settings(
        desk_account, store.pk, {"notify_store": "after_hours", "notify_store_hours": 3}
    )

    # when an order ships and the queue runs
    response = desk_api.post(
        f"/orders/{order.pk}/shipments", {"carrier": "USPS", "tracking_number": "T-9"}
    )
    assert response.status_code == 201, response.content
    shipped = response.json()
    run_tasks()
    enqueue_due_notices()
    run_tasks()

    # then the notice is pending, due three hours after the label, and waits in the queue
    shipment = Shipment.objects.get()
    notice = StoreNotice.objects.get()
    assert shipped["notice"]["state"] == "pending"
    assert notice.state == StoreNotice.State.PENDING
    assert notice.next_attempt_at == shipment.label_created_at + timedelta(hours=3)
    assert notice.attempts == 0
    assert independent_store.notices == []
    (job,) = DBTaskResult.objects.filter(task_path__endswith="deliver_notice_task")
    assert job.run_after == notice.next_attempt_at

    # when the shipment is voided before then, the store is never told
    desk_api.post(f"/shipments/{shipment.pk}/void")
    notice.refresh_from_db()
    assert notice.state == StoreNotice.State.NOT_SENT
    assert deliver_notice(notice.pk).state == StoreNotice.State.NOT_SENT
    assert independent_store.notices == []


def test_a_packer_overrides_the_store_rule_for_one_shipment(
    desk_api: DeskApiClient,
    desk_account: DeskAccount,
    order: DeskOrder,
    independent_store: IndependentStore,
) -> None:
    # given a store set never to be told, and a tee and a mug to ship apart
    store = DeskStore.objects.get()
    update_settings(desk_account, store.pk, {"notify_store": "never"})
    lines = _lines(order)

    # when the tee ships with "tell the store now" and the mug with "do not tell it"
    now = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {
            "carrier": "USPS",
            "tracking_number": "T-1",
            "notify_store": "immediately",
            "lines": [{"line_id": lines["TEE-M"], "quantity": 2}],
        },
    ).json()
    update_settings(desk_account, store.pk, {"notify_store": "immediately"})
    never = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {"carrier": "USPS", "tracking_number": "T-2", "notify_store": "never"},
    ).json()
    bad = desk_api.post(
        f"/orders/{order.pk}/shipments", {"carrier": "USPS", "notify_store": "later"}
    )
    run_tasks()

    # then only the first reached the store
    assert [
        _notice_xml(body)["fields"]["TrackingNumber"] for _, body, _ in independent_store.notices
    ] == ["T-1"]
    assert StoreNotice.objects.get(shipment_id=now["id"]).state == StoreNotice.State.SENT
    assert never["notice"]["state"] == "not_sent"
    assert never["notice"]["answer"] == "chosen for this shipment: the store is not told"
    assert bad.status_code == 422
    assert Shipment.objects.count() == 2


def test_reading_an_order_costs_the_same_queries_whatever_its_shipments(
    desk_api: DeskApiClient, order: DeskOrder
) -> None:
    lines = _lines(order)

    def shipped_and_counted(tracking: str, sku: str) -> int:
        desk_api.post(
            f"/orders/{order.pk}/shipments",
            {
                "carrier": "USPS",
                "tracking_number": tracking,
                "lines": [{"line_id": lines[sku], "quantity": 1}],
            },
        )
        with CaptureQueriesContext(connection) as queries:
            assert desk_api.get(f"/orders/{order.pk}").status_code == 200
        return len(queries)

    # when the order is read with one shipment, then with two
    one = shipped_and_counted("T-1", "TEE-M")
    two = shipped_and_counted("T-2", "MUG")

    # then the second shipment costs no query of its own
    assert one == two


@pytest.mark.parametrize(
    "address", ["ada@@example.com", "ada@exa mple.com", "ada@example.com\nBcc: all@example.com"]
)
def test_a_bad_buyer_address_from_the_store_fails_the_email_with_its_reason(
    desk_api: DeskApiClient, order: DeskOrder, address: str
) -> None:
    # given: the store sent an address no mail server takes
    DeskOrder.objects.filter(pk=order.pk).update(bill_to={**order.bill_to, "email": address})
    shipped = desk_api.post(
        f"/orders/{order.pk}/shipments",
        {"carrier": "USPS", "tracking_number": "9400111899223100000009", "notify_buyer": True},
    ).json()

    # when the background jobs run
    run_tasks()

    # then the e-mail failed, saying why, the notice still went, and nothing was sent
    email = desk_api.get(f"/shipments/{shipped['id']}").json()["email"]
    assert email["state"] == "failed"
    assert email["error"] == (
        f"the buyer's e-mail address {address!r} from the store is not a valid address"
    )
    assert desk_api.get(f"/shipments/{shipped['id']}").json()["notice"]["state"] == "sent"
    assert mail.outbox == []
    assert BuyerEmail.objects.filter(state=BuyerEmail.State.SENDING).count() == 0
    browser = desk_client("packer@parcelpals.test", "packing-pass-1")
    page = browser.get(f"/desk/orders/{order.pk}/").content.decode()
    assert "from the store is not a valid address" in page
