"""A fake WooCommerce store for the conformance kit and the connector's own tests.

An in-memory store behind ``httpx.MockTransport`` serving the ``wc/v3`` routes the connector
uses, shaped like WooCommerce's answers: ``X-WP-Total``/``X-WP-TotalPages`` paging by offset,
``modified_after`` exclusive with whole-second GMT times, Basic-auth errors worded as
WooCommerce words them, ``rest_no_route`` for unknown routes, batch answers with per-item
errors, and the Shipment Tracking extension's routes (switchable off). Every request body
and every query is kept (``requests``) for the contract test.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import httpx

from crossdock.connectors.base import ChannelConfig, ConnectorSpec, ProblemKind
from crossdock.connectors.woocommerce.connector import SPEC
from crossdock.connectors.woocommerce.mapping import SHIPMENTS_META
from tests.connectors.conformance.platform import SEED_SPACING, FakeShipment

SITE = "https://shop.example.com"
KEY = "ck_" + "4f1c" * 10
SECRET = "cs_" + "9a2e" * 10
READ_ONLY_KEY = "ck_" + "0b0b" * 10
WC = "/wp-json/wc/v3"
TRACKING = "/wp-json/wc-shipment-tracking/v3"


def gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat()


def _error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status,
        json={"code": code, "message": message, "data": {"status": status}},
        headers=dict(headers or {}),
    )


PRODUCTS: list[dict[str, Any]] = [
    {
        "id": 11,
        "name": "Fika Mug",
        "type": "simple",
        "sku": "MUG-FIKA",
        "price": "14.00",
        "weight": "0.35",
        "stock_quantity": 12,
        "manage_stock": True,
        "parent_id": 0,
        "images": [{"id": 1, "src": "https://shop.example.com/wp-content/uploads/mug.jpg"}],
    },
    {
        "id": 12,
        "name": "Wool Scarf",
        "type": "variable",
        "sku": "",
        "price": "39.00",
        "weight": "0.2",
        "stock_quantity": None,
        "manage_stock": False,
        "parent_id": 0,
        "images": [],
    },
    {
        "id": 13,
        "name": "Tea Tin",
        "type": "simple",
        "sku": "TEA-TIN-9",
        "price": "9.50",
        "weight": "0.1",
        "stock_quantity": 40,
        "manage_stock": True,
        "parent_id": 0,
        "images": [],
    },
]
VARIATIONS: dict[int, list[dict[str, Any]]] = {
    12: [
        {
            "id": 121,
            "sku": "SCARF-BLUE",
            "price": "39.00",
            "weight": "",
            "stock_quantity": 5,
            "manage_stock": True,
            "attributes": [{"id": 1, "name": "Color", "option": "Blue"}],
        },
        {
            "id": 122,
            "sku": "SCARF-RED",
            "price": "39.00",
            "weight": "",
            "stock_quantity": 3,
            "manage_stock": True,
            "attributes": [{"id": 1, "name": "Color", "option": "Red"}],
        },
    ]
}


@dataclass
class WooStore:
    """The store's state; ``now`` moves forward a second per write so change times differ."""

    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    trackings: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    products: list[dict[str, Any]] = field(default_factory=lambda: json.loads(json.dumps(PRODUCTS)))
    variations: dict[int, list[dict[str, Any]]] = field(
        default_factory=lambda: {int(k): v for k, v in json.loads(json.dumps(VARIATIONS)).items()}
    )
    tracking_extension: bool = True
    rest_disabled: bool = False
    woocommerce_active: bool = True
    requests: list[httpx.Request] = field(default_factory=list)
    next_id: int = 1001

    # -- the routes ------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        path = request.url.path
        if not path.startswith("/wp-json"):
            return httpx.Response(404, text="<html>Not found</html>")
        if self.rest_disabled:
            return _error(401, "rest_disabled", "The REST API is disabled on this site.")
        if path in ("/wp-json", "/wp-json/"):
            return self._index()
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        parts = [part for part in path.split("/") if part]
        method = request.method
        if path.startswith(TRACKING) and self.tracking_extension:
            return self._tracking(method, parts, request)
        if not path.startswith(WC + "/") or not self.woocommerce_active:
            return self._no_route()
        route = parts[3:]
        body = json.loads(request.content) if request.content else {}
        query = dict(parse_qsl(request.url.query.decode()))
        match (method, route):
            case ("GET", ["orders"]):
                return self._orders(query)
            case ("POST", ["orders", "batch"]):
                return httpx.Response(200, json={})
            case ("GET", ["orders", order_id]):
                return self._order(order_id)
            case ("PUT", ["orders", order_id]):
                return self._update_order(order_id, body)
            case ("GET", ["orders", order_id, "refunds"]):
                return httpx.Response(200, json=self.refunds.get(int(order_id), []))
            case ("POST", ["orders", order_id, "notes"]):
                return self._add_note(order_id, body)
            case ("GET", ["settings", "products", "woocommerce_weight_unit"]):
                return httpx.Response(200, json={"id": "woocommerce_weight_unit", "value": "kg"})
            case ("GET", ["products"]):
                return self._paged(self._product_list(query), query)
            case ("GET", ["products", parent, "variations"]):
                return self._paged(self.variations.get(int(parent), []), query)
            case ("POST", ["products", "batch"]):
                return self._batch(self.products, body)
            case ("POST", ["products", parent, "variations", "batch"]):
                return self._batch(self.variations.get(int(parent), []), body)
        return self._no_route()

    def _no_route(self) -> httpx.Response:
        return _error(
            404, "rest_no_route", "No route was found matching the URL and request method."
        )

    def _index(self) -> httpx.Response:
        namespaces = ["oembed/1.0", "wp/v2"]
        if self.woocommerce_active:
            namespaces += ["wc/v3"]
        if self.tracking_extension:
            namespaces += ["wc-shipment-tracking/v3"]
        return httpx.Response(200, json={"name": "Nordic Crafts", "namespaces": namespaces})

    def _authenticate(self, request: httpx.Request) -> httpx.Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return _error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
        key, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        if key not in (KEY, READ_ONLY_KEY):
            return _error(401, "woocommerce_rest_authentication_error", "Consumer key is invalid.")
        if secret != SECRET:
            return _error(
                401, "woocommerce_rest_authentication_error", "Consumer secret is invalid."
            )
        if key == READ_ONLY_KEY and request.method != "GET":
            return _error(
                401,
                "woocommerce_rest_authentication_error",
                "The API key provided does not have write permissions.",
            )
        return None

    def _orders(self, query: Mapping[str, str]) -> httpx.Response:
        found = sorted(self.orders.values(), key=lambda o: (o["date_modified_gmt"], o["id"]))
        after = query.get("modified_after")
        if after:
            found = [o for o in found if o["date_modified_gmt"] > after]
        if query.get("order") == "desc":
            found.reverse()
        return self._paged(found, query)

    def _paged(self, items: list[dict[str, Any]], query: Mapping[str, str]) -> httpx.Response:
        per_page = int(query.get("per_page", "10"))
        page = int(query.get("page", "1"))
        pages = max(1, -(-len(items) // per_page))
        if page > pages and items:
            return _error(
                400,
                "rest_post_invalid_page_number",
                "The page number requested is larger than the number of pages available.",
            )
        chunk = items[(page - 1) * per_page : page * per_page]
        return httpx.Response(
            200,
            json=chunk,
            headers={"X-WP-Total": str(len(items)), "X-WP-TotalPages": str(pages)},
        )

    def _order(self, order_id: str) -> httpx.Response:
        order = self.orders.get(int(order_id)) if order_id.isdigit() else None
        if order is None:
            return _error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        return httpx.Response(200, json=order)

    def _update_order(self, order_id: str, body: Mapping[str, Any]) -> httpx.Response:
        order = self.orders.get(int(order_id))
        if order is None:
            return _error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
        for meta in body.get("meta_data", []):
            existing = next((m for m in order["meta_data"] if m["key"] == meta["key"]), None)
            if existing is None:
                order["meta_data"].append({"id": len(order["meta_data"]) + 900, **meta})
            else:
                existing["value"] = meta["value"]
        if "status" in body:
            order["status"] = body["status"]
        self.touch(int(order_id))
        return httpx.Response(200, json=order)

    def _add_note(self, order_id: str, body: Mapping[str, Any]) -> httpx.Response:
        notes = self.notes.setdefault(int(order_id), [])
        note = {
            "id": 5000 + len(notes),
            "note": body["note"],
            "customer_note": body.get("customer_note", False),
        }
        notes.append(note)
        return httpx.Response(201, json=note)

    def _tracking(self, method: str, parts: list[str], request: httpx.Request) -> httpx.Response:
        if len(parts) != 6 or parts[3] != "orders" or parts[5] != "shipment-trackings":
            return self._no_route()
        order_id = int(parts[4])
        items = self.trackings.setdefault(order_id, [])
        if method == "GET":
            return httpx.Response(200, json=items)
        body = json.loads(request.content)
        item = {
            "tracking_id": f"trk{order_id}x{len(items) + 1}",
            "tracking_provider": body.get("tracking_provider", ""),
            "custom_tracking_provider": body.get("custom_tracking_provider", ""),
            "custom_tracking_link": body.get("custom_tracking_link", ""),
            "tracking_number": body["tracking_number"],
            "date_shipped": body.get("date_shipped", ""),
        }
        items.append(item)
        return httpx.Response(201, json=item)

    def _product_list(self, query: Mapping[str, str]) -> list[dict[str, Any]]:
        include = query.get("include")
        if include:
            wanted = {int(part) for part in include.split(",")}
            return [p for p in self.products if p["id"] in wanted]
        return self.products

    def _batch(self, products: list[dict[str, Any]], body: Mapping[str, Any]) -> httpx.Response:
        updated = []
        for change in body.get("update", []):
            product = next((p for p in products if p["id"] == change["id"]), None)
            if product is None:
                updated.append(
                    {
                        "id": change["id"],
                        "error": {
                            "code": "woocommerce_rest_product_invalid_id",
                            "message": "Invalid ID.",
                            "data": {"status": 400},
                        },
                    }
                )
                continue
            product.update({k: v for k, v in change.items() if k != "id"})
            updated.append(product)
        return httpx.Response(200, json={"update": updated})

    # -- changing the store ----------------------------------------------------------------

    def touch(self, order_id: int, when: datetime | None = None) -> None:
        self.orders[order_id]["date_modified_gmt"] = gmt(when or datetime.now(UTC))

    def place(self, when: datetime, *, showcase: bool) -> int:
        order_id = self.next_id
        self.next_id += 1
        self.orders[order_id] = order_document(order_id, when, showcase=showcase)
        return order_id


def order_document(order_id: int, when: datetime, *, showcase: bool) -> dict[str, Any]:
    """A realistic order: the showcase has every feature, the others are plain."""
    stamp = gmt(when)
    lines: list[dict[str, Any]] = [
        {
            "id": order_id * 10 + 1,
            "name": "Fika Mug",
            "product_id": "11",
            "variation_id": 0,
            "quantity": 2,
            "tax_class": "",
            "subtotal": "28.00",
            "subtotal_tax": "5.60",
            "total": "28.00",
            "total_tax": "5.60",
            "taxes": [],
            "meta_data": [],
            "sku": "MUG-FIKA",
            "price": 14,
            "image": {"id": 1, "src": "https://shop.example.com/wp-content/uploads/mug.jpg"},
        },
    ]
    if showcase:
        lines.append(
            {
                "id": order_id * 10 + 2,
                "name": "Wool Scarf - Blue",
                "parent_name": "Wool Scarf",
                "product_id": "12",
                "variation_id": 121,
                "quantity": 1,
                "tax_class": "",
                "subtotal": "39.00",
                "subtotal_tax": "7.80",
                "total": "34.00",
                "total_tax": "6.80",
                "taxes": [],
                "sku": "SCARF-BLUE",
                "price": 39,
                "meta_data": [
                    {
                        "id": 77,
                        "key": "pa_color",
                        "value": "blue",
                        "display_key": "Color",
                        "display_value": "Blue",
                    },
                    {"id": 78, "key": "_reduced_stock", "value": "1"},
                ],
                "image": {
                    "id": 2,
                    "src": "https://shop.example.com/wp-content/uploads/scarf-blue.jpg",
                },
            }
        )
    return {
        "id": order_id,
        "parent_id": 0,
        "number": str(order_id),
        "order_key": f"wc_order_{order_id}",
        "created_via": "checkout",
        "status": "processing",
        "currency": "EUR",
        "date_created": stamp,
        "date_created_gmt": stamp,
        "date_modified": stamp,
        "date_modified_gmt": stamp,
        "discount_total": "5.00" if showcase else "0.00",
        "discount_tax": "1.00" if showcase else "0.00",
        "shipping_total": "4.90",
        "shipping_tax": "0.98",
        "cart_tax": "12.40" if showcase else "5.60",
        "total": "79.28" if showcase else "39.48",
        "total_tax": "13.38" if showcase else "6.58",
        "prices_include_tax": False,
        "customer_id": 7 if showcase else 0,
        "customer_ip_address": "203.0.113.9",
        "customer_user_agent": "Mozilla/5.0",
        "customer_note": "Leave it with the neighbour at no. 12." if showcase else "",
        "billing": {
            "first_name": "Astrid",
            "last_name": "Lindqvist",
            "company": "Fika AB",
            "address_1": "Drottninggatan 5",
            "address_2": "",
            "city": "Stockholm",
            "state": "",
            "postcode": "111 51",
            "country": "SE",
            "email": "astrid@example.se",
            "phone": "+46 8 123 456",
        },
        "shipping": {
            "first_name": "Astrid",
            "last_name": "Lindqvist",
            "company": "",
            "address_1": "Sveavägen 20",
            "address_2": "lgh 1102",
            "city": "Stockholm",
            "state": "",
            "postcode": "111 57",
            "country": "SE",
            "phone": "+46 70 555 0101",
        },
        "payment_method": "stripe",
        "payment_method_title": "Credit card (Stripe)",
        "transaction_id": f"ch_{order_id}",
        "date_paid": stamp,
        "date_paid_gmt": stamp,
        "date_completed": None,
        "date_completed_gmt": None,
        "cart_hash": "d41d8cd98f00b204",
        "meta_data": [{"id": 1, "key": "_stripe_fee", "value": "1.41"}],
        "line_items": lines,
        "tax_lines": [
            {
                "id": 1,
                "rate_code": "SE-MOMS-1",
                "rate_id": "1",
                "label": "Moms",
                "compound": False,
                "tax_total": "12.40" if showcase else "5.60",
                "shipping_tax_total": "0.98",
                "meta_data": [],
            }
        ],
        "shipping_lines": [
            {
                "id": 1,
                "method_title": "PostNord MyPack",
                "method_id": "flat_rate",
                "instance_id": "3",
                "total": "4.90",
                "total_tax": "0.98",
                "taxes": [],
                "meta_data": [],
            }
        ],
        "fee_lines": [],
        "coupon_lines": [
            {
                "id": 1,
                "code": "welcome10",
                "discount": "5.00",
                "discount_tax": "1.00",
                "meta_data": [],
            }
        ]
        if showcase
        else [],
        "refunds": [],
    }


class WooFake:
    """The conformance kit's view of one fake store."""

    spec: ConnectorSpec = SPEC
    page_size = 100
    # WooCommerce has no gift flag or gift message.
    absent_features = frozenset({"gift"})

    def __init__(self, store: WooStore | None = None) -> None:
        self.store = store or WooStore()

    def good_config(self) -> ChannelConfig:
        return ChannelConfig(
            {"site_url": SITE, "location": "Main warehouse"},
            {"consumer_key": KEY, "consumer_secret": SECRET},
        )

    def bad_configs(self) -> Mapping[ProblemKind, ChannelConfig]:
        def config(site: str = SITE, key: str = KEY, secret: str = SECRET) -> ChannelConfig:
            return ChannelConfig(
                {"site_url": site}, {"consumer_key": key, "consumer_secret": secret}
            )

        return {
            ProblemKind.BAD_TOKEN: config(key="ck_" + "dead" * 10),
            ProblemKind.MISSING_SCOPE: config(key=READ_ONLY_KEY),
            ProblemKind.BAD_DOMAIN: config(site="http://shop.example.com"),
        }

    def transport(self) -> httpx.BaseTransport:
        return httpx.MockTransport(self.store.handle)

    def seed_orders(self, count: int) -> list[str]:
        start = datetime.now(UTC) - timedelta(hours=1) - SEED_SPACING * count
        return [
            str(self.store.place(start + SEED_SPACING * index, showcase=index == 0))
            for index in range(count)
        ]

    def change_order(self, external_id: str) -> None:
        order = self.store.orders[int(external_id)]
        order["customer_note"] = "Please ring twice."
        self.store.touch(int(external_id))

    def cancel_order(self, external_id: str) -> None:
        self.store.orders[int(external_id)]["status"] = "cancelled"
        self.store.touch(int(external_id))

    def refund_order(self, external_id: str, amount: Decimal) -> None:
        order_id = int(external_id)
        order = self.store.orders[order_id]
        refund_id = 9000 + len(self.store.refunds.get(order_id, [])) + order_id
        line = order["line_items"][0]
        order["refunds"].append(
            {"id": refund_id, "reason": "Arrived chipped", "total": f"-{amount}"}
        )
        self.store.refunds.setdefault(order_id, []).append(
            {
                "id": refund_id,
                "date_created": gmt(datetime.now(UTC)),
                "date_created_gmt": gmt(datetime.now(UTC)),
                "amount": str(amount),
                "reason": "Arrived chipped",
                "refunded_by": 1,
                "refunded_payment": True,
                "meta_data": [],
                "line_items": [
                    {
                        "id": refund_id * 10,
                        "name": line["name"],
                        "product_id": line["product_id"],
                        "variation_id": 0,
                        "quantity": -1,
                        "tax_class": "",
                        "subtotal": f"-{amount}",
                        "subtotal_tax": "0.00",
                        "total": f"-{amount}",
                        "total_tax": "0.00",
                        "taxes": [],
                        "sku": line["sku"],
                        "price": float(amount),
                        "meta_data": [
                            {"id": 1, "key": "_refunded_item_id", "value": str(line["id"])}
                        ],
                    }
                ],
            }
        )
        self.store.touch(order_id)

    def error_response(
        self, request: httpx.Request, status: int, message: str, retry_after: int | None
    ) -> httpx.Response:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return _error(status, "woocommerce_rest_error", message, headers)

    def shipments(self, external_id: str) -> list[FakeShipment]:
        order_id = int(external_id)
        recorded: list[dict[str, Any]] = []
        for meta in self.store.orders[order_id]["meta_data"]:
            if meta["key"] == SHIPMENTS_META:
                recorded = json.loads(meta["value"])
        lines = {entry["tracking_number"]: entry["lines"] for entry in recorded}
        return [
            FakeShipment(
                tracking_number=item["tracking_number"],
                lines=lines.get(item["tracking_number"], {}),
                carrier=item["tracking_provider"] or item["custom_tracking_provider"],
            )
            for item in self.store.trackings.get(order_id, [])
        ]

    def stock(self) -> Mapping[str, int]:
        found = {p["sku"]: p["stock_quantity"] for p in self.store.products if p["sku"]}
        for variations in self.store.variations.values():
            found.update({v["sku"]: v["stock_quantity"] for v in variations if v["sku"]})
        return found
