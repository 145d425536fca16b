"""The desk's HTTP client for a Custom Store URL: export pages and ship notices.

Every call sends HTTP Basic and the ``SS-UserName``/``SS-Password`` pair, has explicit
timeouts, never follows redirects (a moved URL is reported so the merchant updates it)
and never logs the query (it carries the password). Errors (a tree)::

    StoreError                     what went wrong, in a sentence the merchant can act on
     ├─ StoreUnreachable           no connection (refused, DNS, TLS)
     ├─ StoreTimedOut              connected, but no answer in time
     ├─ StoreRejectedCredentials   HTTP 401 (or 403)
     ├─ StoreHttpError             any other non-2xx answer
     ├─ StoreAnswerNotXml          a 2xx answer that does not parse as XML
     └─ StoreAnswerNotOrders       XML whose root is not <Orders>
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx

from crossdock.customstore.dates import format_wire_datetime
from crossdock.customstore.notice import ShipNotice, render_ship_notice
from crossdock.customstore.reader import OrdersDocumentError, OrdersPage, parse_orders
from crossdock.customstore.safexml import MalformedXmlError, UnsafeXmlError, XmlTooLargeError

#: Connect quickly or report the store unreachable; give a slow store time to build a page.
TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
#: How much of a store's answer the desk keeps to show the merchant.
EXCERPT_CHARS = 500
USER_AGENT = "Crossdock-Desk/1 (ShipStation Custom Store client)"


@dataclass(frozen=True, slots=True)
class StoreConnection:
    url: str
    username: str
    password: str

    def __repr__(self) -> str:  # the password never reaches a log line or traceback
        return f"StoreConnection(url={self.url!r}, username={self.username!r})"


class StoreError(Exception):
    """A store call that failed; ``str()`` is the message shown to the merchant."""

    def __init__(self, message: str, *, status: int | None = None, excerpt: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.excerpt = excerpt


class StoreUnreachable(StoreError):
    pass


class StoreTimedOut(StoreError):
    pass


class StoreRejectedCredentials(StoreError):
    pass


class StoreHttpError(StoreError):
    pass


class StoreAnswerNotXml(StoreError):
    pass


class StoreAnswerNotOrders(StoreError):
    pass


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One export page and what the exchange looked like (for "test connection")."""

    page: OrdersPage
    status: int
    content_type: str
    elapsed_ms: int
    excerpt: str


@dataclass(frozen=True, slots=True)
class NoticeAnswer:
    status: int
    excerpt: str


def make_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=False,
        transport=transport,
        headers={"User-Agent": USER_AGENT},
    )


def excerpt(body: bytes) -> str:
    return body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")[:EXCERPT_CHARS]


def _where(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url[:60]


def _send(client: httpx.Client, request: httpx.Request, url: str) -> httpx.Response:
    where = _where(url)
    try:
        return client.send(request)
    except httpx.TimeoutException as error:
        if isinstance(error, httpx.ConnectTimeout):
            raise StoreUnreachable(
                f"The store at {where} could not be reached: connecting timed out"
            ) from error
        raise StoreTimedOut(
            f"The store at {where} did not answer within {TIMEOUT.read:.0f} seconds"
        ) from error
    except httpx.TransportError as error:
        reason = str(error) or type(error).__name__
        raise StoreUnreachable(f"The store at {where} could not be reached: {reason}") from error


def _check_status(response: httpx.Response, body: bytes) -> None:
    status = response.status_code
    text = excerpt(body).strip()
    quoted = f" It said: {text!r}" if text else ""
    if status in (401, 403):
        raise StoreRejectedCredentials(
            f"The store refused the username and password (HTTP {status}).{quoted}",
            status=status,
            excerpt=text,
        )
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        raise StoreHttpError(
            f"The store answered HTTP {status}, a redirect to {location[:200]!r}: "
            "enter the final URL instead.",
            status=status,
            excerpt=text,
        )
    if not 200 <= status < 300:
        raise StoreHttpError(
            f"The store answered HTTP {status}.{quoted}", status=status, excerpt=text
        )


def _auth_params(connection: StoreConnection) -> list[tuple[str, str]]:
    return [("SS-UserName", connection.username), ("SS-Password", connection.password)]


def _request(
    client: httpx.Client,
    method: str,
    connection: StoreConnection,
    params: list[tuple[str, str]],
    content: bytes | None = None,
) -> httpx.Request:
    # ``copy_merge_params`` keeps any query the merchant's URL already carries.
    url = httpx.URL(connection.url).copy_merge_params([*params, *_auth_params(connection)])
    pair = f"{connection.username}:{connection.password}".encode()
    # Basic auth is sent up front, without waiting for a challenge (as ShipStation does).
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode('ascii')}"}
    if content is not None:
        headers["Content-Type"] = "application/xml; charset=utf-8"
    return client.build_request(method, url, content=content, headers=headers)


def fetch_export_page(
    client: httpx.Client,
    connection: StoreConnection,
    start: datetime,
    end: datetime,
    page: int,
) -> FetchedPage:
    """GET one export page and read it leniently; raises a :class:`StoreError`."""
    params = [
        ("action", "export"),
        ("start_date", format_wire_datetime(start)),
        ("end_date", format_wire_datetime(end)),
        ("page", str(page)),
    ]
    began = time.monotonic()
    response = _send(client, _request(client, "GET", connection, params), connection.url)
    body = response.content
    elapsed_ms = int((time.monotonic() - began) * 1000)
    _check_status(response, body)
    text = excerpt(body)
    shown = f" We received: {text!r}" if text.strip() else " We received an empty body."
    if not body.strip():
        raise StoreAnswerNotXml(
            "The store's answer is not XML: the body is empty.", status=response.status_code
        )
    try:
        orders = parse_orders(body)
    except MalformedXmlError as error:
        reason = str(error).removeprefix("not well-formed XML: ")
        if error.line and f"line {error.line}" not in reason:
            reason += f", line {error.line}, column {error.column}"
        raise StoreAnswerNotXml(
            f"The store's answer is not XML ({reason}).{shown}",
            status=response.status_code,
            excerpt=text,
        ) from error
    except (UnsafeXmlError, XmlTooLargeError) as error:
        raise StoreAnswerNotXml(
            f"The store's answer was refused: {error}.", status=response.status_code, excerpt=text
        ) from error
    except OrdersDocumentError as error:
        raise StoreAnswerNotOrders(
            f"The store's answer is XML but {error}.{shown}",
            status=response.status_code,
            excerpt=text,
        ) from error
    return FetchedPage(
        page=orders,
        status=response.status_code,
        content_type=response.headers.get("Content-Type", ""),
        elapsed_ms=elapsed_ms,
        excerpt=text,
    )


def post_ship_notice(
    client: httpx.Client, connection: StoreConnection, notice: ShipNotice
) -> NoticeAnswer:
    """POST one ``<ShipNotice>``; any 2xx is success, anything else raises a StoreError."""
    params = [
        ("action", "shipnotify"),
        ("order_number", notice.order_number),
        ("carrier", notice.carrier),
        ("service", notice.service),
        ("tracking_number", notice.tracking_number),
    ]
    request = _request(client, "POST", connection, params, content=render_ship_notice(notice))
    response = _send(client, request, connection.url)
    body = response.content
    _check_status(response, body)
    return NoticeAnswer(status=response.status_code, excerpt=excerpt(body))
