"""HTTP calls to a WooCommerce store's REST API: the connector's only I/O.

Credentials travel as HTTP Basic over https (WooCommerce's documented scheme for https
sites); a plain-http site is refused before anything is sent, except on loopback (a store
on the merchant's own machine, and the tests' fakes).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from crossdock.connectors.base import ValidationError
from crossdock.connectors.http import json_body, send

WC = "/wp-json/wc/v3"
TRACKING = "/wp-json/wc-shipment-tracking/v3"
PER_PAGE = 100


def insecure_site_problem(site_url: str) -> str:
    """Why ``site_url`` cannot carry credentials, or ``""`` (https, or http on loopback)."""
    parts = urlsplit(site_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be the store's address, e.g. https://shop.example.com"
    if parts.scheme == "https":
        return ""
    host = parts.hostname
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    return "" if loopback else "must use https (the API keys travel with every request)"


def total_pages(response: httpx.Response) -> int:
    """``X-WP-TotalPages`` (1 when absent or unreadable)."""
    raw = response.headers.get("X-WP-TotalPages", "1")
    return int(raw) if raw.isdigit() else 1


class WooClient:
    """One store's API, reached through the ``httpx.Client`` the hub hands in."""

    def __init__(self, client: httpx.Client, site_url: str, key: str, secret: str) -> None:
        self._client = client
        self._site = site_url.strip().rstrip("/")
        self._auth = httpx.BasicAuth(key, secret)

    def __repr__(self) -> str:
        return f"WooClient({self._site!r})"

    @property
    def site(self) -> str:
        return self._site

    def request(
        self, method: str, path: str, *, auth: bool = True, **kwargs: Any
    ) -> httpx.Response:
        problem = insecure_site_problem(self._site)
        if problem:
            raise ValidationError(f"site_url {problem}")
        if auth:
            kwargs["auth"] = self._auth
        return send(self._client, method, f"{self._site}{path}", **kwargs)

    def _object(self, method: str, path: str, **kwargs: Any) -> Mapping[str, Any]:
        document = json_body(self.request(method, path, **kwargs))
        if not isinstance(document, Mapping):
            raise ValidationError(f"{method} {path}: answer is not a JSON object")
        return document

    def _list(self, response: httpx.Response, path: str) -> Sequence[Mapping[str, Any]]:
        document = json_body(response)
        if not isinstance(document, list) or not all(isinstance(i, Mapping) for i in document):
            raise ValidationError(f"GET {path}: answer is not a JSON list of objects")
        return document

    def index(self) -> Mapping[str, Any]:
        """``GET /wp-json/``: the site's REST index (namespaces), without credentials."""
        return self._object("GET", "/wp-json/", auth=False)

    def orders_page(
        self, params: Mapping[str, str | int]
    ) -> tuple[Sequence[Mapping[str, Any]], int]:
        response = self.request("GET", f"{WC}/orders", params=dict(params))
        return self._list(response, "/orders"), total_pages(response)

    def order(self, order_id: str) -> Mapping[str, Any]:
        return self._object("GET", f"{WC}/orders/{order_id}")

    def refunds(self, order_id: str) -> Sequence[Mapping[str, Any]]:
        path = f"{WC}/orders/{order_id}/refunds"
        return self._list(self.request("GET", path, params={"per_page": PER_PAGE}), path)

    def update_order(self, order_id: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        return self._object("PUT", f"{WC}/orders/{order_id}", json=body)

    def add_note(self, order_id: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        return self._object("POST", f"{WC}/orders/{order_id}/notes", json=body)

    def write_probe(self) -> Mapping[str, Any]:
        """``POST /orders/batch`` with nothing in it: refused only for a read-only key."""
        return self._object("POST", f"{WC}/orders/batch", json={})

    def trackings(self, order_id: str) -> Sequence[Mapping[str, Any]] | None:
        """The order's Shipment Tracking items; ``None`` when the extension is not there."""
        path = f"{TRACKING}/orders/{order_id}/shipment-trackings"
        try:
            response = self.request("GET", path)
        except ValidationError as error:
            if error.status == 404 and "rest_no_route" in str(error):
                return None
            raise
        return self._list(response, path)

    def add_tracking(self, order_id: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        return self._object("POST", f"{TRACKING}/orders/{order_id}/shipment-trackings", json=body)

    def weight_unit(self) -> str:
        setting = self._object("GET", f"{WC}/settings/products/woocommerce_weight_unit")
        value = setting.get("value")
        return value if isinstance(value, str) else ""

    def products(
        self, params: Mapping[str, str | int], parent: str = ""
    ) -> tuple[Sequence[Mapping[str, Any]], int]:
        path = f"{WC}/products/{parent}/variations" if parent else f"{WC}/products"
        response = self.request("GET", path, params=dict(params))
        return self._list(response, path), total_pages(response)

    def stock_batch(self, body: Mapping[str, Any], parent: str = "") -> Mapping[str, Any]:
        path = f"{WC}/products/{parent}/variations/batch" if parent else f"{WC}/products/batch"
        return self._object("POST", path, json=body)
