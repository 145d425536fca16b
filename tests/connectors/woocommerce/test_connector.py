"""The WooCommerce connector against its fake store: what the kit does not cover."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx
import pytest

from crossdock.connectors.base import (
    ChannelConfig,
    ConnectionProblem,
    Location,
    ProblemKind,
    ShipmentData,
    ShippedLine,
    StockLevel,
    StockResult,
    ValidationError,
    WebhookEvent,
    WebhookRejected,
)
from crossdock.connectors.http import build_client
from crossdock.connectors.woocommerce.connector import SPEC, WooCommerceConnector
from crossdock.connectors.woocommerce.webhooks import WooWebhooks
from tests.connectors.conformance.full_loop import TRACKING, run_full_loop
from tests.connectors.woocommerce.fake import KEY, SECRET, WooFake, WooStore


def _connector(
    store: WooStore, site: str = "https://shop.example.com", **secrets: str
) -> WooCommerceConnector:
    config = ChannelConfig(
        {"site_url": site}, {"consumer_key": KEY, "consumer_secret": SECRET, **secrets}
    )
    built = SPEC.build(build_client(transport=httpx.MockTransport(store.handle)), config)
    assert isinstance(built, WooCommerceConnector)
    return built


@pytest.mark.parametrize(
    ("store", "secrets", "expected"),
    [
        (
            WooStore(rest_disabled=True),
            {},
            ConnectionProblem(
                ProblemKind.API_DISABLED,
                "the WordPress REST API is switched off on this site (a security plugin or "
                "setting blocks /wp-json/); allow it for WooCommerce",
                "site_url",
            ),
        ),
        (
            WooStore(woocommerce_active=False),
            {},
            ConnectionProblem(
                ProblemKind.BAD_DOMAIN,
                "this WordPress site has no WooCommerce REST API (wc/v3): is WooCommerce active?",
                "site_url",
            ),
        ),
        (
            WooStore(),
            {"consumer_secret": "cs_wrong"},
            ConnectionProblem(
                ProblemKind.BAD_TOKEN,
                "the store does not accept this consumer secret",
                "consumer_secret",
            ),
        ),
    ],
)
def test_each_connection_problem_is_named(
    store: WooStore, secrets: dict[str, str], expected: ConnectionProblem
) -> None:
    assert _connector(store, **secrets).check_connection() == [expected]


def test_a_site_that_is_not_wordpress_is_a_bad_domain() -> None:
    def not_wordpress(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="<html><body>Welcome to nginx</body></html>")

    config = ChannelConfig(
        {"site_url": "https://example.com"}, {"consumer_key": KEY, "consumer_secret": SECRET}
    )
    connector = SPEC.build(build_client(transport=httpx.MockTransport(not_wordpress)), config)
    assert isinstance(connector, WooCommerceConnector)

    assert connector.check_connection() == [
        ConnectionProblem(
            ProblemKind.BAD_DOMAIN,
            "this address is not a WordPress site (no REST API at /wp-json/)",
            "site_url",
        )
    ]


def test_a_read_only_key_names_the_missing_write_permission() -> None:
    problems = WooFake().bad_configs()[ProblemKind.MISSING_SCOPE]
    store = WooStore()
    connector = SPEC.build(build_client(transport=httpx.MockTransport(store.handle)), problems)
    assert isinstance(connector, WooCommerceConnector)

    [problem] = connector.check_connection()

    assert (problem.kind, problem.field, problem.scope) == (
        ProblemKind.MISSING_SCOPE,
        "consumer_key",
        "write",
    )


def test_plain_http_is_refused_before_any_request_except_on_loopback() -> None:
    store = WooStore()

    remote = _connector(store, site="http://shop.example.com")
    with pytest.raises(ValidationError, match="site_url must use https"):
        remote.fetch_orders(None, None)
    assert store.requests == []

    assert _connector(store, site="http://127.0.0.1:8080").check_connection() == []
    assert _connector(store, site="http://localhost:8080").list_locations() == [
        Location("store", "Store")
    ]


def test_without_the_tracking_extension_the_note_and_meta_carry_the_shipment_once() -> None:
    store = WooStore(tracking_extension=False)
    fake = WooFake(store)
    [order_id] = fake.seed_orders(1)
    connector = _connector(store)
    order = store.orders[int(order_id)]
    shipment = ShipmentData(
        order_external_id=order_id,
        carrier="UPS",
        service="Ground",
        tracking_number="1Z999AA10123456784",
        ship_date=None,
        lines=tuple(
            ShippedLine(str(line["id"]), line["sku"], line["quantity"])
            for line in order["line_items"]
        ),
        notify_buyer=False,
    )

    first = connector.push_shipment(shipment, "wb-1")
    again = connector.push_shipment(shipment, "wb-1")

    assert first == again
    assert [note["customer_note"] for note in store.notes[int(order_id)]] == [False]
    assert store.orders[int(order_id)]["status"] == "completed"
    assert store.trackings == {}


def test_a_known_tracking_number_is_not_added_twice_when_the_meta_was_lost() -> None:
    store = WooStore()
    fake = WooFake(store)
    [order_id] = fake.seed_orders(1)
    connector = _connector(store)
    line = store.orders[int(order_id)]["line_items"][0]
    shipment = ShipmentData(
        order_id, "USPS", "", "9400", None, (ShippedLine(str(line["id"]), line["sku"], 1),)
    )
    connector.push_shipment(shipment, "wb-1")
    store.orders[int(order_id)]["meta_data"] = []  # the answer to the PUT never arrived

    connector.push_shipment(shipment, "wb-1")

    assert [item["tracking_number"] for item in store.trackings[int(order_id)]] == ["9400"]


def test_stock_for_an_unknown_sku_is_refused_alone() -> None:
    store = WooStore()
    connector = _connector(store)

    results = connector.set_stock(
        [StockLevel("SCARF-RED", 9), StockLevel("NO-SUCH-SKU", 1), StockLevel("MUG-FIKA", 2, "11")]
    )

    assert results == [
        StockResult("SCARF-RED", "", ok=True, quantity=9),
        StockResult("NO-SUCH-SKU", "", ok=False, problem="no product or variation has this SKU"),
        StockResult("MUG-FIKA", "11", ok=True, quantity=2),
    ]
    assert (WooFake(store).stock()["SCARF-RED"], WooFake(store).stock()["MUG-FIKA"]) == (9, 2)


def _signed(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_a_webhook_delivery_is_verified_by_its_signature_and_read_as_an_event() -> None:
    receiver = WooWebhooks()
    body = json.dumps({"id": 1042, "status": "processing"}).encode()
    headers = {
        "x-wc-webhook-signature": _signed(body, "whsec-1"),
        "x-wc-webhook-topic": "order.updated",
        "x-wc-webhook-delivery-id": "8841",
    }

    assert receiver.verify(headers, body, "whsec-1") is True
    assert receiver.verify(headers, body + b" ", "whsec-1") is False
    assert receiver.verify(headers, body, "another-secret") is False
    assert receiver.verify({**headers, "x-wc-webhook-signature": ""}, body, "whsec-1") is False
    assert receiver.parse(headers, body) == WebhookEvent("order.updated", "1042", "8841")
    assert receiver.parse({}, b"webhook_id=12") == WebhookEvent("ping", "", "webhook_id=12")


@pytest.mark.parametrize(
    ("headers", "body", "reason"),
    [
        ({"x-wc-webhook-topic": "order.updated"}, b"{}", "no X-WC-Webhook-Delivery-ID"),
        (
            {"x-wc-webhook-topic": "product.updated", "x-wc-webhook-delivery-id": "1"},
            b"{}",
            "not an order topic",
        ),
        (
            {"x-wc-webhook-topic": "order.created", "x-wc-webhook-delivery-id": "1"},
            b"<xml/>",
            "not JSON",
        ),
        (
            {"x-wc-webhook-topic": "order.created", "x-wc-webhook-delivery-id": "1"},
            b"[1]",
            "no order id",
        ),
    ],
)
def test_an_unreadable_delivery_is_rejected_with_its_reason(
    headers: dict[str, str], body: bytes, reason: str
) -> None:
    with pytest.raises(WebhookRejected, match=reason):
        WooWebhooks().parse(headers, body)


def test_one_order_is_fetched_by_id_for_the_webhook_fast_path() -> None:
    store = WooStore()
    [order_id] = WooFake(store).seed_orders(1)
    connector = _connector(store)

    found = connector.fetch_order(order_id)

    assert found is not None
    assert found.data is not None
    assert found.data.number == order_id
    assert connector.fetch_order("999999") is None


@pytest.mark.django_db
def test_a_woocommerce_order_goes_round_the_whole_loop() -> None:
    fake = WooFake()

    outcome = run_full_loop(fake)

    assert (outcome.write_back.state, outcome.write_back.attempts) == ("accepted", 1)
    assert [(s.tracking_number, s.carrier) for s in outcome.received] == [(TRACKING, "USPS")]
    assert outcome.order.status == "shipped"
    order_id = int(outcome.order.external_id)
    assert fake.store.orders[order_id]["status"] == "completed"
    # ShipStation's USPS is the Shipment Tracking provider the spec's carrier mapping names.
    [tracking] = fake.store.trackings[order_id]
    assert (tracking["tracking_provider"], tracking["custom_tracking_provider"]) == ("USPS", "")
