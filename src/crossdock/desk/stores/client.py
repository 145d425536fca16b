"""The desk's HTTP client for a Custom Store URL: export pages and ship notices.

Credentials go as HTTP Basic, sent up front; the ``SS-UserName``/``SS-Password`` query
pair is added only for a store that needs it (``StoreConnection.credentials_in_query``).
Every call is bounded: only ``http``/``https`` URLs, no redirect followed (a moved URL is
reported so the merchant updates it), the answer is streamed and abandoned as soon as it
passes :data:`MAX_ANSWER_BYTES` or the call's wall-clock :data:`REQUEST_DEADLINE`, and,
when ``CROSSDOCK_DESK_BLOCK_PRIVATE_ADDRESSES`` is on, a host resolving to a loopback,
private or link-local address is refused before each call. Every message goes through
:func:`crossdock.core.redaction.redact`: it never carries a query string, a secret or a
page of markup, only the status, the content type and a short plain-text reason.
Errors (a tree)::

    StoreError                     what went wrong, in a sentence the merchant can act on
     ├─ StoreUnreachable           no connection (refused, DNS, timeout: one message)
     ├─ StoreTimedOut              connected, but the answer took longer than the deadline
     ├─ StoreRejectedCredentials   HTTP 401 (or 403)
     ├─ StoreHttpError             any other non-2xx answer
     ├─ StoreAnswerNotXml          a 2xx answer that does not parse as XML
     ├─ StoreAnswerNotOrders       XML whose root is not <Orders>
     ├─ StoreAnswerTooLarge        an answer larger than the cap
     └─ StoreAddressRefused        a URL the desk does not call (scheme, private address)
"""

from __future__ import annotations

import base64
import ipaddress
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from django.conf import settings

from crossdock.core.redaction import redact, redact_url
from crossdock.customstore.dates import format_wire_datetime
from crossdock.customstore.notice import ShipNotice, render_ship_notice
from crossdock.customstore.reader import (
    MAX_PAGE_BYTES,
    OrdersDocumentError,
    OrdersPage,
    parse_orders,
)
from crossdock.customstore.safexml import MalformedXmlError, UnsafeXmlError, XmlTooLargeError

#: Connect quickly or report the store unreachable; give a slow store time to build a page.
TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
#: The longest one call may take, wall clock, however slowly the answer trickles in.
REQUEST_DEADLINE = 60.0
#: The largest answer read; reading stops as soon as it is passed.
MAX_ANSWER_BYTES = MAX_PAGE_BYTES
#: The longest plain-text reason quoted from a store's answer.
QUOTE_CHARS = 200
#: How much of a store's answer the desk keeps to show the merchant.
EXCERPT_CHARS = 500
#: The only URL schemes the desk calls.
SCHEMES = ("http", "https")
#: The path a Crossdock hub's endpoint (and most Custom Store plugins') ends in.
ENDPOINT_HINT = "/shipstation/custom-store"
USER_AGENT = "Crossdock-Desk/1 (ShipStation Custom Store client)"


@dataclass(frozen=True, slots=True)
class StoreConnection:
    url: str
    username: str
    password: str
    #: Also send ``SS-UserName``/``SS-Password`` in the query (for stores that read only it).
    credentials_in_query: bool = False
    #: Send HTTP Basic (always, but for the checker's probe of the query form alone).
    credentials_in_header: bool = True

    def __repr__(self) -> str:  # the password never reaches a log line or traceback
        return f"StoreConnection(url={redact_url(self.url)!r}, username={self.username!r})"


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


class StoreAnswerTooLarge(StoreError):
    pass


class StoreAddressRefused(StoreError):
    pass


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """One export page and what the exchange looked like (for "test connection")."""

    page: OrdersPage
    status: int
    content_type: str
    elapsed_ms: int
    excerpt: str
    size: int = 0


@dataclass(frozen=True, slots=True)
class NoticeAnswer:
    status: int
    excerpt: str


