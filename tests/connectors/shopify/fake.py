"""A fake Shopify shop: the Admin GraphQL endpoint over ``httpx.MockTransport``, in memory.

Every request body is parsed and validated against Shopify's published schema, then
executed by graphql-core against the shop's state, so an answer has exactly the shape the
document asks for (and a document Shopify would refuse is refused here too). Answers carry
``extensions.cost`` from a cost bucket; a call costing more than the bucket holds answers
``THROTTLED``. Mutations behave as Shopify documents them: ``fulfillmentCreate`` checks the
fulfilment orders and quantities, ``inventorySetQuantities`` compares and sets, both answer
``userErrors``. Faults (HTTP statuses, timeouts, a frozen shop) are queued or switched on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import httpx
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    execute_sync,
    parse,
    validate,
)
from graphql.error import GraphQLError

from crossdock.connectors.base import ChannelConfig, ConnectorSpec, ProblemKind
from crossdock.connectors.http import build_client
from crossdock.connectors.shopify.connector import SPEC
from crossdock.connectors.shopify.queries import ORDER_PAGE_SIZE
from tests.connectors.conformance.platform import SEED_SPACING, FakeShipment
from tests.connectors.shopify.schema import admin_schema

SHOP = "nordic-crafts.myshopify.com"
TOKEN = "shpat_fake_0123456789abcdef"
#: The custom app's API secret key, which signs its webhook deliveries.
CLIENT_SECRET = "shpss_fake_webhook_secret"
PATH = "/admin/api/2025-01/graphql.json"
LOCATION = "gid://shopify/Location/71"
SECOND_LOCATION = "gid://shopify/Location/72"
ALL_SCOPES = (
    "write_orders",
    "write_merchant_managed_fulfillment_orders",
    "read_merchant_managed_fulfillment_orders",
    "write_inventory",
    "read_inventory",
    "read_products",
    "read_locations",
)
#: Shopify refuses a single call whose requested cost exceeds this.
MAX_QUERY_COST = 1000
#: A token of the same shop whose app lacks one scope, and a shop Shopify froze.
LIMITED_TOKEN = "shpat_fake_without_write_inventory"
FROZEN_SHOP = "frozen-crafts.myshopify.com"


def sign(body: bytes, secret: str) -> str:
    """The ``X-Shopify-Hmac-Sha256`` Shopify sends with ``body``: base64 HMAC-SHA256."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def money(amount: str, currency: str = "USD") -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


@dataclass
class Variant:
    number: int
    sku: str
    title: str
    product: str
    price: str = "10.00"
    grams: int = 250
    options: tuple[tuple[str, str], ...] = ()
    barcode: str = ""

    @property
    def id(self) -> str:
        return f"gid://shopify/ProductVariant/{self.number}"

    @property
    def item_id(self) -> str:
        return f"gid://shopify/InventoryItem/{self.number}"


