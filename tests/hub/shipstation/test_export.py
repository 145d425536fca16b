"""action=export over the endpoint: window, options, skips, paging under change, queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from crossdock.core.actors import SYSTEM
from crossdock.core.dto import Address
from crossdock.customstore.dates import format_wire_datetime
from crossdock.customstore.schema import SHIPSTATION_ORDERS_XSD
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.orders.services import (
    OrderChanges,
    create_custom_status,
    update_order,
)
from crossdock.hub.shipstation.models import ExportSkip
from crossdock.hub.shipstation.services import IssuedCredentials, OptionChanges, update_integration
from tests.fixtures.api import ApiClient
from tests.fixtures.orders import order_payload
from tests.fixtures.shipstation import SHIP_TO, StoreClient, content

BASE = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _at(order: Order, moment: datetime) -> None:
    Order.objects.filter(pk=order.pk).update(modified_at=moment)


def _orders(response: Any) -> list[etree._Element]:
    assert response.status_code == 200, response.content
    return etree.fromstring(content(response)).findall("Order")


def _numbers(response: Any) -> list[str]:
    return [order.findtext("OrderNumber") or "" for order in _orders(response)]


def _window(store: StoreClient, page: int | None = None) -> Any:
    return store.export("03/10/2026 12:00", "03/10/2026 12:30", page)


def test_an_empty_window_answers_a_valid_empty_document(store: StoreClient) -> None:
    response = _window(store)

    body = content(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert body == b'<?xml version="1.0" encoding="utf-8"?>\n<Orders pages="1">\n</Orders>\n'


def test_minute_bounds_are_inclusive_and_every_status_is_sent(
    store: StoreClient, make_order: Callable[..., Order], account: Account
) -> None:
    cases = {
        "before": BASE - timedelta(microseconds=1),
        "at-start": BASE,
        "last-second": BASE + timedelta(minutes=30, seconds=59, microseconds=999999),
        "after": BASE + timedelta(minutes=31),
    }
    for number, moment in cases.items():
        _at(make_order(number), moment)
    cancelled = make_order("cancelled")
    Order.objects.filter(pk=cancelled.pk).update(status="cancelled", modified_at=BASE)

    numbers = _numbers(_window(store))

    assert sorted(numbers) == ["at-start", "cancelled", "last-second"]


def test_a_custom_status_is_sent_as_its_name(
    store: StoreClient, make_order: Callable[..., Order], account: Account
) -> None:
    create_custom_status(account, "Ready to pick", "paid")
    order = make_order("C1")
    update_order(account, order.pk, OrderChanges(custom_status="Ready to pick"), SYSTEM)
    _at(order, BASE)

    (exported,) = _orders(_window(store))

    assert exported.findtext("OrderStatus") == "Ready to pick"


def test_options_choose_channels_notes_custom_fields_and_units(
    store: StoreClient,
    make_order: Callable[..., Order],
    account: Account,
    issued: IssuedCredentials,
) -> None:
    ebay = Channel.objects.create(account=account, kind="sandbox", name="eBay DE")
    amazon = Channel.objects.create(account=account, kind="sandbox", name="Amazon")
    wanted = make_order("E1", channel=ebay, internal_notes="secret", marketplace_order_id="MP-1")
    other = make_order("A1", channel=amazon)
    fba = make_order("E2", channel=ebay, fulfillment_source="fba")
    for order in (wanted, other, fba):
        _at(order, BASE)
    update_integration(
        account,
        issued.integration.pk,
        OptionChanges(
            channel_ids=(ebay.pk,),
            send_internal_notes=False,
            custom_fields=("coupon_codes", "channel", "marketplace_order_id"),
            weight_units="ounces",
        ),
    )

    (exported,) = _orders(_window(store))

    assert exported.findtext("OrderNumber") == "E1"
    assert exported.findtext("InternalNotes") is None
    assert [exported.findtext(f"CustomField{n}") for n in (1, 2, 3)] == ["SAVE5", "eBay DE", "MP-1"]
    assert exported.findtext("Source") == "eBay DE"
    item = exported.find("Items/Item")
    assert item is not None
    assert (item.findtext("Weight"), item.findtext("WeightUnits")) == ("12.35", "Ounces")


def test_third_party_fulfilled_orders_are_sent_when_the_option_says(
    store: StoreClient,
    make_order: Callable[..., Order],
    account: Account,
    issued: IssuedCredentials,
) -> None:
    _at(make_order("FBA-1", fulfillment_source="fba"), BASE)
    update_integration(
        account, issued.integration.pk, OptionChanges(exclude_external_fulfillment=False)
    )

    assert _numbers(_window(store)) == ["FBA-1"]


def test_an_order_that_cannot_ship_is_left_out_and_the_reason_kept(
    store: StoreClient, make_order: Callable[..., Order], account: Account, api: Any
) -> None:
    good = make_order("OK-1")
    bad = make_order("BAD-1", ship_to=replace(SHIP_TO, country=""))
    _at(good, BASE)
    _at(bad, BASE + timedelta(minutes=1))

    numbers = _numbers(_window(store))
    skips = list(ExportSkip.objects.values_list("order__number", "reason"))

    assert numbers == ["OK-1"]
    assert skips == [("BAD-1", "ship-to country is missing")]

    update_order(account, bad.pk, OrderChanges(ship_to=SHIP_TO), SYSTEM)
    _at(bad, BASE + timedelta(minutes=2))
    assert _numbers(_window(store)) == ["OK-1", "BAD-1"]
    assert ExportSkip.objects.count() == 0


def test_an_order_without_an_address_at_all_is_skipped(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    _at(make_order("NO-ADDR", ship_to=Address()), BASE)

    assert _numbers(_window(store)) == []
    assert ExportSkip.objects.get().reason.startswith("ship-to name is missing")


def test_an_order_whose_stored_data_cannot_be_read_is_skipped_not_the_page(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    # Given an order whose line options a faulty import stored as bare strings
    good, broken = make_order("OK-2"), make_order("BROKEN-1")
    _at(good, BASE)
    _at(broken, BASE)
    OrderLine.objects.filter(order=broken).update(options=["Colour: red"])

    # When ShipStation exports the window
    numbers = _numbers(_window(store))

    # Then the page carries the other order, and the broken one says why it is missing
    assert numbers == ["OK-2"]
    reason = ExportSkip.objects.get(order=broken).reason
    assert reason.startswith("could not be exported: AttributeError")


def test_paging_while_orders_change_never_loses_an_order(
    store: StoreClient,
    make_order: Callable[..., Order],
    account: Account,
    issued: IssuedCredentials,
) -> None:
    # Given ten orders in the window, three per page, and a window that ends in the future
    update_integration(account, issued.integration.pk, OptionChanges(page_size=3))
    now = timezone.now()
    start = now - timedelta(hours=1)
    orders = [make_order(f"P{n}") for n in range(10)]
    for n, order in enumerate(orders):
        _at(order, start + timedelta(minutes=n))
    window = (format_wire_datetime(start), format_wire_datetime(now + timedelta(minutes=5)))

    def edit(order: Order) -> None:
        update_order(account, order.pk, OrderChanges(internal_notes=f"edited {order.pk}"), SYSTEM)

    # When orders on served and unserved pages are edited, and one is added, between pages
    first = etree.fromstring(content(store.export(*window, page=1)))
    pages = int(first.get("pages") or 0)
    seen = [order.findtext("OrderNumber") or "" for order in first.findall("Order")]
    edit(orders[0])  # served on page 1: with offsets, P3 would slide onto page 1, unseen
    edit(orders[1])
    edit(orders[7])  # not served yet: moves to the end
    second = store.export(*window, page=2)
    seen += _numbers(second)
    make_order("NEW")
    edit(orders[4])  # served on page 2
    for page in range(3, pages + 1):
        seen += _numbers(store.export(*window, page=page))

    # Then every order is found; the edited ones late (a duplicate), none never
    assert pages == 4
    assert set(seen) == {f"P{n}" for n in range(10)} | {"NEW"}
    assert sorted(number for number in seen if seen.count(number) > 1) == [
        "P0",
        "P0",
        "P1",
        "P1",
        "P4",
        "P4",
    ]


def test_orders_edited_past_a_closed_window_are_in_the_next_one(
    store: StoreClient,
    make_order: Callable[..., Order],
    account: Account,
    issued: IssuedCredentials,
) -> None:
    # Given a window that has already ended, paged two by two
    update_integration(account, issued.integration.pk, OptionChanges(page_size=2))
    now = timezone.now()
    start = now - timedelta(hours=2)
    end = now - timedelta(hours=1)
    orders = [make_order(f"Q{n}") for n in range(6)]
    for n, order in enumerate(orders):
        _at(order, start + timedelta(minutes=n))
    window = (format_wire_datetime(start), format_wire_datetime(end))

    # When an order on the first page and one on the last are edited mid-paging
    seen = _numbers(store.export(*window, page=1))
    for order in (orders[0], orders[5]):
        update_order(account, order.pk, OrderChanges(internal_notes="late"), SYSTEM)
    for page in (2, 3):
        seen += _numbers(store.export(*window, page=page))
    following = store.export(
        format_wire_datetime(end), format_wire_datetime(now + timedelta(minutes=1))
    )

    # Then nothing slid between pages, and the edited orders come with the next window
    assert seen == ["Q0", "Q1", "Q2", "Q3", "Q4"]
    assert sorted(_numbers(following)) == ["Q0", "Q5"]


def test_a_page_past_the_last_is_empty_and_keeps_the_count(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    _at(make_order("ONLY"), BASE)

    response = _window(store, page=5)

    root = etree.fromstring(content(response))
    assert (root.get("pages"), len(root)) == ("1", 0)


def test_a_page_asked_without_page_one_falls_back_to_counting(
    store: StoreClient,
    make_order: Callable[..., Order],
    account: Account,
    issued: IssuedCredentials,
) -> None:
    update_integration(account, issued.integration.pk, OptionChanges(page_size=2))
    for n in range(5):
        _at(make_order(f"F{n}"), BASE + timedelta(minutes=n))

    assert _numbers(_window(store, page=2)) == ["F2", "F3"]


def test_a_skipped_page_leaves_the_served_pages_boundaries_alone(
    store: StoreClient,
    make_order: Callable[..., Order],
    account: Account,
    issued: IssuedCredentials,
) -> None:
    # Given seven orders, two a page, and page 1 served
    update_integration(account, issued.integration.pk, OptionChanges(page_size=2))
    for n in range(7):
        _at(make_order(f"G{n}"), BASE + timedelta(minutes=n))
    assert _numbers(_window(store, page=1)) == ["G0", "G1"]

    # When page 3 is asked before page 2, twice (a retry), then every page in turn
    skipped_to = [_numbers(_window(store, page=3)) for _ in range(2)]
    in_turn = [_numbers(_window(store, page=page)) for page in (2, 3, 4)]

    # Then each page holds its own orders, however often it is asked
    assert skipped_to == [["G4", "G5"], ["G4", "G5"]]
    assert in_turn == [["G2", "G3"], ["G4", "G5"], ["G6"]]


def _count_queries(store: StoreClient) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _window(store)
        body = content(response)
    assert response.status_code == 200, body
    return len(captured.captured_queries)


def test_a_page_costs_the_same_queries_for_few_or_many_orders(
    store: StoreClient, make_order: Callable[..., Order]
) -> None:
    for n in range(2):
        _at(make_order(f"S{n}"), BASE)
    _count_queries(store)  # the first call also touches the integration and starts the run
    few = _count_queries(store)
    for n in range(2, 40):
        _at(make_order(f"S{n}"), BASE)

    many = _count_queries(store)

    assert many == few
    assert many <= 20


@pytest.mark.parametrize(
    ("params", "status", "text"),
    [
        ({"action": "cancel"}, 400, b"Bad action: unknown action 'cancel'"),
        ({}, 400, b"Bad action: missing"),
        ({"action": "export", "end_date": "03/10/2026 12:00"}, 400, b"Bad start_date: missing"),
        (
            {"action": "export", "start_date": "03/10/2026 12:00", "end_date": "soon"},
            400,
            b"Bad end_date: 'soon' is not a date",
        ),
        (
            {
                "action": "export",
                "start_date": "03/10/2026 12:00",
                "end_date": "03/10/2026 12:30",
                "page": "-1",
            },
            400,
            b"Bad page:",
        ),
        (
            {
                "action": "export",
                "start_date": "03/10/2026 12:00",
                "end_date": "12/31/9999 23:59",
            },
            400,
            b"Bad end_date:",
        ),
        (
            {
                "action": "export",
                "start_date": "0001-01-01T00:00+01:00",
                "end_date": "03/10/2026 12:30",
            },
            400,
            b"Bad start_date:",
        ),
    ],
)
def test_bad_queries_answer_400_in_plain_text(
    store: StoreClient, params: dict[str, str], status: int, text: bytes
) -> None:
    response = store.client.get("/shipstation/custom-store", params, headers=store.headers)

    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.startswith(text)


def test_export_by_post_is_refused(store: StoreClient) -> None:
    response = store.client.post(
        "/shipstation/custom-store?action=export&start_date=x&end_date=y", headers=store.headers
    )

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_an_unexpected_failure_is_a_short_plain_503(
    store: StoreClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("crossdock.hub.shipstation.views.export_page", explode)

    response = _window(store)

    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"Crossdock could not answer just now; please try again.\n"


XSD = SHIPSTATION_ORDERS_XSD


def test_an_order_stored_through_the_api_exports_valid_against_the_schema(
    store: StoreClient, api: ApiClient
) -> None:
    hostile = "Tom &amp; Jerry <b>]]></b> \x07 😀 &#128512;"
    payload = order_payload(
        customer_notes=hostile, internal_notes=hostile, gift_message=hostile, total=None
    )
    payload["lines"][0]["name"] = hostile
    created = api.post("/orders", payload)
    assert created.status_code == 201, created.content
    Order.objects.filter(pk=created.json()["id"]).update(modified_at=BASE)

    document = content(_window(store))

    root = etree.fromstring(document)
    for element in [*root.iter("CurrencyCode"), *root.iter("UPC")]:
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)
    validator = etree.XMLSchema(etree.parse(str(XSD)))
    assert validator.validate(root), validator.error_log
    order = root.find("Order")
    assert order is not None
    assert order.findtext("CustomerNotes") == "Tom & Jerry <b>]]></b>  😀 😀"
    assert order.findtext("OrderTotal") == created.json()["total"]
    assert [item.findtext("UnitPrice") for item in order.iter("Item")] == [
        "12.50",
        "33.00",
        "-5.00",
    ]
