"""HTTP calls to the sandbox marketplace API (``/sandbox/api/v1``): the connector's only I/O."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from crossdock.connectors.base import ValidationError
from crossdock.connectors.http import json_body, send
from crossdock.connectors.sandbox.mapping import format_timestamp

PAGE_SIZE = 100


class SandboxClient:
    """One sandbox shop's API, reached through the ``httpx.Client`` the hub hands in."""

    def __init__(self, client: httpx.Client, base_url: str, token: str) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._token = token

    def __repr__(self) -> str:
        return f"SandboxClient({self._base_url!r})"

    def _call(self, method: str, path: str, **kwargs: Any) -> Mapping[str, Any]:
        headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
        response = send(self._client, method, f"{self._base_url}{path}", headers=headers, **kwargs)
        document = json_body(response)
        if not isinstance(document, Mapping):
            raise ValidationError(f"{method} {path}: answer is not a JSON object")
        return document

    def fetch_orders_page(
        self, since: datetime | None, page_token: str | None, limit: int = PAGE_SIZE
    ) -> Mapping[str, Any]:
        params: dict[str, str | int] = {"limit": limit}
        if since is not None:
            params["updated_since"] = format_timestamp(since)
        if page_token:
            params["page_token"] = page_token
        return self._call("GET", "/orders", params=params)

    def fetch_order(self, order_id: str) -> Mapping[str, Any]:
        return self._call("GET", f"/orders/{order_id}")

    def push_shipment(
        self, order_id: str, body: Mapping[str, Any], idempotency_key: str
    ) -> Mapping[str, Any]:
        return self._call(
            "POST",
            f"/orders/{order_id}/shipments",
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )

    def find_shipments(self, order_id: str, idempotency_key: str) -> Mapping[str, Any]:
        return self._call(
            "GET", f"/orders/{order_id}/shipments", params={"idempotency_key": idempotency_key}
        )

    def set_stock(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        return self._call("POST", "/stock", json=body)

    def fetch_listings(self) -> Mapping[str, Any]:
        return self._call("GET", "/listings")