@dataclass
class FakeShopify:
    """One shop's state and the GraphQL endpoint that serves it."""

    shop: str = SHOP
    token: str = TOKEN
    scopes: tuple[str, ...] = ALL_SCOPES
    #: The cost bucket: points held, its ceiling, points restored per (fake) second.
    maximum: float = 1000.0
    available: float = 1000.0
    restore_rate: float = 50.0
    #: "frozen" (402) or "locked" (423) closes the shop.
    closed: str = ""
    #: Other tokens of the shop and the scopes their apps hold.
    other_tokens: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            LIMITED_TOKEN: tuple(s for s in ALL_SCOPES if s != "write_inventory")
        }
    )
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    variants: dict[str, Variant] = field(default_factory=dict)
    #: (inventory item id, location id) → quantity available.
    levels: dict[tuple[str, str], int] = field(default_factory=dict)
    locations: dict[str, str] = field(
        default_factory=lambda: {LOCATION: "Main warehouse", SECOND_LOCATION: "Shop floor"}
    )
    #: The shop's primary location (``None``: Shopify names none).
    primary: str | None = LOCATION
    #: Faults answered before anything else, one per request: a status or an exception.
    faults: list[int | Exception] = field(default_factory=list)
    #: Every request body received (query and variables), in order.
    received: list[dict[str, Any]] = field(default_factory=list)
    #: Called with each request before it is answered (to change the shop mid-pull).
    before: Callable[[httpx.Request], None] | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(5001))
    _granted: tuple[str, ...] = ALL_SCOPES

    def __post_init__(self) -> None:
        # The catalogue every seeded order buys from.
        self.add_variant("MUG-FIKA", options=(("Color", "Blue"), ("Size", "Large")))
        self.add_variant("TEA-TIN-9", "Tea tin", price="9.90", grams=120)

    # -- building state ------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock()

    def add_variant(
        self,
        sku: str,
        title: str = "Stoneware mug",
        *,
        quantity: int = 10,
        options: tuple[tuple[str, str], ...] = (),
        price: str = "14.50",
        grams: int = 350,
        location: str = LOCATION,
    ) -> Variant:
        variant = Variant(
            next(self._ids),
            sku,
            " / ".join(value for _, value in options) or "Default Title",
            title,
            price,
            grams,
            options,
            barcode=f"0{next(self._ids):011d}",
        )
        self.variants[variant.id] = variant
        self.levels[(variant.item_id, location)] = quantity
        return variant

    def add_order(
        self,
        lines: list[tuple[Variant, int]],
        *,
        financial: str = "PAID",
        location: str = LOCATION,
        at: datetime | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """An order for ``lines`` (variant, quantity), with one fulfilment order per call."""
        number = next(self._ids)
        order_id = f"gid://shopify/Order/{number}"
        line_items = []
        fo_lines = []
        for variant, quantity in lines:
            line_id = f"gid://shopify/LineItem/{next(self._ids)}"
            option_title = " / ".join(value for _, value in variant.options)
            line_items.append(
                {
                    "id": line_id,
                    "sku": variant.sku,
                    "name": f"{variant.product} - {option_title}"
                    if option_title
                    else variant.product,
                    "quantity": quantity,
                    "currentQuantity": quantity,
                    "requiresShipping": True,
                    "originalUnitPriceSet": money(variant.price),
                    "image": {"url": f"https://cdn.shopify.com/s/files/{variant.sku.lower()}.jpg"},
                    "discountAllocations": [],
                    "variant": {
                        "id": variant.id,
                        "barcode": variant.barcode,
                        "selectedOptions": [
                            {"name": name, "value": value} for name, value in variant.options
                        ]
                        or [{"name": "Title", "value": "Default Title"}],
                        "inventoryItem": {
                            "measurement": {"weight": {"unit": "GRAMS", "value": variant.grams}}
                        },
                    },
                }
            )
            fo_lines.append(
                {
                    "id": f"gid://shopify/FulfillmentOrderLineItem/{next(self._ids)}",
                    "remainingQuantity": quantity,
                    "lineItem": {"id": line_id, "sku": variant.sku},
                }
            )
        created = at or self.now
        order: dict[str, Any] = {
            "id": order_id,
            "name": f"#{1000 + len(self.orders) + 1}",
            "createdAt": stamp(created),
            "updatedAt": stamp(created),
            "cancelledAt": None,
            "cancelReason": None,
            "closed": False,
            "test": False,
            "email": "zoe@example.com",
            "phone": "+46 8 555 010 20",
            "note": None,
            "tags": [],
            "sourceName": "web",
            "currencyCode": "USD",
            "displayFinancialStatus": financial,
            "displayFulfillmentStatus": "UNFULFILLED",
            "paymentGatewayNames": ["shopify_payments"],
            "discountCodes": [],
            "totalWeight": sum(v.grams * q for v, q in lines),
            "customAttributes": [],
            "customer": {
                "id": "gid://shopify/Customer/311",
                "displayName": "Zoë Ångström",
                "phone": None,
            },
            "billingAddress": _address(),
            "shippingAddress": _address(),
            "currentTotalTaxSet": money("0.00"),
            "totalShippingPriceSet": money("5.00"),
            "shippingLines": {
                "nodes": [{"title": "Standard", "code": "standard", "discountAllocations": []}]
            },
            "discountApplications": {"nodes": []},
            "lineItems": {"pageInfo": {"hasNextPage": False}, "nodes": line_items},
            "fulfillmentOrders": {
                "nodes": [
                    {
                        "id": f"gid://shopify/FulfillmentOrder/{next(self._ids)}",
                        "status": "OPEN",
                        "assignedLocation": {
                            "name": self.locations[location],
                            "location": {"id": location},
                        },
                        "supportedActions": [{"action": "CREATE_FULFILLMENT"}],
                        "lineItems": {"nodes": fo_lines},
                    }
                ]
            },
            "fulfillments": [],
            "refunds": [],
        }
        metafields: dict[tuple[str, str], str] = {}
        order["_metafields"] = metafields
        order["metafield"] = lambda _info, key, namespace=None: (
            {"value": metafields[(namespace or "", key)]}
            if (namespace or "", key) in metafields
            else None
        )
        order.update(fields)
        self.orders[order_id] = order
        return order

    def touch(self, order: dict[str, Any], **fields: Any) -> None:
        """Change an order now (its ``updatedAt`` moves)."""
        order.update(fields)
        order["updatedAt"] = stamp(self.now)

    def cancel(self, order: dict[str, Any], reason: str = "CUSTOMER") -> None:
        self.touch(order, cancelledAt=stamp(self.now), cancelReason=reason)
        for fulfillment_order in order["fulfillmentOrders"]["nodes"]:
            fulfillment_order["status"] = "CLOSED"

    def refund(self, order: dict[str, Any], line_index: int, quantity: int, amount: str) -> None:
        line = order["lineItems"]["nodes"][line_index]
        line["currentQuantity"] -= quantity
        order["refunds"].append(
            {
                "id": f"gid://shopify/Refund/{next(self._ids)}",
                "createdAt": stamp(self.now),
                "note": "Damaged in transit",
                "totalRefundedSet": money(amount),
                "refundLineItems": {
                    "nodes": [
                        {
                            "quantity": quantity,
                            "restocked": False,
                            "lineItem": {"id": line["id"], "sku": line["sku"]},
                            "subtotalSet": money(amount),
                        }
                    ]
                },
            }
        )
        order["displayFinancialStatus"] = "PARTIALLY_REFUNDED"
        self.touch(order)

    # -- the conformance kit's FakePlatform -----------------------------------------------------

    spec: ConnectorSpec = SPEC
    page_size: int = ORDER_PAGE_SIZE
    # Shopify has no gift flag of its own (gift notes live in apps' order attributes).
    absent_features: frozenset[str] = frozenset({"gift"})

    def good_config(self) -> ChannelConfig:
        return self.config()

    def bad_configs(self) -> Mapping[ProblemKind, ChannelConfig]:
        secrets = {"access_token": self.token}
        settings = {"shop_domain": self.shop, "location_id": LOCATION}
        return {
            ProblemKind.BAD_TOKEN: ChannelConfig(
                settings, {**secrets, "access_token": "shpat_revoked_0000"}
            ),
            ProblemKind.BAD_DOMAIN: ChannelConfig(
                {**settings, "shop_domain": "no-such-shop.myshopify.com"}, secrets
            ),
            ProblemKind.MISSING_SCOPE: ChannelConfig(
                settings, {**secrets, "access_token": LIMITED_TOKEN}
            ),
            ProblemKind.STORE_CLOSED: ChannelConfig(
                {**settings, "shop_domain": FROZEN_SHOP}, secrets
            ),
        }

    def seed_orders(self, count: int) -> list[str]:
        """``count`` orders, every feature Shopify has, one every SEED_SPACING an hour ago."""
        mug, tin = list(self.variants.values())[:2]
        start = self.now - timedelta(hours=1) - SEED_SPACING * count
        ids = []
        for index in range(count):
            order = self.add_order([(mug, 2), (tin, 1)], at=start + SEED_SPACING * index)
            self.discount(order, "WELCOME10", "1.45")
            order.update(
                note="Please leave it at the door",
                currentTotalTaxSet=money("3.20"),
                billingAddress={**_address(), "phone": "+1 503-555-0142"},
            )
            ids.append(order["id"])
        return ids

    def discount(self, order: dict[str, Any], code: str, amount: str) -> None:
        """A discount code taking ``amount`` off the order's first line."""
        index = len(order["discountApplications"]["nodes"])
        order["discountApplications"]["nodes"].append(
            {"__typename": "DiscountCodeApplication", "index": index, "code": code}
        )
        order["discountCodes"].append(code)
        order["lineItems"]["nodes"][0]["discountAllocations"].append(
            {
                "allocatedAmountSet": money(amount),
                "discountApplication": {"__typename": "DiscountCodeApplication", "index": index},
            }
        )

    def change_order(self, external_id: str) -> None:
        self.touch(self.orders[external_id], note="Please ring twice.")

    def cancel_order(self, external_id: str) -> None:
        self.cancel(self.orders[external_id])

    def refund_order(self, external_id: str, amount: Decimal) -> None:
        self.refund(self.orders[external_id], 0, 1, str(amount))

    def error_response(
        self, request: httpx.Request, status: int, message: str, retry_after: int | None
    ) -> httpx.Response:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return httpx.Response(status, json={"errors": message}, headers=headers, request=request)

    def shipments(self, external_id: str) -> list[FakeShipment]:
        return [
            FakeShipment(
                tracking_number=made["trackingInfo"][0]["number"] if made["trackingInfo"] else "",
                lines=dict(made["lines"]),
                carrier=(made["trackingInfo"][0]["company"] or "") if made["trackingInfo"] else "",
            )
            for made in self.orders[external_id]["fulfillments"]
        ]

    def stock(self) -> Mapping[str, int]:
        return {
            variant.sku: sum(q for (item, _), q in self.levels.items() if item == variant.item_id)
            for variant in self.variants.values()
        }

    # -- the HTTP seam -------------------------------------------------------------------------

    def config(self, **settings: str) -> ChannelConfig:
        values = {"shop_domain": self.shop, "location_id": LOCATION, **settings}
        return ChannelConfig(values, {"access_token": self.token})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.Client:
        return build_client(transport=self.transport())

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.before is not None:
            self.before(request)
        if self.faults:
            fault = self.faults.pop(0)
            if isinstance(fault, Exception):
                raise fault
            headers = {"Retry-After": "2"} if fault == 429 else {}
            return httpx.Response(fault, headers=headers, json={"errors": f"fault {fault}"})
        if request.url.host == FROZEN_SHOP or (request.url.host == self.shop and self.closed):
            if self.closed == "locked":
                return httpx.Response(423, json={"errors": "Locked"})
            return httpx.Response(402, json={"errors": "Unavailable Shop"})
        if request.url.host != self.shop:
            return httpx.Response(404, text="Not Found")
        if request.method != "POST" or request.url.path != PATH:
            return httpx.Response(404, json={"errors": "Not Found"})
        token = request.headers.get("X-Shopify-Access-Token", "")
        if token == self.token:
            self._granted = self.scopes
        elif token in self.other_tokens:
            self._granted = self.other_tokens[token]
        else:
            return httpx.Response(
                401,
                json={"errors": "[API] Invalid API key or access token (unrecognized login)"},
            )
        body = json.loads(request.content)
        self.received.append(body)
        return httpx.Response(200, json=self.answer(body["query"], body.get("variables") or {}))

    # -- GraphQL -------------------------------------------------------------------------------

    def answer(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        document, errors = _checked(query)
        if errors:
            return {"errors": errors}
        requested = query_cost(document, variables)
        # A second passes between calls: the bucket refills by its restore rate.
        self.available = min(self.maximum, self.available + self.restore_rate)
        if requested > MAX_QUERY_COST:
            return {
                "errors": [
                    {
                        "message": f"Query cost is {requested}, which exceeds the single query "
                        f"max cost limit ({MAX_QUERY_COST}).",
                        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested},
                    }
                ]
            }
        if requested > self.available:
            return {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": self._cost(requested, 0),
            }
        result = execute_sync(
            admin_schema(),
            document,
            root_value=_Root(self),
            variable_values=variables,
        )
        actual = min(requested, max(1, _objects(result.data)))
        self.available -= actual
        answer: dict[str, Any] = {"data": result.data, "extensions": self._cost(requested, actual)}
        if result.errors:
            answer["errors"] = [_formatted(error) for error in result.errors]
        return answer

    def _cost(self, requested: float, actual: float) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": {
                    "maximumAvailable": self.maximum,
                    "currentlyAvailable": self.available,
                    "restoreRate": self.restore_rate,
                },
            }
        }

    # -- resolvers -----------------------------------------------------------------------------

    def _require(self, scope: str) -> None:
        write = scope.replace("read_", "write_", 1)
        if scope not in self._granted and write not in self._granted:
            raise _AccessDenied(scope)

    def resolve_orders(
        self, first: int, after: str | None, query: str | None, sort_key: str | None
    ) -> dict[str, Any]:
        self._require("read_orders")
        since = _since(query)
        chosen = sorted(
            (o for o in self.orders.values() if since is None or o["updatedAt"] >= stamp(since)),
            key=_order_key if sort_key == "UPDATED_AT" else lambda o: (o["createdAt"], o["id"]),
        )
        if after:
            position = _decode_cursor(after)
            chosen = [o for o in chosen if _order_key(o) > position]
        page = chosen[:first]
        return {
            "nodes": page,
            "pageInfo": {
                "hasNextPage": len(chosen) > first,
                "endCursor": _encode_cursor(_order_key(page[-1])) if page else None,
                "hasPreviousPage": bool(after),
                "startCursor": _encode_cursor(_order_key(page[0])) if page else None,
            },
        }

    def resolve_order(self, order_id: str) -> dict[str, Any] | None:
        self._require("read_orders")
        return self.orders.get(order_id)

    def resolve_variants(self, first: int, after: str | None) -> dict[str, Any]:
        self._require("read_products")
        ordered = sorted(self.variants.values(), key=lambda v: v.number)
        if after:
            start = int(_decode_cursor(after)[1])
            ordered = [v for v in ordered if v.number > start]
        page = ordered[:first]
        return {
            "nodes": [self._variant_node(v) for v in page],
            "pageInfo": {
                "hasNextPage": len(ordered) > first,
                "endCursor": _encode_cursor(("", str(page[-1].number))) if page else None,
            },
        }

    def _variant_node(self, variant: Variant) -> dict[str, Any]:
        return {
            "id": variant.id,
            "sku": variant.sku,
            "displayName": f"{variant.product} - {variant.title}",
            "barcode": variant.barcode,
            "price": variant.price,
            "inventoryQuantity": sum(
                quantity for (item, _), quantity in self.levels.items() if item == variant.item_id
            ),
            "inventoryItem": self._item_node(variant),
        }

    def _item_node(self, variant: Variant) -> dict[str, Any]:
        def level(_info: Any, locationId: str) -> dict[str, Any] | None:  # noqa: N803
            if (variant.item_id, locationId) not in self.levels:
                return None

            def quantities(_info: Any, names: list[str]) -> list[dict[str, Any]]:
                value = self.levels[(variant.item_id, locationId)]
                return [{"name": n, "quantity": value} for n in names if n == "available"]

            return {"quantities": quantities}

        return {
            "__typename": "InventoryItem",
            "id": variant.item_id,
            "sku": variant.sku,
            "tracked": True,
            "inventoryLevel": level,
        }

    def resolve_nodes(self, ids: list[str]) -> list[dict[str, Any] | None]:
        by_item = {v.item_id: v for v in self.variants.values()}
        return [self._item_node(by_item[i]) if i in by_item else None for i in ids]

    def fulfillment_create(self, fulfillment: dict[str, Any]) -> dict[str, Any]:
        self._require("write_merchant_managed_fulfillment_orders")
        groups = fulfillment["lineItemsByFulfillmentOrder"]
        found: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
        for index, group in enumerate(groups):
            located = self._fulfillment_order(group["fulfillmentOrderId"])
            if located is None:
                return _user_error(
                    ["fulfillment", "lineItemsByFulfillmentOrder", str(index)],
                    "Fulfillment order does not exist.",
                )
            order, fulfillment_order = located
            if fulfillment_order["status"] not in ("OPEN", "IN_PROGRESS"):
                return _user_error(
                    ["fulfillment"],
                    "Fulfillment order is not in an open state and cannot be fulfilled.",
                )
            found.append((order, fulfillment_order, group))
        if len({f[1]["assignedLocation"]["location"]["id"] for f in found}) > 1:
            return _user_error(
                ["fulfillment"], "All fulfillment orders must be assigned to the same location."
            )
        picked: list[tuple[dict[str, Any], int]] = []
        for _, fulfillment_order, group in found:
            lines = {line["id"]: line for line in fulfillment_order["lineItems"]["nodes"]}
            wanted = group.get("fulfillmentOrderLineItems")
            if wanted is None:
                wanted = [
                    {"id": i, "quantity": line["remainingQuantity"]} for i, line in lines.items()
                ]
            for item in wanted:
                line = lines.get(item["id"])
                if line is None:
                    return _user_error(["fulfillment"], "Invalid fulfillment order line item id.")
                if item["quantity"] > line["remainingQuantity"] or item["quantity"] < 1:
                    return _user_error(
                        ["fulfillment"],
                        "Invalid fulfillment order line item quantity requested.",
                    )
                picked.append((line, item["quantity"]))
        for line, quantity in picked:
            line["remainingQuantity"] -= quantity
        order = found[0][0]
        tracking = fulfillment.get("trackingInfo") or {}
        made = {
            "id": f"gid://shopify/Fulfillment/{next(self._ids)}",
            "status": "SUCCESS",
            "notifyCustomer": fulfillment.get("notifyCustomer"),
            "lines": [(line["lineItem"]["id"], quantity) for line, quantity in picked],
            "trackingInfo": [
                {
                    "company": tracking.get("company"),
                    "number": tracking.get("number"),
                    "url": tracking.get("url"),
                }
            ]
            if tracking
            else [],
        }
        order["fulfillments"].append(made)
        for _, fulfillment_order, _ in found:
            if all(
                line["remainingQuantity"] == 0 for line in fulfillment_order["lineItems"]["nodes"]
            ):
                fulfillment_order["status"] = "CLOSED"
        remaining = sum(
            line["remainingQuantity"]
            for fo in order["fulfillmentOrders"]["nodes"]
            for line in fo["lineItems"]["nodes"]
        )
        self.touch(
            order, displayFulfillmentStatus="FULFILLED" if remaining == 0 else "PARTIALLY_FULFILLED"
        )
        return {"fulfillment": made, "userErrors": []}

    def _fulfillment_order(
        self, fulfillment_order_id: str
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for order in self.orders.values():
            for fulfillment_order in order["fulfillmentOrders"]["nodes"]:
                if fulfillment_order["id"] == fulfillment_order_id:
                    return order, fulfillment_order
        return None

    def metafields_set(self, metafields: list[dict[str, Any]]) -> dict[str, Any]:
        self._require("write_orders")
        for index, metafield in enumerate(metafields):
            if metafield["ownerId"] not in self.orders:
                return {
                    "metafields": None,
                    "userErrors": [
                        {
                            "field": ["metafields", str(index), "ownerId"],
                            "message": "Owner does not exist.",
                        }
                    ],
                }
        for metafield in metafields:
            stored = self.orders[metafield["ownerId"]]["_metafields"]
            stored[(metafield.get("namespace") or "", metafield["key"])] = metafield["value"]
        return {
            "metafields": [{"key": m["key"], "value": m["value"]} for m in metafields],
            "userErrors": [],
        }

    def inventory_set(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._require("write_inventory")
        errors = []
        items = {v.item_id for v in self.variants.values()}
        ignore = payload.get("ignoreCompareQuantity") is True
        if payload["name"] not in ("available", "on_hand"):
            errors.append(
                _stock_error(
                    ["input", "name"],
                    "INVALID_NAME",
                    "The quantity name must be either 'available' or 'on_hand'.",
                )
            )
        for index, quantity in enumerate(payload["quantities"]):
            where = ["input", "quantities", str(index)]
            key = (quantity["inventoryItemId"], quantity["locationId"])
            if key[0] not in items:
                errors.append(
                    _stock_error(
                        [*where, "inventoryItemId"],
                        "INVALID_INVENTORY_ITEM",
                        "The specified inventory item could not be found.",
                    )
                )
            elif key[1] not in self.locations:
                errors.append(
                    _stock_error(
                        [*where, "locationId"],
                        "INVALID_LOCATION",
                        "The specified location could not be found.",
                    )
                )
            elif key not in self.levels:
                errors.append(
                    _stock_error(
                        [*where, "locationId"],
                        "ITEM_NOT_STOCKED_AT_LOCATION",
                        "The specified inventory item is not stocked at the location.",
                    )
                )
            elif quantity["quantity"] < 0:
                errors.append(
                    _stock_error(
                        [*where, "quantity"],
                        "INVALID_QUANTITY_NEGATIVE",
                        "The quantity can't be negative.",
                    )
                )
            elif not ignore and quantity.get("compareQuantity") is None:
                errors.append(
                    _stock_error(
                        [*where, "compareQuantity"],
                        "COMPARE_QUANTITY_REQUIRED",
                        "The compareQuantity argument must be given to each quantity or ignored "
                        "using ignoreCompareQuantity.",
                    )
                )
            elif not ignore and quantity["compareQuantity"] != self.levels[key]:
                errors.append(
                    _stock_error(
                        [*where, "compareQuantity"],
                        "COMPARE_QUANTITY_STALE",
                        "The compareQuantity value does not match persisted value.",
                    )
                )
        if errors:
            # All or nothing, as Shopify applies one call.
            return {"inventoryAdjustmentGroup": None, "userErrors": errors}
        for quantity in payload["quantities"]:
            self.levels[(quantity["inventoryItemId"], quantity["locationId"])] = quantity[
                "quantity"
            ]
        return {
            "inventoryAdjustmentGroup": {
                "id": f"gid://shopify/InventoryAdjustmentGroup/{next(self._ids)}"
            },
            "userErrors": [],
        }


class _AccessDenied(GraphQLError):
    def __init__(self, scope: str) -> None:
        super().__init__(
            f"Access denied for this field. Required access: `{scope}` access scope.",
            extensions={"code": "ACCESS_DENIED", "requiredAccess": f"`{scope}` access scope."},
        )


def _formatted(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if isinstance(original, GraphQLError) and original.extensions:
        return {**error.formatted, "extensions": original.extensions}
    return dict(error.formatted)


class _Root:
    """The query and mutation roots: graphql-core calls these with the field's arguments."""

    def __init__(self, shop: FakeShopify) -> None:
        self._shop = shop

    def orders(
        self,
        _info: Any,
        first: int,
        after: str | None = None,
        query: str | None = None,
        sortKey: str | None = None,  # noqa: N803
        **_: Any,
    ) -> dict[str, Any]:
        return self._shop.resolve_orders(first, after, query, sortKey)

    def order(self, _info: Any, id: str) -> dict[str, Any] | None:
        return self._shop.resolve_order(id)

    def productVariants(  # noqa: N802
        self, _info: Any, first: int, after: str | None = None, **_: Any
    ) -> dict[str, Any]:
        return self._shop.resolve_variants(first, after)

    def nodes(self, _info: Any, ids: list[str]) -> list[dict[str, Any] | None]:
        return self._shop.resolve_nodes(ids)

    def shop(self, _info: Any) -> dict[str, Any]:
        return {"name": "Nordic Crafts", "myshopifyDomain": self._shop.shop}

    def currentAppInstallation(self, _info: Any) -> dict[str, Any]:  # noqa: N802
        return {"accessScopes": [{"handle": scope} for scope in self._shop._granted]}

    def location(self, _info: Any, id: str | None = None) -> dict[str, Any] | None:
        self._shop._require("read_locations")
        wanted = id or self._shop.primary
        if wanted not in self._shop.locations:
            return None
        return {"id": wanted, "name": self._shop.locations[wanted], "isActive": True}

    def locations(self, _info: Any, **_: Any) -> dict[str, Any]:
        self._shop._require("read_locations")
        return {
            "nodes": [
                {"id": i, "name": name, "isActive": True, "fulfillsOnlineOrders": True}
                for i, name in self._shop.locations.items()
            ]
        }

    def fulfillmentCreate(  # noqa: N802
        self, _info: Any, fulfillment: dict[str, Any], **_: Any
    ) -> dict[str, Any]:
        return self._shop.fulfillment_create(fulfillment)

    def metafieldsSet(  # noqa: N802
        self, _info: Any, metafields: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return self._shop.metafields_set(metafields)

    def inventorySetQuantities(self, _info: Any, input: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return self._shop.inventory_set(input)


@cache
def _checked(query: str) -> tuple[DocumentNode, list[dict[str, Any]]]:
    """A document parsed and validated against the schema (once per text: it is slow)."""
    document = parse(query)
    return document, [dict(error.formatted) for error in validate(admin_schema(), document)]


def _objects(value: object) -> int:
    """How many objects an answer holds: Shopify's actual cost, roughly."""
    if isinstance(value, dict):
        return 1 + sum(_objects(item) for item in value.values())
    if isinstance(value, list):
        return sum(_objects(item) for item in value)
    return 0


def _address() -> dict[str, Any]:
    return {
        "name": "Zoë Ångström",
        "company": None,
        "phone": "+46 8 555 010 20",
        "address1": "Drottninggatan 12",
        "address2": "Apt 4",
        "city": "Stockholm",
        "province": None,
        "provinceCode": None,
        "zip": "111 51",
        "countryCodeV2": "SE",
    }


def _user_error(path: list[str], message: str) -> dict[str, Any]:
    return {"fulfillment": None, "userErrors": [{"field": path, "message": message}]}


def _stock_error(path: list[str], code: str, message: str) -> dict[str, Any]:
    return {"field": path, "code": code, "message": message}


def _order_key(order: dict[str, Any]) -> tuple[str, str]:
    return (order["updatedAt"], order["id"].rsplit("/", 1)[-1].zfill(12))


def _encode_cursor(key: tuple[str, str]) -> str:
    return base64.b64encode(json.dumps(list(key)).encode()).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    first, second = json.loads(base64.b64decode(cursor))
    return (str(first), str(second))


def _since(query: str | None) -> datetime | None:
    """The time of an ``updated_at:>='…'`` search (the only search the fake understands)."""
    if not query:
        return None
    prefix = "updated_at:>='"
    if not query.startswith(prefix) or not query.endswith("'"):
        raise GraphQLError(f"the fake understands only updated_at:>='…' searches, got {query!r}")
    return datetime.fromisoformat(query[len(prefix) : -1].replace("Z", "+00:00"))


def query_cost(document: DocumentNode, variables: dict[str, Any]) -> int:
    """A requested cost in Shopify's manner: objects 1, scalars 0, a paged field 2 + first × its
    selection (a close approximation of Shopify's calculated query cost)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))

    def first_of(node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = argument.value
                if isinstance(value, IntValueNode):
                    return int(value.value)
                if isinstance(value, VariableNode):
                    return int(variables.get(value.name.value) or 1)
            if argument.name.value == "ids" and isinstance(argument.value, VariableNode):
                # nodes(ids:) costs as a page of that many objects.
                return len(variables.get(argument.value.name.value) or ())
        return None

    def cost(selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.selection_set is None:
                    continue
                first = first_of(selection)
                inner = cost(selection.selection_set)
                total += 1 + inner if first is None else 2 + first * inner
            elif isinstance(selection, InlineFragmentNode):
                total += cost(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += cost(fragments[selection.name.value].selection_set)
        return total

    return max(1, cost(operation.selection_set))
