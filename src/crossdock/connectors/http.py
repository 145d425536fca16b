"""The HTTP seam of connectors: one way to build a client, one mapping of failures to errors.

The hub builds every ``httpx.Client`` here, with explicit timeouts, and hands it to a
connector; tests hand in a client over ``httpx.MockTransport`` instead. Failures map onto
the error tree of :mod:`crossdock.connectors.base`:

- network errors and timeouts, 429 and 5xx → :class:`RetryableError` (with ``Retry-After``)
- 401 and 403 → :class:`AuthenticationError`; other 4xx → :class:`ValidationError`

Rate limits: the hub attaches its per-channel limiter to the client it builds
(:func:`attach_quota_sink`). Every answer's ``Retry-After`` and BigCommerce-style
``X-Rate-Limit-Requests-Left`` / ``X-Rate-Limit-Time-Reset-Ms`` headers reach it through
:func:`send` without a connector doing anything; a connector whose platform reports its
quota elsewhere (Shopify's GraphQL ``extensions.cost.throttleStatus``) calls
:func:`report_quota` with a :class:`QuotaSignal`. Without a sink attached (tests, the CLI
with a client of its own) reporting does nothing.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from crossdock.connectors.base import (
    AuthenticationError,
    RetryableError,
    ValidationError,
)

USER_AGENT = "Crossdock/0.1"
#: Longest ``Retry-After`` honoured; a channel asking for more is retried after this.
MAX_RETRY_AFTER = 3600.0


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds to wait for each phase of a request. Every outbound call has all four."""

    connect: float = 5.0
    read: float = 20.0
    write: float = 20.0
    pool: float = 5.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


DEFAULT_TIMEOUTS = Timeouts()


def build_client(
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` with explicit timeouts, no redirects followed, no env proxies."""
    return httpx.Client(
        timeout=timeouts.to_httpx(),
        transport=transport,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        follow_redirects=False,
        trust_env=False,
    )


@dataclass(frozen=True, slots=True)
class QuotaSignal:
    """What a channel said about its request budget, in its own terms made common.

    ``remaining``: requests (or cost points) left now; ``reset_after``: seconds until the
    budget is full again; ``retry_after``: seconds the channel asked us to wait. ``None``
    where the channel said nothing.
    """

    remaining: float | None = None
    reset_after: float | None = None
    retry_after: float | None = None


QuotaSink = Callable[[QuotaSignal], None]
_quota_sinks: weakref.WeakKeyDictionary[httpx.Client, QuotaSink] = weakref.WeakKeyDictionary()


def attach_quota_sink(client: httpx.Client, sink: QuotaSink) -> None:
    """Send the quota signals reported on ``client`` to ``sink`` (the hub's limiter)."""
    _quota_sinks[client] = sink


def report_quota(client: httpx.Client, signal: QuotaSignal) -> None:
    """Feed a channel's quota signal back to the limiter of ``client``, if it has one."""
    sink = _quota_sinks.get(client)
    if sink is not None and signal != QuotaSignal():
        sink(signal)


def _header_number(headers: httpx.Headers, name: str) -> float | None:
    try:
        value = float(headers.get(name, ""))
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def quota_from_headers(response: httpx.Response) -> QuotaSignal:
    """The quota signal in an answer's headers (``Retry-After``, ``X-Rate-Limit-*``)."""
    reset_ms = _header_number(response.headers, "X-Rate-Limit-Time-Reset-Ms")
    return QuotaSignal(
        remaining=_header_number(response.headers, "X-Rate-Limit-Requests-Left"),
        reset_after=reset_ms / 1000 if reset_ms is not None else None,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    Unreadable values give ``None``; past dates give 0; long waits are capped.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _describe(response: httpx.Response) -> str:
    """A short, safe description of an error answer (status and the start of the body)."""
    body = response.text[:300].strip().replace("\n", " ")
    return f"{response.request.method} {response.request.url.path} → {response.status_code}" + (
        f": {body}" if body else ""
    )


def raise_for_status(response: httpx.Response) -> None:
    """Raise the error that an unsuccessful ``response`` stands for; return on 1xx–3xx."""
    status = response.status_code
    if status < 400:
        return
    if status == 429 or status >= 500:
        raise RetryableError(
            _describe(response),
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    if status in (401, 403):
        raise AuthenticationError(_describe(response), status=status)
    if status == 408:
        raise RetryableError(_describe(response))
    raise ValidationError(_describe(response), status=status)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn ``httpx`` transport failures raised inside the block into connector errors."""
    try:
        yield
    except httpx.TimeoutException as error:
        raise RetryableError(f"timed out: {type(error).__name__}") from error
    except httpx.TransportError as error:
        raise RetryableError(f"network error: {type(error).__name__}: {error}") from error


def send(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send one request; return the response of a 2xx/3xx answer, raise the mapped error."""
    with translated_errors():
        response = client.request(method, url, **kwargs)
    report_quota(client, quota_from_headers(response))
    raise_for_status(response)
    return response


def json_body(response: httpx.Response) -> Any:
    """The JSON document of a response; an unreadable body is a validation failure.

    A body nested too deeply to parse (``RecursionError``) is unreadable too: what a
    channel answers must never escape as anything but a connector error.
    """
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise ValidationError(
            f"{response.request.method} {response.request.url.path}: answer is not JSON"
        ) from error
