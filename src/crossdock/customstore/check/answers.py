"""The answers the checks judge: one HTTP answer, the pages of a window, a parsed page.

An :class:`Exchange` is one answer as it came (status, content type, body, latency); a
:class:`Walk` is the export pages of one window, in order, parsed once on first use. Parsing
never raises for anything a store sends: a page that is no page carries its ``problem``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from lxml import etree

from crossdock.core.redaction import redact
from crossdock.customstore.dates import format_wire_datetime
from crossdock.customstore.reader import OrdersDocumentError, OrdersPage, ReadOrder, parse_orders
from crossdock.customstore.safexml import (
    MalformedXmlError,
    UnsafeXmlError,
    XmlTooLargeError,
    parse_untrusted,
)

#: How many offending orders a check names before it says "and N more".
NAMED = 3


@dataclass(frozen=True, slots=True)
class Exchange:
    """One answer as it came."""

    status: int
    content_type: str
    body: bytes = field(repr=False)
    elapsed_ms: int = 0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def described(self) -> str:
        kind = self.content_type.split(";")[0].strip()[:60] or "no content type"
        return f"HTTP {self.status} ({kind})"


@dataclass(frozen=True)
class Walk:
    """The export pages of one window, page 1 first (parsed once, on first use)."""

    start: datetime
    end: datetime
    pages: tuple[Exchange, ...]
    #: Why the walk stopped before the last page ("" when every page was read).
    stopped: str = ""

    @property
    def label(self) -> str:
        return f"{format_wire_datetime(self.start)} to {format_wire_datetime(self.end)}"

    @cached_property
    def parsed(self) -> list[ParsedPage]:
        # Every check reads the same pages: a page of megabytes is parsed once, not per check.
        return [parse_page(number, page) for number, page in enumerate(self.pages, start=1)]


@dataclass(frozen=True, slots=True)
class ParsedPage:
    number: int
    exchange: Exchange
    root: etree._Element | None
    orders: OrdersPage | None
    problem: str


def names(items: Iterable[str]) -> str:
    listed = list(items)
    shown = ", ".join(listed[:NAMED])
    more = len(listed) - NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def is_xml_type(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind in ("application/xml", "text/xml") or kind.endswith("+xml")


def looks_like_html(exchange: Exchange) -> bool:
    head = exchange.body.lstrip()[:15].lower()
    return "html" in exchange.content_type.lower() or head.startswith((b"<!doctype", b"<html"))


def parse_page(number: int, exchange: Exchange) -> ParsedPage:
    """Parse one export page safely; ``problem`` says why it is no usable page."""
    if not exchange.ok:
        return ParsedPage(number, exchange, None, None, f"answered {exchange.described()}")
    try:
        root = parse_untrusted(exchange.body)
    except MalformedXmlError as error:
        return ParsedPage(number, exchange, None, None, _malformed(error, exchange))
    except (UnsafeXmlError, XmlTooLargeError) as error:
        return ParsedPage(number, exchange, None, None, f"was refused: {error}")
    try:
        orders = parse_orders(exchange.body)
    except OrdersDocumentError as error:
        return ParsedPage(number, exchange, root, None, f"is XML in which {error}")
    return ParsedPage(number, exchange, root, orders, "")


def _malformed(error: MalformedXmlError, exchange: Exchange) -> str:
    where = f" at line {error.line}, column {error.column}" if error.line else ""
    text = str(error)
    if looks_like_html(exchange):
        return f"is HTML, not XML ({exchange.described()})"
    if "EntityRef" in text or "entity" in text.lower():
        return f"is not well-formed XML{where}: an unescaped ampersand (write &amp;)"
    if "StartTag" in text or "invalid element name" in text:
        return f"is not well-formed XML{where}: an unescaped < (write &lt;)"
    return f"is not well-formed XML{where}: {redact(text, limit=120)}"


def parse_walk(walk: Walk) -> list[ParsedPage]:
    return walk.parsed


def served_orders(parsed: Iterable[ParsedPage]) -> list[ReadOrder]:
    return [order for page in parsed if page.orders for order in page.orders.orders]
