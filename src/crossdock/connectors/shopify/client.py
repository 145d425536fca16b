"""The Shopify Admin GraphQL endpoint: one POST per document, its answers and failures mapped.

HTTP failures map as :mod:`crossdock.connectors.http` maps them (429 and 5xx retryable,
401/403 authentication, other 4xx validation), with Shopify's own meanings on top: 404 is
an unknown shop, 402 a frozen shop (unpaid bill), 423 a locked one. A GraphQL answer with
``errors`` is a failure too: ``THROTTLED`` is retryable after the time the cost bucket needs
to refill, ``ACCESS_DENIED`` names the missing scope, anything else is Shopify's message.

Every answer's ``extensions.cost.throttleStatus`` is reported to the channel's shared
limiter (:func:`crossdock.connectors.http.report_quota`) as the points left and the
seconds until the bucket is full, so every worker paces its next calls by Shopify's bucket.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from crossdock.connectors.base import (
    AuthenticationError,
    ConnectorError,
    RetryableError,
    ValidationError,
)
from crossdock.connectors.http import (
    QuotaSignal,
    json_body,
    quota_from_headers,
    raise_for_status,
    report_quota,
    translated_errors,
)
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

    def signal(self, retry_after: float | None = None) -> QuotaSignal:
        """The bucket as the shared limiter reads it: points left, seconds until full."""
        refill = (
            max(self.maximum - self.available, 0.0) / self.restore_rate
            if self.restore_rate > 0
            else None
        )
        return QuotaSignal(remaining=self.available, reset_after=refill, retry_after=retry_after)


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


def error_codes(document: Mapping[str, Any]) -> set[str]:
    """The ``extensions.code`` of each GraphQL error of an answer."""
    errors = document.get("errors")
    if not isinstance(errors, list):
        return set()
    return {_error_codes(error) for error in errors if isinstance(error, Mapping)}


def raise_for_errors(document: Mapping[str, Any]) -> None:
    """Raise the connector error a GraphQL ``errors`` list stands for; return without one."""
    errors = document.get("errors")
    if not errors:
        return
    if not isinstance(errors, list):
        raise ValidationError(f"Shopify answered errors that are not a list: {errors!r:.200}")
    readable = [error for error in errors if isinstance(error, Mapping)]
    messages = "; ".join(str(error.get("message", "")).strip() for error in readable)[:500]
    codes = error_codes(document)
    if "THROTTLED" in codes:
        raise RetryableError(
            f"Shopify throttled the call: {messages}", retry_after=throttled_wait(document)
        )
    if "INTERNAL_SERVER_ERROR" in codes:
        raise RetryableError(f"Shopify failed: {messages}")
    if "ACCESS_DENIED" in codes:
        raise AuthenticationError(f"Shopify refused access: {messages}")
    raise ValidationError(f"Shopify refused the query: {messages or 'no message'}")


def _platform_message(response: httpx.Response) -> str:
    """Shopify's own words in an error answer (``{"errors": …}`` or plain text), shortened."""
    try:
        document = response.json()
    except (ValueError, RecursionError):
        return response.text[:200].strip()
    errors = document.get("errors") if isinstance(document, Mapping) else document
    if isinstance(errors, list):
        errors = "; ".join(
            str(item.get("message", item)) if isinstance(item, Mapping) else str(item)
            for item in errors
        )
    return str(errors)[:200].strip() if errors else ""


def _http_failure(response: httpx.Response, shop: str) -> ConnectorError | None:
    """Shopify's meaning of a status, where it says more than the generic mapping."""
    status = response.status_code
    said = _platform_message(response)
    suffix = f" (Shopify said: {said})" if said else ""
    if status == 404:
        return ValidationError(
            f"no Shopify shop answers at {shop} (404): check the shop domain{suffix}",
            status=status,
        )
    if status == 402:
        return ValidationError(
            f"the shop {shop} is frozen (402 Payment Required): its Shopify bill is unpaid{suffix}",
            status=status,
        )
    if status == 423:
        return ValidationError(
            f"the shop {shop} is locked (423 Locked) by Shopify{suffix}", status=status
        )
    if status == 401:
        return AuthenticationError(
            f"Shopify refused the Admin API access token of {shop} (401): "
            f"it is wrong, or the app was uninstalled{suffix}",
            status=status,
        )
    return None


class ShopifyClient:
    """One shop's Admin GraphQL API, reached through the ``httpx.Client`` the hub hands in."""

    def __init__(
        self,
        client: httpx.Client,
        shop_domain: str,
        access_token: str,
    ) -> None:
        self._client = client
        try:
            self.shop = normalise_shop_domain(shop_domain)
            self.domain_problem = ""
        except ShopDomainError as error:
            # Reported by the connection check; every call refuses (never a crash at build).
            self.shop = ""
            self.domain_problem = str(error)
        self._token = access_token
        self.url = f"https://{self.shop}/admin/api/{API_VERSION}/graphql.json"

    def __repr__(self) -> str:
        return f"ShopifyClient({self.shop!r})"

    def execute(self, document: str, variables: Mapping[str, Any] | None = None) -> Any:
        """The ``data`` of one GraphQL call; raises the mapped :class:`ConnectorError`."""
        if self.domain_problem:
            raise ValidationError(f"shop_domain: {self.domain_problem}")
        headers = {"X-Shopify-Access-Token": self._token, "Accept": "application/json"}
        body = {"query": document, "variables": dict(variables or {})}
        with translated_errors():
            response = self._client.post(self.url, json=body, headers=headers)
        # A 429's Retry-After reaches the shared limiter as it does for every connector.
        report_quota(self._client, quota_from_headers(response))
        failure = _http_failure(response, self.shop)
        if failure is not None:
            raise failure
        raise_for_status(response)
        answer = json_body(response)
        if not isinstance(answer, Mapping):
            raise ValidationError("Shopify answered something that is not a JSON object")
        throttle = throttle_of(answer)
        if throttle is not None:
            wait = throttled_wait(answer) if "THROTTLED" in error_codes(answer) else None
            report_quota(self._client, throttle.signal(wait))
        raise_for_errors(answer)
        data = answer.get("data")
        if not isinstance(data, Mapping):
            raise ValidationError("Shopify answered without data")
        return data
