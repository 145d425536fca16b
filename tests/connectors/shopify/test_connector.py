"""The Shopify connector against the fake shop: what the conformance kit does not cover."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from crossdock.connectors.base import (
    ConnectionProblem,
    Location,
    ProblemKind,
    PushResult,
    RetryableError,
    ShipmentData,
    ShippedLine,
    StockLevel,
    StockResult,
    ValidationError,
    WebhookEvent,
    WebhookRejected,
)
from crossdock.connectors.http import QuotaSignal, attach_quota_sink
from crossdock.connectors.shopify.connector import SPEC, ShopifyConnector
from crossdock.connectors.shopify.queries import (
    CONNECTION,
    FULFILLMENT_CREATE,
    PRIMARY_LOCATION,
)
from crossdock.connectors.shopify.webhooks import WEBHOOKS
from tests.connectors.shopify.fake import (
    ALL_SCOPES,
    CLIENT_SECRET,
    LOCATION,
    SECOND_LOCATION,
    FakeShopify,
    sign,
)

GOLDEN = Path(__file__).parent / "golden"


def _connector(
    fake: FakeShopify, client: httpx.Client | None = None, **settings: str
) -> ShopifyConnector:
    built = SPEC.build(client or fake.client(), fake.config(**settings))
    assert isinstance(built, ShopifyConnector)
    return built


def _ship(order: dict[str, object], tracking: str, lines: tuple[ShippedLine, ...]) -> ShipmentData:
    return ShipmentData(
        order_external_id=str(order["id"]),
        carrier="UPS",
        service="Ground",
        tracking_number=tracking,
        ship_date=None,
        lines=lines,
    )


def test_a_throttled_call_is_retryable_after_the_bucket_refills_and_the_limiter_hears_it() -> None:
    fake = FakeShopify(available=10.0)
    heard: list[QuotaSignal] = []
    client = fake.client()
    attach_quota_sink(client, heard.append)

    with pytest.raises(RetryableError) as raised:
        _connector(fake, client).fetch_orders(None, None)

    # The change list asks 102 points; 10 + 50 restored are there: 42 more take 0.84 s.
    assert raised.value.retry_after == 0.9
    assert heard == [QuotaSignal(remaining=60.0, reset_after=18.8, retry_after=0.9)]


def test_every_answer_reports_the_bucket_to_the_shared_limiter() -> None:
    fake = FakeShopify()
    heard: list[QuotaSignal] = []
    client = fake.client()
    attach_quota_sink(client, heard.append)

    _connector(fake, client).list_locations()

    assert heard == [
        QuotaSignal(remaining=fake.available, reset_after=(1000.0 - fake.available) / 50)
    ]


def test_a_429_is_retryable_after_its_retry_after_and_the_limiter_hears_it() -> None:
    fake = FakeShopify(faults=[429])
    heard: list[QuotaSignal] = []
    client = fake.client()
    attach_quota_sink(client, heard.append)

    with pytest.raises(RetryableError) as raised:
        _connector(fake, client).fetch_orders(None, None)

    assert raised.value.retry_after == 2.0
    assert heard == [QuotaSignal(retry_after=2.0)]


def test_a_shopify_user_error_is_a_validation_error_with_shopifys_message() -> None:
    fake = FakeShopify()
    order = fake.seed_orders(1)[0]
    line = fake.orders[order]["lineItems"]["nodes"][0]

    def close_before_create(request: httpx.Request) -> None:
        # Someone fulfils the order in Shopify's admin between our read and our write.
        if json.loads(request.content)["query"] == FULFILLMENT_CREATE:
            for fulfillment_order in fake.orders[order]["fulfillmentOrders"]["nodes"]:
                fulfillment_order["status"] = "CLOSED"

    fake.before = close_before_create

    with pytest.raises(ValidationError) as refused:
        _connector(fake).push_shipment(
            _ship(fake.orders[order], "1Z1", (ShippedLine(line["id"], line["sku"], 1),)), "k"
        )

    assert str(refused.value) == (
        "Shopify refused the fulfilment: fulfillment: Fulfillment order is not in an open "
        "state and cannot be fulfilled."
    )
    assert fake.orders[order]["fulfillments"] == []


def test_lines_waiting_at_two_locations_ship_as_one_fulfilment_per_location() -> None:
    fake = FakeShopify()
    mug, tin = list(fake.variants.values())
    order = fake.add_order([(mug, 1)])
    other = fake.add_order([(tin, 2)], location=SECOND_LOCATION)
    # One order whose lines wait at two locations: Shopify splits it in two fulfilment orders.
    order["lineItems"]["nodes"] += other["lineItems"]["nodes"]
    order["fulfillmentOrders"]["nodes"] += other["fulfillmentOrders"]["nodes"]
    del fake.orders[other["id"]]
    lines = tuple(
        ShippedLine(line["id"], line["sku"], line["quantity"])
        for line in order["lineItems"]["nodes"]
    )

    result = _connector(fake).push_shipment(_ship(order, "1Z2", lines), "k")

    made = order["fulfillments"]
    assert result == PushResult(f"{made[0]['id']},{made[1]['id']}")
    assert [dict(f["lines"]) for f in made] == [
        {lines[0].external_line_id: 1},
        {lines[1].external_line_id: 2},
    ]
    assert order["displayFulfillmentStatus"] == "FULFILLED"


def test_a_shipment_with_no_lines_ships_everything_still_open() -> None:
    fake = FakeShopify()
    order = fake.orders[fake.seed_orders(1)[0]]

    _connector(fake).push_shipment(_ship(order, "1Z3", ()), "k")

    assert order["displayFulfillmentStatus"] == "FULFILLED"
    assert [sorted(dict(f["lines"]).values()) for f in order["fulfillments"]] == [[1, 2]]


def test_pushing_to_a_fully_fulfilled_order_again_is_success_not_a_second_fulfilment() -> None:
    fake = FakeShopify()
    order = fake.orders[fake.seed_orders(1)[0]]
    connector = _connector(fake)
    first = connector.push_shipment(_ship(order, "1Z4", ()), "k1")

    again = connector.push_shipment(_ship(order, "1Z5", ()), "k2")

    assert again == first
    assert len(order["fulfillments"]) == 1


def test_a_stock_conflict_is_re_read_and_reported_while_the_rest_of_the_batch_is_set() -> None:
    fake = FakeShopify()
    mug, tin = list(fake.variants.values())
    fake.levels[(tin.item_id, LOCATION)] = 4  # sold meanwhile: we last read 10

    results = _connector(fake).set_stock(
        [
            StockLevel("MUG-FIKA", 7, mug.item_id, expected=10),
            StockLevel("TEA-TIN-9", 6, tin.item_id, expected=10),
        ]
    )

    assert results == [
        StockResult("MUG-FIKA", mug.item_id, ok=True, quantity=7),
        StockResult(
            "TEA-TIN-9",
            tin.item_id,
            ok=False,
            quantity=4,
            problem="TEA-TIN-9: changed on Shopify since it was read (expected 10, Shopify "
            "shows 4); not overwritten",
            retryable=True,
        ),
    ]
    assert (fake.levels[(mug.item_id, LOCATION)], fake.levels[(tin.item_id, LOCATION)]) == (7, 4)


def test_one_batch_with_a_conflict_a_refusal_and_a_good_level_answers_each_in_order() -> None:
    fake = FakeShopify()
    mug, tin = list(fake.variants.values())
    elsewhere = fake.add_variant("VASE-1", "Vase", location=SECOND_LOCATION)
    fake.levels[(tin.item_id, LOCATION)] = 8

    results = _connector(fake).set_stock(
        [
            StockLevel("MUG-FIKA", 1, mug.item_id, expected=10),
            StockLevel("TEA-TIN-9", 2, tin.item_id, expected=10),
            StockLevel("VASE-1", 3, elsewhere.item_id, expected=10),
        ]
    )

    assert [(r.sku, r.ok, r.quantity, r.retryable) for r in results] == [
        ("MUG-FIKA", True, 1, False),
        ("TEA-TIN-9", False, 8, True),
        ("VASE-1", False, None, False),
    ]
    assert results[2].problem == (
        "VASE-1: The specified inventory item is not stocked at the location."
    )
    assert [fake.levels[(v.item_id, LOCATION)] for v in (mug, tin)] == [1, 8]


def test_stock_shopify_cannot_take_is_refused_with_its_message_and_nothing_else_changes() -> None:
    fake = FakeShopify()
    mug = next(iter(fake.variants.values()))
    before = dict(fake.levels)

    results = _connector(fake, location_id=SECOND_LOCATION).set_stock(
        [StockLevel("MUG-FIKA", 3, mug.item_id)]
    )

    assert results == [
        StockResult(
            "MUG-FIKA",
            mug.item_id,
            ok=False,
            problem="MUG-FIKA: The specified inventory item is not stocked at the location.",
        )
    ]
    assert fake.levels == before


def test_stock_without_a_chosen_location_is_set_at_the_shops_primary_location() -> None:
    fake = FakeShopify()
    mug = next(iter(fake.variants.values()))

    results = _connector(fake, location_id="").set_stock([StockLevel("MUG-FIKA", 3, mug.item_id)])

    assert [(r.ok, r.quantity) for r in results] == [(True, 3)]
    assert fake.levels[(mug.item_id, LOCATION)] == 3


def test_stock_without_any_location_or_an_item_id_is_refused_and_nothing_is_set() -> None:
    fake = FakeShopify(primary=None)
    mug = next(iter(fake.variants.values()))
    before = dict(fake.levels)

    nowhere = _connector(fake, location_id="").set_stock([StockLevel("MUG-FIKA", 3, mug.item_id)])
    unkeyed = _connector(fake).set_stock([StockLevel("MUG-FIKA", 3, "")])

    assert [r.problem for r in [*nowhere, *unkeyed]] == [
        "Shopify names no active primary location: choose the location (setting location_id)",
        "MUG-FIKA: no Shopify inventory item id (pull listings first)",
    ]
    assert [body["query"] for body in fake.received] == [PRIMARY_LOCATION]
    assert fake.levels == before


def test_the_connection_check_names_every_missing_scope_and_a_foreign_location() -> None:
    fake = FakeShopify(
        scopes=tuple(s for s in ALL_SCOPES if s not in ("read_products", "write_inventory"))
    )

    problems = _connector(fake, location_id="gid://shopify/Location/999").check_connection()

    assert [(p.kind, p.field, p.scope) for p in problems] == [
        (ProblemKind.MISSING_SCOPE, "access_token", "write_inventory"),
        (ProblemKind.MISSING_SCOPE, "access_token", "read_products"),
        (ProblemKind.BAD_DOMAIN, "location_id", ""),
    ]
    assert problems[0].message == (
        "the custom app lacks the Admin API scope write_inventory (needed to set stock "
        "levels): add it and reinstall the app"
    )


def test_a_token_that_may_not_read_locations_is_named_without_reading_them() -> None:
    fake = FakeShopify(scopes=tuple(s for s in ALL_SCOPES if s != "read_locations"))

    problems = _connector(fake).check_connection()

    assert [(p.kind, p.scope) for p in problems] == [(ProblemKind.MISSING_SCOPE, "read_locations")]
    assert [body["query"] for body in fake.received] == [CONNECTION]


def test_a_locked_shop_and_a_mistyped_domain_are_named() -> None:
    locked = FakeShopify(closed="locked")

    assert [p.kind for p in _connector(locked).check_connection()] == [ProblemKind.STORE_CLOSED]
    typo = _connector(FakeShopify(), shop_domain="https://shop.nordic-crafts.se")
    assert typo.check_connection() == [
        ConnectionProblem(
            ProblemKind.BAD_DOMAIN,
            "'https://shop.nordic-crafts.se' is not a shop domain: enter <name>.myshopify.com "
            "(the permanent domain shown under Settings → Domains, not a custom domain)",
            "shop_domain",
        )
    ]


def test_locations_are_the_shops_active_ones() -> None:
    assert _connector(FakeShopify()).list_locations() == [
        Location(LOCATION, "Main warehouse"),
        Location(SECOND_LOCATION, "Shop floor"),
    ]


def test_one_order_is_fetched_by_the_numeric_id_a_webhook_gives_and_a_gone_one_is_none() -> None:
    fake = FakeShopify()
    gid = fake.seed_orders(1)[0]
    connector = _connector(fake)

    found = connector.fetch_order(gid.rsplit("/", 1)[1])

    assert found is not None
    assert found.data is not None
    assert found.data.external_id == gid
    assert connector.fetch_order("gid://shopify/Order/1") is None


def _delivery(body: bytes, secret: str = CLIENT_SECRET, **headers: str) -> dict[str, str]:
    return {
        "x-shopify-hmac-sha256": sign(body, secret),
        "x-shopify-topic": "orders/updated",
        "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        **headers,
    }


def test_a_signed_order_webhook_names_its_order_and_delivery() -> None:
    body = (GOLDEN / "webhook_orders_updated.json").read_bytes()
    headers = _delivery(body)

    assert WEBHOOKS.verify(headers, body, CLIENT_SECRET)
    assert WEBHOOKS.parse(headers, body) == WebhookEvent(
        topic="orders/updated",
        order_external_id="gid://shopify/Order/5512345678901",
        delivery_id="b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    )


def test_a_tampered_or_foreign_webhook_does_not_verify() -> None:
    body = (GOLDEN / "webhook_orders_updated.json").read_bytes()

    assert not WEBHOOKS.verify(_delivery(body), body.replace(b"41.90", b"0.01"), CLIENT_SECRET)
    assert not WEBHOOKS.verify(_delivery(body, secret="another app"), body, CLIENT_SECRET)
    assert not WEBHOOKS.verify(_delivery(body), body, "")
    assert not WEBHOOKS.verify({}, body, CLIENT_SECRET)


def test_a_webhook_without_a_delivery_id_or_an_order_is_rejected_by_name() -> None:
    body = b'{"id": "not a number"}'

    with pytest.raises(WebhookRejected, match="X-Shopify-Webhook-Id is missing"):
        WEBHOOKS.parse({"x-shopify-topic": "orders/create"}, body)
    with pytest.raises(WebhookRejected, match="the orders/create webhook body has no order id"):
        WEBHOOKS.parse({"x-shopify-topic": "orders/create", "x-shopify-webhook-id": "1"}, body)
    assert WEBHOOKS.parse(
        {"x-shopify-topic": "products/update", "x-shopify-webhook-id": "2"}, body
    ) == WebhookEvent(topic="products/update", order_external_id="", delivery_id="2")
