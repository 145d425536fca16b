"""HTTP calls to one BigCommerce store's API: the connector's only I/O.

Every call carries the store's access token in ``X-Auth-Token`` (never anywhere else, never
in an error). Answers map onto the connector error tree with BigCommerce's own message:
V2 errors are a list of ``{status, message}``, V3 errors an object with ``title`` and
``errors``. The quota headers of every answer (``X-Rate-Limit-Requests-Left``,
``X-Rate-Limit-Time-Reset-Ms``) go to the hub's per-channel limiter
(:func:`crossdock.connectors.http.report_quota`), and a 429 waits for the window to reset.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from crossdock.connectors.base import (
    AuthenticationError,
    RetryableError,
    ValidationError,
)
from crossdock.connectors.http import (
    MAX_RETRY_AFTER,
    json_body,
    parse_retry_after,
    quota_from_headers,
    report_quota,
    translated_errors,
)

API_HOST = "https://api.bigcommerce.com"
#: The API account scopes each family of calls needs, named as the control panel does.
ORDERS_SCOPE = "Orders: modify"
STORE_SCOPE = "Information & settings: read-only"
PRODUCTS_SCOPE = "Products: modify"
LOCATIONS_SCOPE = "Store Locations: read-only"
#: A store hash as BigCommerce issues them: short, lowercase letters and digits.
STORE_HASH = re.compile(r"^[a-z0-9]{4,32}$")


class SettingProblem(ValueError):
    """A setting is unusable before any call is made; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def store_base(store_hash: str, base_url: str = "") -> str:
    """``https://api.bigcommerce.com/stores/{hash}``, or the test/sandbox base when set.

    An overriding base must be HTTPS, or plain HTTP to a loopback address only.
    """
    cleaned = store_hash.strip()
    if not STORE_HASH.match(cleaned):
        raise SettingProblem(
            "store_hash",
            "store hash must be the 4-32 lowercase letters and digits after /stores/ "
            "in the API path of your API account",
        )
    if not base_url.strip():
        return f"{API_HOST}/stores/{cleaned}"
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingProblem("api_base_url", "API base URL must be an http(s) URL")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SettingProblem("api_base_url", "API base URL may use plain http only on loopback")
    return f"{base_url.strip().rstrip('/')}/stores/{cleaned}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def platform_message(response: httpx.Response) -> str:
    """BigCommerce's own words from an error answer (V2 list or V3 problem), or its status."""
    try:
        document = response.json()
    except ValueError:
        document = None
    messages: list[str] = []
    if isinstance(document, list):
        messages = [
            str(item["message"])
            for item in document
            if isinstance(item, Mapping) and isinstance(item.get("message"), str)
        ]
    elif isinstance(document, Mapping):
        title = document.get("title")
        if isinstance(title, str) and title:
            messages.append(title)
        errors = document.get("errors")
        if isinstance(errors, Mapping):
            messages += [f"{key}: {value}" for key, value in errors.items() if value]
    text = "; ".join(message.strip() for message in messages if message.strip())
    return text[:500] or f"HTTP {response.status_code}"


def retry_after(response: httpx.Response) -> float | None:
    """Seconds until a 429 may be retried: the quota window's reset, or ``Retry-After``."""
    signal = quota_from_headers(response)
    waits = [wait for wait in (signal.reset_after, signal.retry_after) if wait is not None]
    return min(max(waits), MAX_RETRY_AFTER) if waits else None


def raise_for_answer(response: httpx.Response, scope: str) -> None:
    """Raise the connector error an unsuccessful answer stands for; return on success."""
    status = response.status_code
    if status < 400:
        return
    call = f"{response.request.method} {response.request.url.path}"
    message = platform_message(response)
    if status == 429:
        raise RetryableError(f"{call}: rate limited ({message})", retry_after=retry_after(response))
    if status >= 500 or status == 408:
        raise RetryableError(
            f"{call} → {status}: {message}",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    if status == 401:
        raise AuthenticationError(
            f"BigCommerce refused the access token ({call} → 401)", status=status
        )
    if status == 403:
        raise AuthenticationError(
            f"the API account lacks the {scope} scope ({call} → 403: {message})", status=status
        )
    raise ValidationError(f"BigCommerce refused {call} → {status}: {message}", status=status)


class BigCommerceClient:
    """One store's API through the ``httpx.Client`` the hub hands in."""

    def __init__(
        self,
        client: httpx.Client,
        base: str,
        token: str,
    ) -> None:
        self._client = client
        self._base = base
        self._token = token

    def __repr__(self) -> str:
        return f"BigCommerceClient({self._base!r})"

    def answer(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one call and return the answer whatever its status (quota observed)."""
        headers = {
            "X-Auth-Token": self._token,
            "Accept": "application/json",
            **kwargs.pop("headers", {}),
        }
        with translated_errors():
            response = self._client.request(
                method, f"{self._base}{path}", headers=headers, **kwargs
            )
        # The hub's per-channel limiter hears every answer's quota headers, 429s included.
        report_quota(self._client, quota_from_headers(response))
        return response

    def call(self, method: str, path: str, scope: str, **kwargs: Any) -> Any:
        """One call's JSON document (``None`` for 204 No Content); errors raised by kind."""
        response = self.answer(method, path, **kwargs)
        raise_for_answer(response, scope)
        if response.status_code == 204 or not response.content.strip():
            return None
        return json_body(response)

    def call_list(
        self, method: str, path: str, scope: str, **kwargs: Any
    ) -> list[Mapping[str, Any]]:
        """A V2 collection: a JSON list of objects, or empty for 204 No Content."""
        document = self.call(method, path, scope, **kwargs)
        if document is None:
            return []
        if not isinstance(document, list) or not all(
            isinstance(item, Mapping) for item in document
        ):
            raise ValidationError(f"{method} {path}: answer is not a JSON list of objects")
        return document
