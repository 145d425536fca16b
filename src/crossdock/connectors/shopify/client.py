"""The Shopify Admin GraphQL endpoint: one POST per document, its answers and failures mapped.

HTTP failures map as :mod:`crossdock.connectors.http` maps them (429 and 5xx retryable,
401/403 authentication, other 4xx validation), with Shopify's own meanings on top: 404 is
an unknown shop, 402 a frozen shop (unpaid bill), 423 a locked one. A GraphQL answer with
``errors`` is a failure too: ``THROTTLED`` is retryable after the time the cost bucket needs
to refill, ``ACCESS_DENIED`` names the missing scope, anything else is Shopify's message.

Every answer's ``extensions.cost.throttleStatus`` goes to the ``on_cost`` hook so the
channel's shared limiter paces the next calls by the bucket Shopify reports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from crossdock.connectors.base import (
    AuthenticationError,
    ConnectorError,
    RetryableError,
    ValidationError,
)
from crossdock.connectors.http import json_body, raise_for_status, translated_errors
from crossdock.connectors.shopify.queries import API_VERSION

#: A shop's permanent domain: ``<name>.myshopify.com``.
_SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
SHOP_SUFFIX = ".myshopify.com"
#: The longest wait asked for when throttled (Shopify's bucket refills in seconds).
MAX_THROTTLE_WAIT = 60.0


class ShopDomainError(ValueError):
    """A shop domain that is not ``<name>.myshopify.com``."""


def normalise_shop_domain(raw: str) -> str:
    """``<name>.myshopify.com`` from what a merchant typed: a name, a domain or an admin URL.

    ``My-Shop``, ``my-shop.myshopify.com`` and ``https://my-shop.myshopify.com/admin`` all
    give ``my-shop.myshopify.com``; a custom storefront domain is refused (the Admin API
    lives only on the permanent ``.myshopify.com`` domain).
    """
    text = raw.strip().lower()
    text = re.sub(r"^https?://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0]
    if not text:
        raise ShopDomainError("the shop domain is empty: enter <name>.myshopify.com")
    name = text[: -len(SHOP_SUFFIX)] if text.endswith(SHOP_SUFFIX) else text
    if "." in name or not _SHOP_NAME.match(name):
        raise ShopDomainError(
            f"{raw.strip()!r} is not a shop domain: enter <name>.myshopify.com "
            "(the permanent domain shown under Settings → Domains, not a custom domain)"
        )
    return f"{name}{SHOP_SUFFIX}"


@dataclass(frozen=True, slots=True)
class Throttle:
    """Shopify's cost bucket after a call: points left and points restored per second."""

    maximum: float
    available: float
    restore_rate: float


CostHook = Callable[[Throttle], None]


def throttle_of(document: Mapping[str, Any]) -> Throttle | None:
    """The ``extensions.cost.throttleStatus`` of an answer, when it has a readable one."""
    extensions = document.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    status = cost.get("throttleStatus") if isinstance(cost, Mapping) else None
    if not isinstance(status, Mapping):
        return None
    values = [status.get(key) for key in ("maximumAvailable", "currentlyAvailable", "restoreRate")]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    maximum, available, rate = (float(v) for v in values)  # type: ignore[arg-type]
    return Throttle(maximum=maximum, available=available, restore_rate=rate)


def throttled_wait(document: Mapping[str, Any]) -> float | None:
    """Seconds until the bucket holds the requested cost again (``None``: unknown)."""
    extensions = document.get("extensions")
    cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
    requested = cost.get("requestedQueryCost") if isinstance(cost, Mapping) else None
    throttle = throttle_of(document)
    if throttle is None or not isinstance(requested, int | float) or throttle.restore_rate <= 0:
        return None
    missing = max(float(requested) - throttle.available, 0.0)
    return min(math.ceil(missing / throttle.restore_rate * 10) / 10, MAX_THROTTLE_WAIT)


def _error_codes(error: Mapping[str, Any]) -> str:
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, Mapping) else None
    return code if isinstance(code, str) else ""


def raise_for_errors(document: Mapping[str, Any]) -> None:
    """Raise the connector error a GraphQL ``errors`` list stands for; return without one."""
    errors = document.get("errors")
    if not errors:
        return
    if not isinstance(errors, list):
        raise ValidationError(f"Shopify answered errors that are not a list: {errors!r:.200}")
    readable = [error for error in errors if isinstance(error, Mapping)]
    messages = "; ".join(str(error.get("message", "")).strip() for error in readable)[:500]
    codes = {_error_codes(error) for error in readable}
    if "THROTTLED" in codes:
        raise RetryableError(
            f"Shopify throttled the call: {messages}", retry_after=throttled_wait(document)
        )
    if "INTERNAL_SERVER_ERROR" in codes:
        raise RetryableError(f"Shopify failed: {messages}")
    if "ACCESS_DENIED" in codes:
        raise AuthenticationError(f"Shopify refused access: {messages}")
    raise ValidationError(f"Shopify refused the query: {messages or 'no message'}")


def _http_failure(response: httpx.Response, shop: str) -> ConnectorError | None:
    """Shopify's meaning of a status, where it says more than the generic mapping."""
    status = response.status_code
    if status == 404:
        return ValidationError(f"no Shopify shop answers at {shop} (404): check the shop domain")
    if status == 402:
        return ValidationError(
            f"the shop {shop} is frozen (402 Payment Required): its Shopify bill is unpaid"
        )
    if status == 423:
        return ValidationError(f"the shop {shop} is locked (423 Locked) by Shopify")
    if status == 401:
        return AuthenticationError(
            f"Shopify refused the Admin API access token of {shop} (401): "
            "it is wrong, or the app was uninstalled"
        )
    return None


class ShopifyClient:
    """One shop's Admin GraphQL API, reached through the ``httpx.Client`` the hub hands in."""

    def __init__(
        self,
        client: httpx.Client,
        shop_domain: str,
        access_token: str,
        on_cost: CostHook | None = None,
    ) -> None:
        self._client = client
        self.shop = normalise_shop_domain(shop_domain)
        self._token = access_token
        self._on_cost = on_cost
        self.url = f"https://{self.shop}/admin/api/{API_VERSION}/graphql.json"

    def __repr__(self) -> str:
        return f"ShopifyClient({self.shop!r})"

    def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> Any:
        """The ``data`` of one GraphQL call; raises the mapped :class:`ConnectorError`."""
        headers = {"X-Shopify-Access-Token": self._token, "Accept": "application/json"}
        body = {"query": document, "variables": dict(variables or {})}
        with translated_errors():
            response = self._client.post(self.url, json=body, headers=headers)
        failure = _http_failure(response, self.shop)
        if failure is not None:
            raise failure
        raise_for_status(response)
        answer = json_body(response)
        if not isinstance(answer, Mapping):
            raise ValidationError("Shopify answered something that is not a JSON object")
        throttle = throttle_of(answer)
        if throttle is not None and self._on_cost is not None:
            self._on_cost(throttle)
        raise_for_errors(answer)
        data = answer.get("data")
        if not isinstance(data, Mapping):
            raise ValidationError("Shopify answered without data")
        return data
