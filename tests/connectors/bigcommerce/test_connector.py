"""The BigCommerce connector against the fake store: paging, faults, shipments, stock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from crossdock.connectors.base import (
    AuthenticationError,
    ConnectionProblem,
    Location,
    ProblemKind,
    RetryableError,
    ShipmentData,
    ShippedLine,
    StockLevel,
    StockResult,
    ValidationError,
    WebhookRejected,
)
from crossdock.connectors.bigcommerce import connector as connector_module
from crossdock.connectors.bigcommerce.connector import BigCommerceConnector
from crossdock.connectors.bigcommerce.webhooks import WEBHOOKS
from crossdock.connectors.http import QuotaSignal, attach_quota_sink, build_client
from crossdock.core.statuses import OrderStatus
from tests.connectors.bigcommerce.fake import FakeBigCommerce, Fault
from tests.connectors.bigcommerce.served import served
from tests.connectors.bigcommerce.support import golden, order_from_golden, second_address

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _store(count: int) -> FakeBigCommerce:
    fake = FakeBigCommerce(now=START)
    for number in range(count):
        fake.add_order(order_from_golden(3000 + number, fake.tick(60)))
    return fake


def _pull_ids(fake: FakeBigCommerce, since: datetime | None) -> list[str]:
    connector = fake.connector()
    seen: list[str] = []
    page: str | None = None
    while True:
        batch = connector.fetch_orders(since, page)
        seen += [order.external_id for order in batch.orders]
        if batch.next_page is None:
            return seen
        page = batch.next_page


def test_orders_are_asked_for_by_modification_time_oldest_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connector_module, "PAGE_SIZE", 2)
    fake = _store(5)

    ids = _pull_ids(fake, START + timedelta(seconds=90, microseconds=500))

    assert ids == ["3001", "3002", "3003", "3004"]
    starts = [
        (r.url.params["min_date_modified"], r.url.params["page"], r.url.params["sort"])
        for r in fake.requests
        if r.url.path.endswith("/v2/orders")
    ]
    # Each page restarts at the last change time seen, skipping the orders already read.
    assert starts == [
        ("2026-11-20T12:01:30+00:00", "1", "date_modified:asc"),
        ("2026-11-20T12:03:00+00:00", "1", "date_modified:asc"),
        ("2026-11-20T12:04:00+00:00", "1", "date_modified:asc"),
        ("2026-11-20T12:05:00+00:00", "1", "date_modified:asc"),
    ]


def test_an_order_changed_while_paging_shifts_no_other_order_out_of_the_pull(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connector_module, "PAGE_SIZE", 2)
    fake = _store(5)
    connector = fake.connector()

    first = connector.fetch_orders(None, None)
    fake.touch(3000, customer_message="Changed while paging")  # moves to the end of the list
    rest = []
    page = first.next_page
    while page is not None:
        batch = connector.fetch_orders(None, page)
        rest += [order.external_id for order in batch.orders]
        page = batch.next_page

    assert [order.external_id for order in first.orders] == ["3000", "3001"]
    assert rest == ["3002", "3003", "3004", "3000"]


def test_a_full_page_within_one_second_pages_on_by_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connector_module, "PAGE_SIZE", 2)
    fake = FakeBigCommerce(now=START)
    for number in range(5):
        fake.add_order(order_from_golden(3000 + number, START))

    assert _pull_ids(fake, None) == ["3000", "3001", "3002", "3003", "3004"]


def test_a_store_answering_full_pages_for_ever_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connector_module, "PAGE_SIZE", 1)
    monkeypatch.setattr(connector_module, "MAX_PAGES", 3)
    fake = _store(1)
    fake.orders[3000].products = fake.orders[3000].products[:1]
    fake.before = lambda request: fake.orders[3000].products.append(
        dict(fake.orders[3000].products[0])
    )

    batch = fake.connector().fetch_orders(None, None)

    assert batch.orders[0].problem == ("GET /v2/orders/3000/products: more than 3 pages; stopped")


def test_one_unreadable_order_is_a_problem_and_never_blocks_the_others() -> None:
    fake = _store(3)
    fake.orders[3001].addresses[0]["country_iso2"] = "ZZ"

    batch = fake.connector().fetch_orders(None, None)

    assert [(o.external_id, o.data is not None) for o in batch.orders] == [
        ("3000", True),
        ("3001", False),
        ("3002", True),
    ]
    assert "shipping_addresses[0].country_iso2" in batch.orders[1].problem


def test_a_store_that_hides_its_catalog_still_ships_its_orders_without_images() -> None:
    fake = _store(1)
    fake.fail_next(
        Fault(
            status=403, body=[{"status": 403, "message": "no scope"}], path="/v3/catalog/variants"
        )
    )

    batch = fake.connector().fetch_orders(None, None)

    assert batch.orders[0].data is not None
    assert [line.image_url for line in batch.orders[0].data.lines] == ["", ""]


def test_refunds_are_read_one_by_one_and_a_refusal_falls_back_to_the_refunded_total() -> None:
    fake = _store(2)
    fake.refund_order("3000", Decimal("5.00"))
    fake.refund_order("3001", Decimal("7.50"))
    fake.fail_next(
        Fault(
            status=403, body=[{"status": 403, "message": "no scope"}], path="/3001/payment_actions"
        )
    )

    batch = fake.connector().fetch_orders(None, None)

    assert [
        [(r.external_id, r.amount, r.reason) for r in order.data.refunds]
        for order in batch.orders
        if order.data is not None
    ] == [[("900", Decimal("5.00"), "Goodwill")], [("3001-refunded", Decimal("7.50"), "")]]


def test_a_429_waits_for_the_quota_window_and_feeds_the_shared_limiter() -> None:
    fake = _store(1)
    fake.fail_next(
        Fault(
            status=429,
            body=[{"status": 429, "message": "Too many requests"}],
            headers={"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "4500"},
        )
    )
    client = fake.client()
    heard: list[QuotaSignal] = []
    attach_quota_sink(client, heard.append)

    with pytest.raises(RetryableError) as raised:
        connector_module.BigCommerceConnector(client, fake.config()).fetch_orders(None, None)

    assert raised.value.retry_after == 4.5
    assert heard == [QuotaSignal(remaining=0.0, reset_after=4.5, retry_after=None)]


def test_a_refused_token_is_an_authentication_error_without_the_token() -> None:
    fake = _store(1)

    with pytest.raises(AuthenticationError) as raised:
        connector_module.BigCommerceConnector(
            fake.client(), fake.config(token="bc-wrong-token")
        ).fetch_orders(None, None)

    assert (
        str(raised.value)
        == "BigCommerce refused the access token (GET /stores/abc123xyz/v2/orders → 401)"
    )
    assert raised.value.status == 401


def test_one_order_is_fetched_by_id_and_a_missing_one_is_none() -> None:
    fake = _store(2)
    connector = fake.connector()

    found = connector.fetch_order("3001")

    assert found is not None
    assert found.data is not None
    assert (found.external_id, found.data.status) == ("3001", OrderStatus.PAID)
    assert connector.fetch_order("9999") is None


def _shipment(
    order_id: str, *lines: ShippedLine, tracking: str = "9400111899223344556677"
) -> ShipmentData:
    return ShipmentData(
        order_external_id=order_id,
        carrier="usps",
        service="Priority Mail",
        tracking_number=tracking,
        ship_date=None,
        lines=lines,
    )


def test_a_shipment_on_two_addresses_lands_once_on_each_and_is_found_by_its_key() -> None:
    fake = _store(1)
    second_address(fake.orders[3000], 30002, product_index=1)
    connector = fake.connector()
    shipment = _shipment(
        "3000", ShippedLine("30002", "MUG-FIKA-BLU", 2), ShippedLine("30003", "TEA-TIN-250", 1)
    )

    pushed = connector.push_shipment(shipment, "crossdock-fulfillment-7")
    again = connector.push_shipment(shipment, "crossdock-fulfillment-7")

    shipments = fake.orders[3000].shipments
    assert [(s["order_address_id"], s["items"][0]["order_product_id"]) for s in shipments] == [
        (30001, 30002),
        (30002, 30003),
    ]
    assert pushed == again
    assert pushed.external_id == f"{shipments[0]['id']},{shipments[1]['id']}"
    assert connector.find_shipment("3000", "crossdock-fulfillment-7") == pushed
    assert connector.find_shipment("3000", "crossdock-fulfillment-8") is None


def test_a_push_that_died_before_recording_its_key_is_not_sent_twice() -> None:
    fake = _store(1)
    connector = fake.connector()
    shipment = _shipment("3000", ShippedLine("30002", "MUG-FIKA-BLU", 1))
    # The key look-up answers, the shipment is created, then recording the key fails.
    calls = {"metafields": 0}

    def fail_the_record(request: httpx.Request) -> None:
        if request.method == "POST" and request.url.path.endswith("/metafields"):
            calls["metafields"] += 1
            if calls["metafields"] == 1:
                fake.fail_next(Fault(status=503, body=[{"status": 503, "message": "busy"}]))

    fake.before = fail_the_record
    with pytest.raises(RetryableError):
        connector.push_shipment(shipment, "crossdock-fulfillment-9")
    resumed = connector.push_shipment(shipment, "crossdock-fulfillment-9")

    assert [s["id"] for s in fake.orders[3000].shipments] == [int(resumed.external_id)]
    assert connector.find_shipment("3000", "crossdock-fulfillment-9") == resumed


def test_a_key_another_worker_recorded_meanwhile_is_success() -> None:
    fake = _store(1)
    connector = fake.connector()
    shipment = _shipment("3000", ShippedLine("30002", "MUG-FIKA-BLU", 1))

    def record_first(request: httpx.Request) -> None:
        if request.method == "POST" and request.url.path.endswith("/metafields"):
            fake.before = None
            fake.orders[3000].metafields.append(
                {"id": 99, "namespace": "crossdock", "key": "k-race", "value": "1"}
            )

    fake.before = record_first
    pushed = connector.push_shipment(shipment, "k-race")

    assert pushed.external_id == str(fake.orders[3000].shipments[0]["id"])
    assert len(fake.orders[3000].shipments) == 1


def test_an_order_the_merchant_already_shipped_whole_is_success_without_a_new_shipment() -> None:
    fake = _store(1)
    connector = fake.connector()
    everything = (ShippedLine("30002", "MUG-FIKA-BLU", 2), ShippedLine("30003", "TEA-TIN-250", 1))
    connector.push_shipment(_shipment("3000", *everything, tracking="BY-HAND-1"), "merchant")

    result = connector.push_shipment(
        _shipment("3000", *everything, tracking="OURS-1"), "crossdock-1"
    )

    assert [s["tracking_number"] for s in fake.orders[3000].shipments] == ["BY-HAND-1"]
    assert result.external_id == str(fake.orders[3000].shipments[0]["id"])


def test_a_shipment_the_store_refuses_carries_its_message() -> None:
    fake = _store(1)
    connector = fake.connector()
    connector.push_shipment(
        _shipment("3000", ShippedLine("30002", "MUG-FIKA-BLU", 1), tracking="T-1"), "k-1"
    )

    with pytest.raises(ValidationError) as raised:
        connector.push_shipment(
            _shipment("3000", ShippedLine("30002", "MUG-FIKA-BLU", 2), tracking="T-2"), "k-2"
        )

    assert "The quantity specified is greater than the quantity of the product" in str(raised.value)
    assert raised.value.status == 400
    assert len(fake.orders[3000].shipments) == 1


def test_one_refused_level_is_found_by_halving_and_every_other_level_is_set() -> None:
    fake = FakeBigCommerce(now=START)
    levels = [
        StockLevel("MUG-FIKA-BLU", 7, external_id="301"),
        StockLevel("MUG-FIKA-RED", 4, external_id="302"),
        StockLevel("GONE-SKU", 1, external_id="999"),
        StockLevel("TEA-TIN-250", 0, external_id="product:78"),
        StockLevel("BAD", -2, external_id="301"),
    ]

    results = fake.connector().set_stock(levels)

    assert results[:2] == [
        StockResult("MUG-FIKA-BLU", "301", ok=True, quantity=7),
        StockResult("MUG-FIKA-RED", "302", ok=True, quantity=4),
    ]
    assert (results[2].ok, results[2].retryable) == (False, False)
    assert "Item with variant_id 999 does not exist" in results[2].problem
    assert results[3] == StockResult("TEA-TIN-250", "product:78", ok=True, quantity=0)
    assert results[4] == StockResult("BAD", "301", ok=False, problem="quantity -2 is negative")
    assert fake.stock() == {"MUG-FIKA-BLU": 7, "MUG-FIKA-RED": 4, "TEA-TIN-250": 0}
    sent = [json.loads(r.content) for r in fake.requests_to("PUT", "/adjustments/absolute")]
    assert [len(body["items"]) for body in sent] == [4, 2, 2, 1, 1]


def test_stock_goes_to_the_channels_location() -> None:
    fake = FakeBigCommerce(now=START)

    fake.connector(location_id="2").set_stock([StockLevel("MUG-FIKA-BLU", 5, external_id="301")])

    assert fake.stock_levels[(2, "v301")] == 5
    assert fake.stock_levels[(1, "v301")] == 9


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"location_id": "7"},
            ConnectionProblem(
                ProblemKind.BAD_DOMAIN,
                "the store has no inventory location 7; choose one of 1 (Default location), "
                "2 (East warehouse)",
                "location_id",
            ),
        ),
        (
            {"store_hash": "Not A Hash!"},
            ConnectionProblem(
                ProblemKind.BAD_DOMAIN,
                "store hash must be the 4-32 lowercase letters and digits after /stores/ in the "
                "API path of your API account",
                "store_hash",
            ),
        ),
        (
            {"api_base_url": "http://bigcommerce.example"},
            ConnectionProblem(
                ProblemKind.BAD_DOMAIN,
                "API base URL may use plain http only on loopback",
                "api_base_url",
            ),
        ),
    ],
)
def test_a_connection_check_names_the_setting_at_fault(
    values: dict[str, str], expected: ConnectionProblem
) -> None:
    assert list(FakeBigCommerce(now=START).connector(**values).check_connection()) == [expected]


def test_a_missing_scope_is_named_as_the_control_panel_names_it() -> None:
    fake = FakeBigCommerce(now=START)
    fake.tokens[fake.token] = frozenset({"store", "orders", "products"})

    problems = list(fake.connector().check_connection())

    assert [(p.kind, p.field, p.scope) for p in problems] == [
        (ProblemKind.MISSING_SCOPE, "access_token", "Store Locations: read-only")
    ]


def test_an_unreachable_store_is_a_problem_to_retry_not_an_error() -> None:
    fake = FakeBigCommerce(now=START)
    fake.fail_next(Fault(timeout=True))

    problems = list(fake.connector().check_connection())

    assert [(p.kind, p.field) for p in problems] == [(ProblemKind.UNREACHABLE, "store_hash")]


def test_locations_are_listed_for_the_location_choice() -> None:
    assert list(FakeBigCommerce(now=START).connector().list_locations()) == [
        Location("1", "Default location"),
        Location("2", "East warehouse"),
    ]


def test_a_webhook_with_the_secret_header_is_verified_and_names_its_order() -> None:
    body = json.dumps(golden("webhook_order_updated.json")).encode()
    headers = {"x-crossdock-webhook-secret": "s3cret-hook-value"}

    assert WEBHOOKS.verify(headers, body, "s3cret-hook-value") is True
    assert WEBHOOKS.verify(headers, body, "another-secret") is False
    assert WEBHOOKS.verify({}, body, "s3cret-hook-value") is False
    assert WEBHOOKS.verify(headers, body, "") is False
    event = WEBHOOKS.parse(headers, body)
    assert (event.topic, event.order_external_id, event.delivery_id) == (
        "store/order/updated",
        "2201",
        "dd70c0976e06b67aaf671e73f49dcb79230ebf9d",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "webhook body is not JSON"),
        (b'{"scope": "store/order/created", "data": {"id": 5}}', "hash"),
        (b'{"scope": "store/order/created", "hash": "h", "data": {}}', "data.id"),
    ],
)
def test_an_unreadable_webhook_is_rejected_with_the_reason(body: bytes, message: str) -> None:
    with pytest.raises(WebhookRejected, match=message):
        WEBHOOKS.parse({}, body)


def test_a_webhook_of_another_scope_names_no_order() -> None:
    event = WEBHOOKS.parse(
        {}, b'{"scope": "store/product/updated", "hash": "h1", "data": {"id": 3}}'
    )

    assert (event.topic, event.order_external_id) == ("store/product/updated", "")


def test_the_test_base_url_reaches_the_store_over_real_loopback_http() -> None:
    fake = _store(2)

    with served(fake) as base_url:
        connector = BigCommerceConnector(build_client(), fake.config(api_base_url=base_url))
        batch = connector.fetch_orders(None, None)

    assert [order.external_id for order in batch.orders] == ["3000", "3001"]
    assert {request.url.host for request in fake.requests} == {"127.0.0.1"}
