"""action=shipnotify over the endpoint: recording, partial shipments, duplicates, refusals."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from crossdock.bench.notices import notice_xml
from crossdock.core.actors import SYSTEM
from crossdock.customstore.query import ShipNotifyQuery
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import Fulfillment, FulfillmentLine, WriteBack
from crossdock.hub.orders.models import Order, OrderEvent, OrderLine
from crossdock.hub.orders.services import create_order
from crossdock.hub.shipstation.services import IssuedCredentials, OptionChanges, update_integration
from crossdock.hub.shipstation.shipnotify import receive_ship_notice
from crossdock.hub.shipstation.views import custom_store
from tests.fixtures.api import ApiClient
from tests.fixtures.shipstation import StoreClient, basic, order_data

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def channel(account: Account) -> Channel:
    return Channel.objects.create(account=account, kind="sandbox", name="Sandbox shop")


def _golden(order: Order, line_id: int | str, number: str | None = None) -> bytes:
    template = (GOLDEN / "shipnotice_partial.xml").read_text()
    return template.format(
        order_number=number if number is not None else order.number,
        order_id=order.pk,
        line_id=line_id,
    ).encode()


def _lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.filter(order=order).order_by("position"))


def _state(order: Order) -> tuple[Any, ...]:
    fresh = Order.objects.get(pk=order.pk)
    return (
        fresh.status,
        fresh.modified_at,
        [line.quantity_shipped for line in _lines(order)],
        Fulfillment.objects.count(),
        FulfillmentLine.objects.count(),
        WriteBack.objects.count(),
        OrderEvent.objects.filter(order=order).count(),
    )


def test_a_golden_notice_records_a_partial_shipment_with_every_field(
    store: StoreClient, make_order: Callable[..., Order], channel: Channel, api: ApiClient
) -> None:
    order = make_order("1001", channel=channel)
    mug = _lines(order)[0]
    before = Order.objects.get(pk=order.pk).modified_at

    response = store.notify(_golden(order, mug.pk))

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fulfillment = Fulfillment.objects.get()
    assert (
        fulfillment.source,
        fulfillment.carrier,
        fulfillment.carrier_code,
        fulfillment.service,
        fulfillment.tracking_number,
        fulfillment.shipping_cost,
        fulfillment.ship_date,
        fulfillment.label_created_at,
        fulfillment.notes_to_buyer,
        fulfillment.notify_customer,
    ) == (
        "shipstation",
        "USPS",
        "usps",
        "USPS Priority Mail",
        "9400111899223197428490",
        Decimal("7.85"),
        date(2026, 3, 11),
        datetime(2026, 3, 11, 8, 30, tzinfo=UTC),
        "Your mugs are on their way & <safe>",
        False,
    )
    assert list(FulfillmentLine.objects.values_list("line_id", "quantity")) == [(mug.pk, 1)]
    after = Order.objects.get(pk=order.pk)
    assert after.status == "partially_shipped"
    assert after.modified_at > before
    assert [line.quantity_shipped for line in _lines(order)] == [1, 0]
    assert list(WriteBack.objects.values_list("fulfillment_id", "channel_id", "state")) == [
        (fulfillment.pk, channel.pk, "pending")
    ]
    event = OrderEvent.objects.filter(order=order, kind="shipment_recorded").get()
    assert event.actor == "shipstation:Main store"
    answer = api.get(f"/orders/{order.pk}").json()["fulfillments"]
    assert answer == [
        {
            "id": fulfillment.pk,
            "carrier": "USPS",
            "carrier_code": "usps",
            "service": "USPS Priority Mail",
            "tracking_number": "9400111899223197428490",
            "shipping_cost": "7.85",
            "ship_date": "2026-03-11",
            "notes_to_buyer": "Your mugs are on their way & <safe>",
            "notify_customer": False,
            "source": "shipstation",
            "lines": [{"line_id": mug.pk, "quantity": 1}],
            "write_back": "pending",
        }
    ]


def test_split_shipments_end_with_a_shipped_order(
    store: StoreClient, make_order: Callable[..., Order], channel: Channel
) -> None:
    order = make_order("1002", channel=channel)
    mug, tee = _lines(order)
    second = (
        f"<ShipNotice><OrderID>{order.pk}</OrderID><Carrier>UPS</Carrier>"
        f"<TrackingNumber>1Z999</TrackingNumber><Items>"
        f"<Item><LineItemID>{mug.pk}</LineItemID><Quantity>1</Quantity></Item>"
        f"<Item><SKU>TEE-M</SKU><Quantity>1</Quantity></Item></Items></ShipNotice>"
    ).encode()

    store.notify(_golden(order, mug.pk))
    middle = Order.objects.get(pk=order.pk).status
    response = store.notify(second)

    assert (middle, response.status_code) == ("partially_shipped", 200)
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert [line.quantity_shipped for line in _lines(order)] == [2, 1]
    assert Fulfillment.objects.count() == 2
    assert WriteBack.objects.count() == 2
    assert list(
        FulfillmentLine.objects.filter(fulfillment__tracking_number="1Z999")
        .order_by("line__position")
        .values_list("line_id", "quantity")
    ) == [(mug.pk, 1), (tee.pk, 1)]


def test_the_same_notice_twice_records_one_shipment_and_one_write_back(
    store: StoreClient, make_order: Callable[..., Order], channel: Channel
) -> None:
    order = make_order("1003", channel=channel)
    mug = _lines(order)[0]
    store.notify(_golden(order, mug.pk))
    before = _state(order)
    resend = _golden(order, mug.pk).replace(b"<Carrier>USPS</Carrier>", b"<Carrier>usps</Carrier>")

    response = store.notify(resend)

    assert response.status_code == 200
    assert b"already recorded" in response.content
    assert _state(order) == before


def test_an_empty_body_falls_back_to_the_query_and_ships_everything(
    store: StoreClient, make_order: Callable[..., Order], channel: Channel
) -> None:
    order = make_order("1004", channel=channel)

    response = store.notify(
        b"", order_number="1004", carrier="FedEx", service="", tracking_number="7712"
    )

    assert response.status_code == 200
    fulfillment = Fulfillment.objects.get()
    assert (fulfillment.carrier, fulfillment.carrier_code, fulfillment.tracking_number) == (
        "FedEx",
        "fedex",
        "7712",
    )
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert [line.quantity_shipped for line in _lines(order)] == [2, 1]


def test_items_that_no_longer_match_mean_the_whole_order(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("1005")
    body = (
        b"<ShipNotice><OrderNumber>1005</OrderNumber><Carrier>UPS</Carrier>"
        b"<Items><Item><LineItemID>999999</LineItemID><SKU>GONE</SKU>"
        b"<Quantity>3</Quantity></Item></Items></ShipNotice>"
    )

    response = store.notify(body)

    assert response.status_code == 200
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_the_query_order_number_comes_before_the_body_one(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    wanted = make_order("Q-1")
    make_order("B-1")
    body = b"<ShipNotice><OrderNumber>B-1</OrderNumber><TrackingNumber>T1</TrackingNumber>"
    body += b"</ShipNotice>"

    store.notify(body, order_number="Q-1")

    assert Fulfillment.objects.get().order_id == wanted.pk


def test_a_manual_order_or_a_write_back_turned_off_queues_nothing(
    store: StoreClient,
    make_order: Callable[..., Order],
    channel: Channel,
    account: Account,
    issued: IssuedCredentials,
) -> None:
    manual = make_order("M-1")
    store.notify(b"", order_number="M-1", carrier="USPS", tracking_number="A")
    update_integration(account, issued.integration.pk, OptionChanges(write_back=False))
    make_order("C-1", channel=channel)
    store.notify(b"", order_number="C-1", carrier="USPS", tracking_number="B")

    assert Order.objects.get(pk=manual.pk).status == "shipped"
    assert Fulfillment.objects.count() == 2
    assert WriteBack.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "params", "status", "text"),
    [
        (b"", {"order_number": "NOPE"}, 404, b"Unknown order: no order 'NOPE'"),
        (b"<ShipNotice><OrderID>0</OrderID></ShipNotice>", {}, 404, b"Unknown order"),
        (b"<ShipNotice><OrderNumber>1006", {}, 400, b"Malformed ship notice"),
        (b"<Orders/>", {}, 400, b"Malformed ship notice"),
        (
            b"<ShipNotice><OrderNumber>1006</OrderNumber><ShipDate>someday</ShipDate></ShipNotice>",
            {},
            400,
            b"Malformed ship notice: ShipDate:",
        ),
        (
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ShipNotice>&e;</ShipNotice>',
            {},
            400,
            b"Refused ship notice",
        ),
        (b"<ShipNotice>" + b" " * 300_000 + b"</ShipNotice>", {}, 413, b"Ship notice is larger"),
        (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]>'
            '<ShipNotice Carrier="&a;"><OrderNumber>1006</OrderNumber></ShipNotice>'.encode(
                "utf-16"
            ),
            {},
            400,
            b"Refused ship notice: DOCTYPE",
        ),
        (
            b"<ShipNotice><OrderNumber>1006</OrderNumber><Carrier>"
            + b"X" * 101
            + b"</Carrier></ShipNotice>",
            {},
            400,
            b"Refused ship notice: carrier: must be at most 100 characters",
        ),
        (
            b"",
            {"order_number": "1006", "carrier": "UPS", "tracking_number": "1Z" * 60},
            400,
            b"Refused ship notice: tracking_number:",
        ),
        (
            b"<ShipNotice><OrderNumber>1006</OrderNumber>"
            b"<ShippingCost>1e999999999</ShippingCost></ShipNotice>",
            {},
            400,
            b"Malformed ship notice: ShippingCost:",
        ),
        (
            b"<ShipNotice><OrderNumber>1006</OrderNumber>"
            b"<LabelCreateDate>0001-01-01T00:00+01:00</LabelCreateDate></ShipNotice>",
            {},
            400,
            b"Malformed ship notice: LabelCreateDate:",
        ),
    ],
)
def test_refused_notices_answer_plainly_and_write_nothing(
    store: StoreClient,
    make_order: Callable[..., Order],
    body: bytes,
    params: dict[str, str],
    status: int,
    text: bytes,
) -> None:
    order = make_order("1006")
    before = _state(order)

    response = store.notify(body, **params)

    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.startswith(text)
    assert _state(order) == before


def _chunked_notice(issued: IssuedCredentials, body: bytes) -> Any:
    """A notice as gunicorn hands over a chunked POST: no Content-Length, decoded input."""
    request = RequestFactory().post(
        "/shipstation/custom-store?action=shipnotify",
        b"",
        content_type="application/xml",
        headers={
            **basic(issued.integration.username, issued.password),
            "Transfer-Encoding": "chunked",
        },
    )
    request.META.pop("CONTENT_LENGTH", None)
    request.META["wsgi.input"] = io.BytesIO(body)
    return custom_store(request)


def test_a_chunked_notice_is_read_not_taken_for_an_empty_body(
    issued: IssuedCredentials, make_order: Callable[..., Order]
) -> None:
    order = make_order("1008")
    mug = _lines(order)[0]

    response = _chunked_notice(issued, _golden(order, mug.pk))

    assert response.status_code == 200, response.content
    assert list(FulfillmentLine.objects.values_list("line_id", "quantity")) == [(mug.pk, 1)]
    assert Order.objects.get(pk=order.pk).status == "partially_shipped"


def test_a_chunked_notice_over_the_cap_is_refused(
    issued: IssuedCredentials, make_order: Callable[..., Order]
) -> None:
    order = make_order("1009")
    before = _state(order)

    response = _chunked_notice(issued, b"<ShipNotice>" + b" " * 300_000 + b"</ShipNotice>")

    assert response.status_code == 413
    assert _state(order) == before


def test_control_characters_in_the_query_are_dropped_not_stored(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    order = make_order("1007")

    # PostgreSQL refuses a NUL in any text; XML could not carry one back either.
    response = store.notify(b"", order_number="10%0007", carrier="UPS", tracking_number="1Z%00%01")

    assert response.status_code == 200
    fulfillment = Fulfillment.objects.get(order=order)
    assert (fulfillment.carrier, fulfillment.tracking_number) == ("UPS", "1Z")


def test_an_order_number_on_two_channels_needs_the_order_id(
    store: StoreClient, make_order: Callable[..., Order], channel: Channel
) -> None:
    make_order("DUP")
    make_order("DUP", channel=channel)

    response = store.notify(b"", order_number="DUP", carrier="USPS")

    assert response.status_code == 400
    assert response.content.startswith(b"Ambiguous order")
    assert Fulfillment.objects.count() == 0


def test_ship_notify_by_get_is_refused(store: StoreClient) -> None:
    response = store.client.get(
        "/shipstation/custom-store", {"action": "shipnotify"}, headers=store.headers
    )

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_another_accounts_order_is_unknown(
    store: StoreClient, make_account: Callable[[str], Account]
) -> None:
    other = make_account("Other shop")
    foreign = create_order(other, order_data("X-1"), SYSTEM)

    response = store.notify(f"<ShipNotice><OrderID>{foreign.pk}</OrderID></ShipNotice>".encode())

    assert response.status_code == 404
    assert Fulfillment.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need a server database; SQLite's in-memory test database "
    "serialises every connection (CI runs this on PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_identical_notices_at_the_same_moment_record_one_shipment(
    issued: IssuedCredentials, make_order: Callable[..., Order], channel: Channel
) -> None:
    order = make_order("RACE", channel=channel)
    body = _golden(order, _lines(order)[0].pk)
    query = ShipNotifyQuery(order_number="", carrier="", service="", tracking_number="")
    barrier = threading.Barrier(4)
    created: list[bool] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            barrier.wait()
            created.append(receive_ship_notice(issued.integration, query, body).created)
        except BaseException as error:  # a failure in a thread must fail the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(created) == [False, False, False, True]
    assert Fulfillment.objects.count() == 1
    assert WriteBack.objects.count() == 1
    assert [line.quantity_shipped for line in _lines(order)] == [1, 0]


def test_a_notice_reads_the_order_once_and_sorts_nothing_before_its_transaction(
    store: StoreClient, make_order: Callable[..., Order], channel: Channel
) -> None:
    # given an order and a first call that already touched the integration's last request
    order = make_order("1301", channel=channel)
    assert store.notify(b"", order_number="1300-none").status_code == 404
    # when a notice for the whole order arrives, naming it by the OrderID the export sent
    with CaptureQueriesContext(connection) as captured:
        response = store.notify(notice_xml(order.pk, order.number))
    # then it is recorded
    assert response.status_code == 200, response.content
    sql = [query["sql"] for query in captured.captured_queries]
    before = sql[: next(i for i, text in enumerate(sql) if text.startswith("SAVEPOINT"))]
    # with four reads before the transaction: integration, failure counts, order, dedupe key
    assert [text.split()[0] for text in before] == ["SELECT"] * 4
    assert [text for text in before if "ORDER BY" in text] == []
    # and the order's row is read once in all (the locked read joins it to the lines)
    order_reads = [
        text
        for text in sql
        if text.startswith("SELECT") and re.search(r'FROM "?orders_order"? ', text)
    ]
    assert len(order_reads) == 1
