"""A fake BigCommerce store: the endpoints the connector calls, from in-memory state.

Answers are shaped like BigCommerce's documented ones (V2 lists, RFC 2822 dates, money as
four-place strings, 204 for an empty collection, V2 errors as ``[{status, message}]`` and
V3 errors as problem objects), with the quota headers on every answer. Faults are queued
(:meth:`FakeBigCommerce.fail_next`) and ``before`` runs ahead of each request, to change the
store in the middle of a pull. ``transport()`` serves it through ``httpx.MockTransport``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import httpx

from crossdock.connectors.base import ChannelConfig, ConnectorSpec, ProblemKind
from crossdock.connectors.bigcommerce.connector import SPEC, BigCommerceConnector
from crossdock.connectors.bigcommerce.wire import parse_date
from crossdock.connectors.http import build_client
from tests.connectors.bigcommerce.support import (
    FakeOrder,
    Json,
    catalog,
    order_from_golden,
    rfc2822,
)
from tests.connectors.conformance.platform import SEED_SPACING, FakeShipment

STORE_HASH = "abc123xyz"
TOKEN = "bc-token-5f1d0c2a9e"
#: A token of an API account without the Orders scope.
NO_ORDERS_TOKEN = "bc-token-no-orders-77"
#: The hash of the same store answering as closed for maintenance.
CLOSED_HASH = "closed42"
ALL_SCOPES = frozenset({"orders", "store", "products", "locations"})


@dataclass
class Fault:
    status: int = 500
    body: Json = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout: bool = False
    path: str = ""


class FakeBigCommerce:
    """In-memory store state, the request handler serving it, and the kit's hooks.

    Its clock is real time unless ``now`` is given (then :meth:`tick` moves it).
    """

    spec: ConnectorSpec = SPEC
    page_size = 250
    absent_features: frozenset[str] = frozenset()

    def __init__(self, now: datetime | None = None) -> None:
        self.frozen_now = now
        self.store_hash = STORE_HASH
        self.token = TOKEN
        self.tokens: dict[str, frozenset[str]] = {
            TOKEN: ALL_SCOPES,
            NO_ORDERS_TOKEN: ALL_SCOPES - {"orders"},
        }
        self.status = "live"
        self.weight_units = "Ounces"
        self.orders: dict[int, FakeOrder] = {}
        self.products, self.stock_levels = catalog()
        self.locations: list[dict[str, Json]] = [
            {"id": 1, "code": "BC-LOCATION-1", "label": "Default location", "enabled": True},
            {"id": 2, "code": "WAREHOUSE-EAST", "label": "East warehouse", "enabled": True},
        ]
        self.requests: list[httpx.Request] = []
        self.faults: list[Fault] = []
        self.before: Callable[[httpx.Request], None] | None = None
        self.quota = 150
        self.requests_left = 150
        self._next_shipment = 1
        self._next_metafield = 1

    # -- building state ----------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.frozen_now or datetime.now(UTC)

    def tick(self, seconds: int = 1) -> datetime:
        if self.frozen_now is not None:
            self.frozen_now += timedelta(seconds=seconds)
        return self.now

    def add_order(self, order: FakeOrder) -> FakeOrder:
        self.orders[int(order.order["id"])] = order
        return order

    def touch(self, order_id: int, **changes: Json) -> None:
        """Change an order the way the store would, moving its modification time."""
        stored = self.orders[order_id].order
        stored.update(changes)
        stored["date_modified"] = rfc2822(self.tick())

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def connector(self, **settings: str) -> BigCommerceConnector:
        return BigCommerceConnector(self.client(), self.config(**settings))

    def config(self, token: str | None = None, **settings: str) -> ChannelConfig:
        values = {"store_hash": self.store_hash, "location_id": "1", **settings}
        return ChannelConfig(values, {"access_token": self.token if token is None else token})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.Client:
        return build_client(transport=self.transport())

    # -- the conformance kit's side (tests/connectors/conformance/platform.py) -------------

    def good_config(self) -> ChannelConfig:
        return self.config()

    def bad_configs(self) -> dict[ProblemKind, ChannelConfig]:
        return {
            ProblemKind.BAD_TOKEN: self.config(token="bc-token-revoked-00"),
            ProblemKind.BAD_DOMAIN: self.config(store_hash="nosuchstore9"),
            ProblemKind.MISSING_SCOPE: self.config(token=NO_ORDERS_TOKEN),
            ProblemKind.STORE_CLOSED: self.config(store_hash=CLOSED_HASH),
        }

    def seed_orders(self, count: int) -> list[str]:
        start = datetime.now(UTC) - timedelta(hours=1) - SEED_SPACING * count
        ids = []
        for index in range(count):
            order = self.add_order(order_from_golden(3000 + index, start + SEED_SPACING * index))
            ids.append(str(order.order["id"]))
        return ids

    def change_order(self, external_id: str) -> None:
        self.touch(int(external_id), customer_message="Actually, ring the bell twice.")

    def cancel_order(self, external_id: str) -> None:
        self.touch(int(external_id), status_id=5, status="Cancelled")

    def refund_order(self, external_id: str, amount: Decimal) -> None:
        fake_order = self.orders[int(external_id)]
        order = fake_order.order
        fake_order.refunds.append(
            {
                "id": 900 + sum(len(o.refunds) for o in self.orders.values()),
                "order_id": order["id"],
                "user_id": 0,
                "created": self.now.isoformat(),
                "reason": "Goodwill",
                "total_amount": float(amount),
                "total_tax": 0,
                "uses_merchant_override_values": True,
                "items": [{"item_type": "ORDER", "item_id": order["id"], "quantity": 0}],
                "payments": [{"id": 1, "provider_id": "stripev3", "amount": float(amount)}],
            }
        )
        refunded = Decimal(order["refunded_amount"]) + amount
        self.touch(
            int(external_id),
            refunded_amount=f"{refunded:.4f}",
            status_id=14,
            status="Partially Refunded",
            payment_status="partially refunded",
        )

    def error_response(
        self, request: httpx.Request, status: int, message: str, retry_after: int | None
    ) -> httpx.Response:
        headers = self._headers()
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
            headers["X-Rate-Limit-Time-Reset-Ms"] = str(retry_after * 1000)
        return httpx.Response(
            status, json=[{"status": status, "message": message}], headers=headers, request=request
        )

    def shipments(self, external_id: str) -> list[FakeShipment]:
        return [
            FakeShipment(
                tracking_number=shipment["tracking_number"],
                lines={
                    str(item["order_product_id"]): item["quantity"] for item in shipment["items"]
                },
                carrier=shipment["shipping_provider"],
            )
            for shipment in self.orders[int(external_id)].shipments
        ]

    def stock(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for product in self.products:
            if product.get("inventory_tracking") == "product":
                found[product["sku"]] = self.stock_levels.get((1, f"p{product['id']}"), 0)
                continue
            for variant in product.get("variants", []):
                found[variant["sku"]] = self.stock_levels.get((1, f"v{variant['id']}"), 0)
        return found

    # -- answering -----------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        self.requests_left = max(self.requests_left - 1, 0)
        return {
            "X-Rate-Limit-Requests-Left": str(self.requests_left),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Time-Reset-Ms": "15000",
            "X-Rate-Limit-Time-Window-Ms": "30000",
        }

    def _json(
        self, status: int, body: Json, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        all_headers = {**self._headers(), **(headers or {})}
        if body is None:
            return httpx.Response(status, headers=all_headers)
        return httpx.Response(status, json=body, headers=all_headers)

    def _v2_error(self, status: int, message: str) -> httpx.Response:
        return self._json(status, [{"status": status, "message": message}])

    def _v3_error(
        self, status: int, title: str, errors: dict[str, str] | None = None
    ) -> httpx.Response:
        return self._json(
            status,
            {
                "status": status,
                "title": title,
                "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
                "errors": errors or {},
            },
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.before is not None:
            self.before(request)
        self.requests.append(request)
        fault = next((f for f in self.faults if not f.path or f.path in request.url.path), None)
        if fault is not None:
            self.faults.remove(fault)
            if fault.timeout:
                raise httpx.ReadTimeout("fake timeout", request=request)
            return self._json(fault.status, fault.body, fault.headers)
        parts = request.url.path.split("/", 3)
        if len(parts) < 4 or parts[1] != "stores" or parts[2] not in (self.store_hash, CLOSED_HASH):
            return self._v2_error(404, "The requested resource was not found.")
        scopes = self.tokens.get(request.headers.get("X-Auth-Token", ""))
        if scopes is None:
            return self._v2_error(401, "You are not authorized to access this resource.")
        self._scopes, self._closed = scopes, parts[2] == CLOSED_HASH
        return self._route(request, "/" + parts[3])

    def _scope(self, scope: str) -> httpx.Response | None:
        if scope in self._scopes:
            return None
        return self._v2_error(403, "You don't have a required scope to access the endpoint")

    def _route(self, request: httpx.Request, path: str) -> httpx.Response:
        query = {key: values[-1] for key, values in parse_qs(request.url.query.decode()).items()}
        method = request.method
        parts = path.strip("/").split("/")
        scope = (
            "store"
            if parts[:2] == ["v2", "store"]
            else (
                "orders"
                if parts[:2] == ["v2", "orders"]
                else ("locations" if parts == ["v3", "inventory", "locations"] else "products")
            )
        )
        refused = self._scope(scope)
        if refused is not None:
            return refused
        if parts == ["v2", "store"]:
            return self._json(200, self._store())
        if parts == ["v2", "orders"] and method == "GET":
            return self._list_orders(query)
        if len(parts) >= 3 and parts[:2] == ["v2", "orders"]:
            if not parts[2].isdigit() or int(parts[2]) not in self.orders:
                return self._v2_error(404, "The requested resource was not found.")
            return self._order_route(request, self.orders[int(parts[2])], parts[3:], query)
        if parts[:2] == ["v3", "orders"] and parts[3:] == ["payment_actions", "refunds"]:
            if not parts[2].isdigit() or int(parts[2]) not in self.orders:
                return self._v3_error(404, "Order not found")
            return self._json(200, {"data": self.orders[int(parts[2])].refunds, "meta": {}})
        if parts[:2] == ["v3", "orders"] and parts[3:] == ["metafields"]:
            if not parts[2].isdigit() or int(parts[2]) not in self.orders:
                return self._v3_error(404, "Order not found")
            return self._metafields(request, self.orders[int(parts[2])], query)
        if parts == ["v3", "inventory", "adjustments", "absolute"] and method == "PUT":
            return self._adjust(json.loads(request.content))
        if parts == ["v3", "inventory", "locations"]:
            return self._v3_list(self.locations, query)
        if parts[:3] == ["v3", "inventory", "locations"] and len(parts) == 5:
            return self._location_items(int(parts[3]), query)
        if parts == ["v3", "catalog", "products"]:
            return self._v3_list(self.products, query)
        if parts == ["v3", "catalog", "variants"]:
            wanted = {int(item) for item in query.get("id:in", "").split(",") if item}
            variants = [
                {"id": variant["id"], "image_url": variant.get("image_url", "")}
                for product in self.products
                for variant in product.get("variants", [])
                if variant["id"] in wanted
            ]
            return self._v3_list(variants, query)
        return self._v2_error(404, "The requested resource was not found.")

    def _store(self) -> dict[str, Json]:
        return {
            "id": self.store_hash,
            "domain": "nordic-crafts.example",
            "secure_url": "https://nordic-crafts.example",
            "status": "maintenance" if self._closed else self.status,
            "name": "Nordic Crafts",
            "currency": "USD",
            "weight_units": self.weight_units,
            "dimension_units": "Inches",
            "plan_name": "Standard",
        }

    @staticmethod
    def _page(items: list[Json], query: dict[str, str], default_limit: int = 50) -> list[Json]:
        limit = int(float(query.get("limit", default_limit)))
        page = int(float(query.get("page", 1)))
        return items[(page - 1) * limit : page * limit]

    def _v2_list(self, items: list[Json], query: dict[str, str]) -> httpx.Response:
        page = self._page(items, query)
        return self._json(200, page) if page else self._json(204, None)

    def _v3_list(self, items: list[Json], query: dict[str, str]) -> httpx.Response:
        limit = int(query.get("limit", 50))
        page = self._page(items, query)
        pages = max((len(items) + limit - 1) // limit, 1)
        meta = {
            "pagination": {
                "total": len(items),
                "count": len(page),
                "per_page": limit,
                "current_page": int(query.get("page", 1)),
                "total_pages": pages,
                "links": {"current": f"?page={query.get('page', 1)}&limit={limit}"},
            }
        }
        return self._json(200, {"data": page, "meta": meta})

    def _list_orders(self, query: dict[str, str]) -> httpx.Response:
        found = [order.order for order in self.orders.values()]
        if "min_date_modified" in query:
            since = parse_date(query["min_date_modified"], "min_date_modified")
            found = [o for o in found if parse_date(o["date_modified"], "d") >= since]
        if query.get("sort") == "date_modified:asc":
            found.sort(key=lambda o: (parse_date(o["date_modified"], "d"), o["id"]))
        else:
            found.sort(key=lambda o: o["id"])
        return self._v2_list(found, query)

    def _order_route(
        self, request: httpx.Request, order: FakeOrder, rest: list[str], query: dict[str, str]
    ) -> httpx.Response:
        if not rest:
            return self._json(200, order.order)
        if rest == ["products"]:
            return self._v2_list(order.products, query)
        if rest == ["shipping_addresses"]:
            return self._v2_list(order.addresses, query)
        if rest == ["coupons"]:
            return self._v2_list(order.coupons, query)
        if rest == ["shipments"] and request.method == "GET":
            return self._v2_list(order.shipments, query)
        if rest == ["shipments"] and request.method == "POST":
            return self._create_shipment(order, json.loads(request.content))
        return self._v2_error(404, "The requested resource was not found.")

    def _create_shipment(self, order: FakeOrder, body: dict[str, Json]) -> httpx.Response:
        address = next(
            (a for a in order.addresses if a["id"] == body.get("order_address_id")), None
        )
        if address is None:
            return self._v2_error(400, "The field 'order_address_id' is invalid.")
        if len(str(body.get("tracking_number", ""))) > 50:
            return self._v2_error(400, "The field 'tracking_number' is too long.")
        products = {p["id"]: p for p in order.products}
        for item in body.get("items", []):
            product = products.get(item.get("order_product_id"))
            if product is None or product["order_address_id"] != address["id"]:
                return self._v2_error(
                    400, f"Invalid order_product_id {item.get('order_product_id')}."
                )
            if item["quantity"] > product["quantity"] - product["quantity_shipped"]:
                return self._v2_error(
                    400,
                    "The quantity specified is greater than the quantity of the product "
                    "that is available to ship.",
                )
        for item in body.get("items", []):
            products[item["order_product_id"]]["quantity_shipped"] += item["quantity"]
        shipment = {
            "id": self._next_shipment,
            "order_id": order.order["id"],
            "customer_id": order.order.get("customer_id", 0),
            "order_address_id": address["id"],
            "date_created": rfc2822(self.now),
            "tracking_number": body.get("tracking_number", ""),
            "merchant_shipping_cost": "0.0000",
            "shipping_method": body.get("shipping_method", ""),
            "shipping_provider": body.get("shipping_provider", ""),
            "tracking_carrier": body.get("tracking_carrier", ""),
            "tracking_link": body.get("tracking_link", ""),
            "comments": body.get("comments", ""),
            "items": [
                {
                    "order_product_id": item["order_product_id"],
                    "product_id": products[item["order_product_id"]]["product_id"],
                    "quantity": item["quantity"],
                }
                for item in body.get("items", [])
            ],
        }
        self._next_shipment += 1
        order.shipments.append(shipment)
        shipped = sum(p["quantity_shipped"] for p in order.products)
        total = sum(p["quantity"] for p in order.products)
        self.touch(
            int(order.order["id"]),
            status_id=2 if shipped >= total else 3,
            status="Shipped" if shipped >= total else "Partially Shipped",
            items_shipped=shipped,
        )
        return self._json(201, shipment)

    def _stock_keys(self) -> dict[str, str]:
        """Every way an item may be named (variant id, product id, SKU) → its stock key."""
        keys: dict[str, str] = {}
        for product in self.products:
            if product.get("inventory_tracking") == "product":
                keys[f"product_id:{product['id']}"] = f"p{product['id']}"
                keys[f"sku:{product.get('sku', '')}"] = f"p{product['id']}"
            for variant in product.get("variants", []):
                keys[f"variant_id:{variant['id']}"] = f"v{variant['id']}"
                keys[f"sku:{variant['sku']}"] = f"v{variant['id']}"
        return keys

    def _adjust(self, body: dict[str, Json]) -> httpx.Response:
        keys = self._stock_keys()
        locations = {location["id"] for location in self.locations}
        changes: list[tuple[tuple[int, str], int]] = []
        for item in body.get("items", []):
            if item.get("location_id") not in locations:
                return self._v3_error(422, f"Location {item.get('location_id')} does not exist")
            name = next(f"{k}:{item[k]}" for k in ("variant_id", "product_id", "sku") if k in item)
            key = keys.get(name)
            if key is None:
                return self._v3_error(422, f"Item with {name.replace(':', ' ')} does not exist")
            changes.append(((item["location_id"], key), item["quantity"]))
        for where, quantity in changes:
            self.stock_levels[where] = quantity
        return self._json(200, {"transaction_id": f"txn-{len(self.requests)}"})

    def _location_items(self, location_id: int, query: dict[str, str]) -> httpx.Response:
        if location_id not in {location["id"] for location in self.locations}:
            return self._v3_error(404, "Location not found")
        items = []
        for product in self.products:
            entries = (
                [
                    (
                        {"product_id": product["id"], "sku": product.get("sku", "")},
                        f"p{product['id']}",
                    )
                ]
                if product.get("inventory_tracking") == "product"
                else [
                    (
                        {"variant_id": v["id"], "product_id": product["id"], "sku": v["sku"]},
                        f"v{v['id']}",
                    )
                    for v in product.get("variants", [])
                ]
            )
            for identity, key in entries:
                on_hand = self.stock_levels.get((location_id, key), 0)
                items.append(
                    {
                        "identity": identity,
                        "available_to_sell": on_hand,
                        "total_inventory_onhand": on_hand,
                        "settings": {
                            "safety_stock": 0,
                            "is_in_stock": on_hand > 0,
                            "warning_level": 0,
                        },
                    }
                )
        return self._v3_list(items, query)

    def _metafields(
        self, request: httpx.Request, order: FakeOrder, query: dict[str, str]
    ) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)
            if any(
                field["namespace"] == body["namespace"] and field["key"] == body["key"]
                for field in order.metafields
            ):
                return self._v3_error(409, "A metafield with this namespace and key already exists")
            field = {
                "id": self._next_metafield,
                "resource_type": "order",
                "resource_id": order.order["id"],
                **body,
            }
            self._next_metafield += 1
            order.metafields.append(field)
            return self._json(200, {"data": field, "meta": {}})
        found = [
            field
            for field in order.metafields
            if all(field.get(name) == query[name] for name in ("namespace", "key") if name in query)
        ]
        return self._v3_list(found, query)

    def requests_to(self, method: str, fragment: str) -> Iterator[httpx.Request]:
        return (r for r in self.requests if r.method == method and fragment in r.url.path)
