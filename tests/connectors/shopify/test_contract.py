"""Contract: what we send and what we parse, held against Shopify's published schema (2025-01).

Every GraphQL document the connector sends must validate; every request's variables must
coerce to the document's declared types; every golden fixture the mapping tests read must
be a possible answer to the document it stands for (executed against the schema with the
fixture as the data, the answer is the fixture itself: every field exists, has the
schema's type and nullability, and nothing else is there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLAbstractType,
    GraphQLResolveInfo,
    OperationDefinitionNode,
    execute_sync,
    parse,
)
from graphql.execution.values import get_variable_values

from crossdock.connectors.base import ShipmentData, ShippedLine, StockLevel
from crossdock.connectors.shopify import queries
from crossdock.connectors.shopify.connector import ShopifyConnector
from tests.connectors.shopify.fake import MAX_QUERY_COST, FakeShopify, query_cost
from tests.connectors.shopify.schema import admin_schema, document_errors

GOLDEN = Path(__file__).parent / "golden"

#: Each answer fixture, the document it answers and the variables it was asked with.
FIXTURES: dict[str, tuple[str, dict[str, Any]]] = {
    "order.json": (queries.ORDER, {"id": "gid://shopify/Order/5512345678901"}),
    "orders_page.json": (
        queries.ORDERS,
        {"first": 50, "query": "updated_at:>='2026-11-20T09:00:00Z'"},
    ),
    "fulfillment_orders.json": (queries.FULFILLMENT_ORDERS, {"id": "gid://shopify/Order/1"}),
    "fulfillment_create.json": (
        queries.FULFILLMENT_CREATE,
        {"fulfillment": {"lineItemsByFulfillmentOrder": []}},
    ),
    "fulfillment_create_refused.json": (
        queries.FULFILLMENT_CREATE,
        {"fulfillment": {"lineItemsByFulfillmentOrder": []}},
    ),
    "variants.json": (queries.VARIANTS, {"first": 100}),
    "inventory_set_refused.json": (
        queries.INVENTORY_SET,
        {"input": {"name": "available", "reason": "correction", "quantities": []}},
    ),
    "inventory_levels.json": (
        queries.INVENTORY_LEVELS,
        {
            "ids": ["gid://shopify/InventoryItem/46002", "gid://shopify/InventoryItem/1"],
            "locationId": "gid://shopify/Location/71",
        },
    ),
    "connection.json": (queries.CONNECTION, {}),
    "locations.json": (queries.LOCATIONS, {}),
}


def _golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def _any_implementation(
    value: Any, info: GraphQLResolveInfo[Any], abstract: GraphQLAbstractType
) -> str | None:
    """The object type of an abstract value: its ``__typename`` when the fixture has one
    (it was asked for), else any implementation (only interface fields were asked for)."""
    if isinstance(value, dict) and isinstance(value.get("__typename"), str):
        return str(value["__typename"])
    return info.schema.get_possible_types(abstract)[0].name


def _strip_unrequested_typenames(fixture: Any, answer: Any) -> Any:
    if isinstance(fixture, dict) and isinstance(answer, dict):
        return {
            key: _strip_unrequested_typenames(value, answer.get(key))
            for key, value in fixture.items()
            if key != "__typename" or key in answer
        }
    if isinstance(fixture, list) and isinstance(answer, list):
        return [_strip_unrequested_typenames(f, a) for f, a in zip(fixture, answer, strict=False)]
    return fixture


@pytest.mark.parametrize("name", sorted(queries.ALL))
def test_every_document_we_send_is_valid_against_the_schema(name: str) -> None:
    assert document_errors(queries.ALL[name]) == []


#: The variables that size each document as the connector sends it.
SIZES: dict[str, dict[str, Any]] = {
    "ORDERS": {"first": queries.ORDER_PAGE_SIZE},
    "VARIANTS": {"first": queries.VARIANT_PAGE_SIZE},
    "INVENTORY_LEVELS": {"ids": ["gid://shopify/InventoryItem/1"] * 250},
}


@pytest.mark.parametrize("name", sorted(queries.ALL))
def test_every_document_stays_under_shopifys_single_query_cost_ceiling(name: str) -> None:
    cost = query_cost(parse(queries.ALL[name]), SIZES.get(name, {}))

    assert cost <= MAX_QUERY_COST


def test_a_document_over_the_cost_ceiling_is_refused_by_the_fake_as_shopify_would() -> None:
    greedy = queries.ORDER.replace("lineItems(first: 25)", "lineItems(first: 250)")

    answer = FakeShopify().answer(greedy, {"id": "gid://shopify/Order/1"})

    assert [error["extensions"]["code"] for error in answer["errors"]] == ["MAX_COST_EXCEEDED"]


def test_a_document_shopify_would_refuse_is_caught() -> None:
    wrong = queries.ORDER.replace("paymentGatewayNames", "paymentGateways")

    assert document_errors(wrong) == [
        "Cannot query field 'paymentGateways' on type 'Order'. "
        "Did you mean 'paymentGatewayNames' or 'paymentTerms'?"
    ]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_fixture_is_a_possible_answer_to_its_document(name: str) -> None:
    document, variables = FIXTURES[name]
    fixture = _golden(name)

    result = execute_sync(
        admin_schema(),
        parse(document),
        root_value=fixture,
        variable_values=variables,
        type_resolver=_any_implementation,
    )

    assert result.errors is None
    assert result.data == _strip_unrequested_typenames(fixture, result.data)


def test_a_fixture_with_a_wrong_shape_is_caught() -> None:
    fixture = _golden("variants.json")
    fixture["productVariants"]["nodes"][0]["inventoryQuantity"] = "twelve"

    result = execute_sync(
        admin_schema(), parse(queries.VARIANTS), root_value=fixture, variable_values={"first": 1}
    )

    assert [error.message for error in result.errors or []] == [
        "Int cannot represent non-integer value: 'twelve'"
    ]


def _variable_problems(document: str, variables: dict[str, Any]) -> list[str]:
    operation = next(
        d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)
    )
    coerced = get_variable_values(admin_schema(), operation.variable_definitions or (), variables)
    return [error.message for error in coerced] if isinstance(coerced, list) else []


@pytest.mark.parametrize("index", [0, 1])
def test_the_golden_fulfilment_requests_coerce_to_fulfillment_input(index: int) -> None:
    request = _golden("fulfillment_input.json")[index]

    assert _variable_problems(queries.FULFILLMENT_CREATE, {"fulfillment": request}) == []


def test_every_request_of_a_whole_session_is_valid_with_its_variables() -> None:
    fake = FakeShopify()
    ids = fake.seed_orders(2)
    connector = fake.spec.build(fake.client(), fake.good_config())
    assert isinstance(connector, ShopifyConnector)
    connector.check_connection()
    connector.list_locations()
    primary = fake.spec.build(fake.client(), fake.config(location_id=""))
    assert isinstance(primary, ShopifyConnector)
    primary.set_stock([StockLevel("MUG-FIKA", 4, next(iter(fake.variants.values())).item_id)])
    order = connector.fetch_orders(None, None).orders[0].data
    assert order is not None
    connector.push_shipment(
        ShipmentData(
            order.external_id,
            "UPS",
            "Ground",
            "1Z999AA10123456784",
            None,
            (ShippedLine(order.lines[0].external_id, order.lines[0].sku, 1),),
            tracking_url="https://www.ups.com/track?tracknum=1Z999AA10123456784",
        ),
        "wb-1",
    )
    connector.find_shipment(ids[0], "wb-1")
    listings = connector.fetch_listings()
    connector.set_stock(
        [StockLevel(item.sku, 3, item.external_id, expected=item.quantity + 1) for item in listings]
    )

    assert {body["query"] for body in fake.received} == set(queries.ALL.values())
    assert [
        (body["query"][:40], problems)
        for body in fake.received
        if (problems := _variable_problems(body["query"], body["variables"]))
    ] == []