@dataclass(frozen=True, slots=True)
class RawAnswer:
    """An answer as it came, read within the caps: the conformance checker judges it."""

    status: int
    content_type: str
    location: str
    body: bytes = field(repr=False)
    elapsed_ms: int = 0


def make_client(
    transport: httpx.BaseTransport | None = None, timeout: httpx.Timeout = TIMEOUT
) -> httpx.Client:
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        max_redirects=0,
        transport=transport,
        headers={"User-Agent": USER_AGENT},
    )


def excerpt(body: bytes, secrets: tuple[str, ...] = ()) -> str:
    """The start of an answer, redacted, for the record of a call that succeeded."""
    text = body[: EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    return redact(text, secrets=secrets, limit=EXCERPT_CHARS)


def _where(url: str) -> str:
    """``host[:port]`` of a URL, never its userinfo or query."""
    try:
        parts = httpx.URL(url)
    except httpx.InvalidURL:
        return "this URL"
    host = parts.host or "this URL"
    return f"{host}:{parts.port}" if parts.port else host


def block_private_addresses() -> bool:
    return bool(getattr(settings, "CROSSDOCK_DESK_BLOCK_PRIVATE_ADDRESSES", False))


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # Not globally routable covers loopback, private, link-local, shared (100.64/10),
    # documentation, reserved and unspecified ranges.
    return not ip.is_global or ip.is_multicast


def check_destination(url: str) -> None:
    """Refuse a URL the desk does not call: a scheme other than http(s), or (when the
    operator turned the deny-list on) a host resolving to a loopback/private/link-local
    address. Raises :class:`StoreAddressRefused`; nothing is sent."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise StoreAddressRefused("The store URL is not a valid URL.") from error
    if parsed.scheme not in SCHEMES:
        raise StoreAddressRefused("The desk only calls http:// and https:// URLs.")
    if not block_private_addresses():
        return
    where = _where(url)
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        infos = socket.getaddrinfo(parsed.host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise StoreUnreachable(_unreachable(where)) from error
    if any(_refused_address(str(info[4][0])) for info in infos):
        raise StoreAddressRefused(
            f"The store at {where} resolves to a private, loopback or link-local address, "
            "which this desk is set not to call."
        )


def _unreachable(where: str) -> str:
    # One message for DNS failure, refusal and timeout alike: the form is no port scanner.
    return f"Could not connect to host {where}: check the URL, and that the store is online."


def _exchange(client: httpx.Client, request: httpx.Request, url: str) -> RawAnswer:
    """Send one request and read its answer within the byte cap and the deadline."""
    check_destination(str(request.url))
    where = _where(url)
    began = time.monotonic()
    deadline = began + REQUEST_DEADLINE
    try:
        response = client.send(request, stream=True)
    except (httpx.TransportError, OSError) as error:
        raise StoreUnreachable(_unreachable(where)) from error
    try:
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")[:100]
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
            raise _too_large(status, content_type)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                raise _too_large(status, content_type)
            if time.monotonic() > deadline:
                raise StoreTimedOut(
                    f"The store at {where} took longer than {REQUEST_DEADLINE:.0f} seconds "
                    "to answer; the desk stopped reading.",
                    status=status,
                )
            chunks.append(chunk)
    except httpx.TimeoutException as error:
        raise StoreTimedOut(
            f"The store at {where} stopped sending its answer for {TIMEOUT.read:.0f} seconds; "
            "the desk gave up.",
            status=response.status_code,
        ) from error
    except httpx.HTTPError as error:
        raise StoreUnreachable(
            f"The connection to {where} broke off during the answer.", status=response.status_code
        ) from error
    finally:
        response.close()
    return RawAnswer(
        status,
        content_type,
        response.headers.get("Location", ""),
        b"".join(chunks),
        int((time.monotonic() - began) * 1000),
    )


def _size(count: int) -> str:
    return f"{count // 1_000_000} MB" if count >= 1_000_000 else f"{count:,} bytes"


def _too_large(status: int, content_type: str) -> StoreAnswerTooLarge:
    return StoreAnswerTooLarge(
        f"The store's answer ({_status_and_type(status, content_type)}) is larger "
        f"than {_size(MAX_ANSWER_BYTES)}; the desk stopped reading it. A smaller "
        "page size on the store fixes this.",
        status=status,
    )


def _quoted(answer: RawAnswer, secrets: tuple[str, ...]) -> str:
    """A short plain-text reason as the protocol asks stores to give, else nothing.

    Only a ``text/plain`` body of a few words is quoted; a page of HTML, XML or anything
    long is described by its status and content type alone.
    """
    if not answer.content_type.lower().startswith("text/plain"):
        return ""
    text = answer.body[: QUOTE_CHARS * 4].decode("utf-8", errors="replace").strip()
    if not text or len(text) > QUOTE_CHARS or "<" in text or "\n" in text:
        return ""
    return f" It said: {redact(text, secrets=secrets, limit=QUOTE_CHARS)!r}"


def _described(answer: RawAnswer) -> str:
    return _status_and_type(answer.status, answer.content_type)


def _status_and_type(status: int, content_type: str) -> str:
    """``HTTP 404 (text/html)``: all the desk quotes of an answer it does not understand."""
    kind = content_type.split(";")[0].strip()[:60] or "no content type"
    return f"HTTP {status} ({redact(kind, limit=60)})"


def _not_an_endpoint(answer: RawAnswer, why: str = "") -> str:
    return (
        f"No Custom Store endpoint at this URL: it answered {_described(answer)}{why} — "
        f"a Custom Store URL usually ends in {ENDPOINT_HINT}."
    )


def _check_status(answer: RawAnswer, connection: StoreConnection) -> None:
    status = answer.status
    secrets = (connection.password,)
    quoted = _quoted(answer, secrets)
    if status in (401, 403):
        hint = (
            ""
            if connection.credentials_in_query
            else " (If it reads only the SS-UserName/SS-Password query, choose that under "
            "“Send credentials”.)"
        )
        raise StoreRejectedCredentials(
            f"The store refused the username or password (HTTP {status}).{quoted}{hint}",
            status=status,
        )
    if 300 <= status < 400:
        target = redact(redact_url(answer.location), secrets=secrets, limit=200)
        where = f" to {target}" if target else ""
        raise StoreHttpError(
            f"The URL redirects (HTTP {status}){where}: a Custom Store endpoint answers "
            f"directly; enter the final URL (it usually ends in {ENDPOINT_HINT}).",
            status=status,
        )
    if status in (404, 405, 410):
        raise StoreHttpError(_not_an_endpoint(answer), status=status)
    if not 200 <= status < 300:
        raise StoreHttpError(f"The store answered {_described(answer)}.{quoted}", status=status)


def _auth_params(connection: StoreConnection) -> list[tuple[str, str]]:
    if not connection.credentials_in_query:
        return []
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
    headers: dict[str, str] = {}
    if connection.credentials_in_header:
        # Basic auth is sent up front, without waiting for a challenge (as ShipStation does).
        headers["Authorization"] = f"Basic {base64.b64encode(pair).decode('ascii')}"
    if content is not None:
        headers["Content-Type"] = "application/xml; charset=utf-8"
    return client.build_request(method, url, content=content, headers=headers)


def fetch_export_answer(
    client: httpx.Client,
    connection: StoreConnection,
    start: datetime,
    end: datetime,
    page: int,
) -> RawAnswer:
    """GET one export page as it comes, judged by no one (whatever its status).

    Still bounded like every call (scheme, private addresses, byte cap, deadline); raises
    only for those and for a broken connection.
    """
    params = [
        ("action", "export"),
        ("start_date", format_wire_datetime(start)),
        ("end_date", format_wire_datetime(end)),
        ("page", str(page)),
    ]
    return _exchange(client, _request(client, "GET", connection, params), connection.url)


def fetch_export_page(
    client: httpx.Client,
    connection: StoreConnection,
    start: datetime,
    end: datetime,
    page: int,
) -> FetchedPage:
    """GET one export page and read it leniently; raises a :class:`StoreError`."""
    answer = fetch_export_answer(client, connection, start, end, page)
    elapsed_ms = answer.elapsed_ms
    _check_status(answer, connection)
    body = answer.body
    if not body.strip():
        raise StoreAnswerNotXml(
            f"The store's answer ({_described(answer)}) is empty: an export answers "
            "an <Orders> document.",
            status=answer.status,
        )
    try:
        orders = parse_orders(body, max_bytes=MAX_ANSWER_BYTES)
    except (MalformedXmlError, UnsafeXmlError) as error:
        if "html" in answer.content_type.lower() or body.lstrip()[:15].lower().startswith(
            (b"<!doctype", b"<html")
        ):
            raise StoreAnswerNotXml(_not_an_endpoint(answer), status=answer.status) from error
        raise StoreAnswerNotXml(
            f"The store's answer ({_described(answer)}) is not XML: an export answers an "
            "<Orders> document.",
            status=answer.status,
        ) from error
    except XmlTooLargeError as error:
        raise StoreAnswerTooLarge(
            f"The store's answer was refused: {error}.", status=answer.status
        ) from error
    except OrdersDocumentError as error:
        raise StoreAnswerNotOrders(
            _not_an_endpoint(answer, f", XML in which {error}"), status=answer.status
        ) from error
    return FetchedPage(
        page=orders,
        status=answer.status,
        content_type=answer.content_type,
        elapsed_ms=elapsed_ms,
        excerpt=excerpt(body, (connection.password,)),
        size=len(body),
    )


@dataclass
class ExportWalk:
    """Export pages 1…P of one window, in order, within a page cap and a deadline.

    Iterate it for the pages; afterwards ``pages_total`` is what the store announced,
    ``pages_fetched`` how many were read, and ``stopped`` why it ended early ("" when every
    page was read). A failing page raises its :class:`StoreError` from the iteration.
    """

    client: httpx.Client
    connection: StoreConnection
    start: datetime
    end: datetime
    max_pages: int
    deadline_seconds: float
    max_bytes: int
    pages_total: int = 1
    pages_fetched: int = 0
    bytes_read: int = 0
    stopped: str = ""
    _began: float = field(default_factory=lambda: time.monotonic())

    def __iter__(self) -> Iterator[FetchedPage]:
        page_number = 1
        while page_number <= self.pages_total:
            limit = ""
            if page_number > self.max_pages:
                limit = f"the limit of {self.max_pages} pages"
            elif time.monotonic() - self._began > self.deadline_seconds:
                limit = f"the limit of {self.deadline_seconds:.0f} seconds"
            elif self.bytes_read > self.max_bytes:
                limit = f"the limit of {_size(self.max_bytes)}"
            if limit:
                self.stopped = (
                    f"stopped after {self.pages_fetched} of {self.pages_total} pages, at {limit}"
                )
                return
            fetched = fetch_export_page(
                self.client, self.connection, self.start, self.end, page_number
            )
            self.bytes_read += fetched.size
            if page_number == 1:
                self.pages_total = fetched.page.pages
            self.pages_fetched = page_number
            yield fetched
            page_number += 1


def post_notice_body(
    client: httpx.Client, connection: StoreConnection, order_number: str, body: bytes
) -> RawAnswer:
    """POST any body as a ship notice for ``order_number`` and return the answer unjudged.

    The conformance checker sends well-formed and deliberately malformed notices this way.
    """
    params = [("action", "shipnotify"), ("order_number", order_number)]
    request = _request(client, "POST", connection, params, content=body)
    return _exchange(client, request, connection.url)


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
    answer = _exchange(client, request, connection.url)
    _check_status(answer, connection)
    return NoticeAnswer(status=answer.status, excerpt=excerpt(answer.body, (connection.password,)))
