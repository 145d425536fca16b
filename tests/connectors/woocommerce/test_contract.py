"""Contract: every fixture we parse and every request we send, checked against the
WooCommerce ``wc/v3`` OpenAPI document (``tests/connectors/specs``, see its PROVENANCE).

The community spec was generated from WordPress route schemas that allow ``null`` for dates
and optional objects but lost that on the way, so ``null`` is accepted wherever a type is
given. Routes the spec does not hold are listed in :data:`NOT_IN_SPEC` with why; their
bodies are checked against the schema their items share (batch updates are products).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml

from crossdock.connectors.base import ShipmentData, ShippedLine, StockLevel
from crossdock.connectors.http import build_client
from crossdock.connectors.woocommerce.connector import SPEC, WooCommerceConnector
from tests.connectors.woocommerce.fake import WooFake, WooStore, order_document
from tests.connectors.woocommerce.test_mapping import golden

SPEC_FILE = Path(__file__).parent.parent / "specs" / "woocommerce-wc-v3-community.yml"
PREFIX = "/wp-json/wc/v3"

#: Routes we call that the community spec lacks, and where their shape is documented.
NOT_IN_SPEC = {
    ("POST", "/products/batch"): "batch routes were removed from the spec; items are products",
    ("POST", "/products/{product_id}/variations/batch"): "as above; items are variations",
    ("POST", "/orders/batch"): "the write-permission probe; an empty batch",
    ("GET", "/settings/products/woocommerce_weight_unit"): "settings routes are not in the spec",
}


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(
        SPEC_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader
    )
    return loaded


def _nullable(schema: Any) -> Any:
    if isinstance(schema, dict):
        converted = {key: _nullable(value) for key, value in schema.items()}
        if isinstance(converted.get("type"), str):
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        return converted
    if isinstance(schema, list):
        return [_nullable(item) for item in schema]
    return schema


def validate(instance: Any, schema: dict[str, Any]) -> None:
    root = {**_nullable(schema), "components": _nullable(document()["components"])}
    jsonschema.Draft7Validator(root).validate(instance)


def component(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _orders() -> list[dict[str, Any]]:
    when = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
    return [
        golden("order.json"),
        order_document(1, when, showcase=True),
        order_document(2, when, showcase=False),
    ]


@pytest.mark.parametrize("index", range(3))
def test_the_orders_we_parse_are_shop_orders(index: int) -> None:
    validate(_orders()[index], component("shop_order"))


def test_the_refunds_products_and_variations_we_parse_match_their_schemas() -> None:
    for refund in golden("refunds.json"):
        validate(refund, component("shop_order_refund"))
    for product in golden("products.json"):
        validate(product, component("product"))
    for variation in golden("variations.json"):
        validate(variation, component("product_variation"))


def _route(method: str, path: str) -> tuple[str, dict[str, Any] | None]:
    """The spec's path template for a concrete path, and its operation (``None``: absent)."""
    for template, operations in document()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return template, operations[method.lower()]
    for (listed_method, template), _ in NOT_IN_SPEC.items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if listed_method == method and re.match(pattern, path):
            return template, None
    raise AssertionError(f"{method} {path} is neither in the spec nor listed as missing")


def _exercise(store: WooStore) -> None:
    fake = WooFake(store)
    ids = fake.seed_orders(2)
    fake.refund_order(ids[1], Decimal("3.00"))
    connector = SPEC.build(
        build_client(transport=httpx.MockTransport(store.handle)), fake.good_config()
    )
    assert isinstance(connector, WooCommerceConnector)
    assert connector.check_connection() == []
    orders = connector.fetch_orders(None, None).orders
    first = orders[0].data
    assert first is not None
    for key, line in enumerate(first.lines):
        connector.push_shipment(
            ShipmentData(
                first.external_id,
                "" if key else "USPS",
                "",
                f"T{key}",
                None,
                (ShippedLine(line.external_id, line.sku, line.quantity),),
                carrier_name="Bring",
                tracking_url="https://tracking.bring.com/x",
            ),
            f"key-{key}",
        )
    connector.set_stock([StockLevel("SCARF-BLUE", 1), StockLevel("MUG-FIKA", 3)])


def test_every_request_we_send_names_spec_parameters_and_carries_a_valid_body() -> None:
    store = WooStore()
    _exercise(store)
    checked = 0

    for request in store.requests:
        path = request.url.path
        if not path.startswith(PREFIX):
            continue  # the REST index and the Shipment Tracking extension (documented apart)
        template, operation = _route(request.method, path.removeprefix(PREFIX))
        body = json.loads(request.content) if request.content else None
        if operation is None:
            if template.endswith("/batch") and body:
                item = "product_variation" if "variations" in template else "product"
                for update in body.get("update", []):
                    validate(update, component(item))
            continue
        allowed = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert set(request.url.params.keys()) <= allowed, (request.method, template)
        if body is not None:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            validate(body, schema)
        checked += 1

    assert checked >= 8
