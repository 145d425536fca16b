"""A second, independent Custom Store, written in the tests from the protocol document.

It shares no code with Crossdock's own endpoint or the desk's reader: it renders its own
XML by hand, with the quirks real stores have (no ``OrderID``, 12-hour dates with AM/PM,
CDATA around every value, no ``pages`` attribute when it does not page). It serves on
127.0.0.1 from a thread, checks HTTP Basic or the ``SS-*`` pair, filters on the
last-modified window, pages, and records every ship notice posted to it.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def cdata(value: object) -> str:
    text = str(value)
    # A literal "]]>" must be split across two sections (protocol §5).
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def twelve_hour(moment: datetime) -> str:
    """``11/27/2026 2:05:09 PM``: the shape many older stores write."""
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%m/%d/%Y} {hour}:{moment:%M:%S} {suffix}"


@dataclass
class StoreItem:
    sku: str
    name: str
    quantity: int
    unit_price: str
    line_item_id: str = ""
    image_url: str = ""
    weight: str = ""
    weight_units: str = ""
    location: str = ""
    adjustment: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class StoreOrder:
    number: str
    status: str
    modified: datetime
    items: list[StoreItem]
    placed: datetime | None = None
    order_id: str = ""
    email: str = "buyer@example.com"
    ship_to_name: str = "Ada Lovelace"
    country: str = "GB"
    extra: dict[str, str] = field(default_factory=dict)
    raw: str = ""


def render_order(order: StoreOrder) -> str:
    if order.raw:
        return order.raw
    placed = order.placed or order.modified - timedelta(hours=1)
    parts = ["<Order>"]
    if order.order_id:
        parts.append(f"<OrderID>{cdata(order.order_id)}</OrderID>")
    parts += [
        f"<OrderNumber>{cdata(order.number)}</OrderNumber>",
        f"<OrderDate>{twelve_hour(placed)}</OrderDate>",
        f"<OrderStatus>{cdata(order.status)}</OrderStatus>",
        f"<LastModified>{twelve_hour(order.modified)}</LastModified>",
        "<ThisStoreOnlyElement>ignored by readers</ThisStoreOnlyElement>",
    ]
    parts += [f"<{tag}>{cdata(value)}</{tag}>" for tag, value in order.extra.items()]
    if "OrderTotal" not in order.extra:
        parts.append("<OrderTotal>0.00</OrderTotal>")
    parts += [
        "<Customer>",
        f"<CustomerCode>{cdata(order.email)}</CustomerCode>",
        f"<BillTo><Name>{cdata(order.ship_to_name)}</Name><Email>{cdata(order.email)}</Email>"
        "</BillTo>",
        f"<ShipTo><Name>{cdata(order.ship_to_name)}</Name>"
        f"<Address1>{cdata('12 Example Road')}</Address1><City>{cdata('London')}</City>"
        f"<PostalCode>{cdata('SW1Y 4JH')}</PostalCode><Country>{cdata(order.country)}</Country>"
        f"<Phone>{cdata('+44 20 7946 0018')}</Phone></ShipTo>",
        "</Customer>",
        "<Items>",
    ]
    for item in order.items:
        parts.append("<Item>")
        if item.line_item_id:
            parts.append(f"<LineItemID>{cdata(item.line_item_id)}</LineItemID>")
        parts += [
            f"<SKU>{cdata(item.sku)}</SKU>",
            f"<Name>{cdata(item.name)}</Name>",
            f"<Quantity>{item.quantity}</Quantity>",
            f"<UnitPrice>{item.unit_price}</UnitPrice>",
        ]
        if item.adjustment:
            parts.append("<Adjustment>true</Adjustment>")
        if item.image_url:
            parts.append(f"<ImageUrl>{cdata(item.image_url)}</ImageUrl>")
        if item.weight:
            parts.append(f"<Weight>{item.weight}</Weight>")
        if item.weight_units:
            parts.append(f"<WeightUnits>{item.weight_units}</WeightUnits>")
        if item.location:
            parts.append(f"<Location>{cdata(item.location)}</Location>")
        if item.options:
            parts.append("<Options>")
            parts += [
                f"<Option><Name>{cdata(name)}</Name><Value>{cdata(value)}</Value></Option>"
                for name, value in item.options
            ]
            parts.append("</Options>")
        parts.append("</Item>")
    parts += ["</Items>", "</Order>"]
    return "".join(parts)


def _minute(text: str) -> datetime:
    return datetime.strptime(text, "%m/%d/%Y %H:%M").replace(tzinfo=UTC)


@dataclass
class Answer:
    """A canned answer for the next requests (for connection error tests)."""

    status: int
    body: bytes
    content_type: str = "text/plain"
    headers: dict[str, str] = field(default_factory=dict)


class IndependentStore:
    """The store's state and its HTTP server (start with :meth:`start`, stop with :meth:`stop`)."""

    def __init__(self, username: str = "shipper", password: str = "s3cret pass/+") -> None:  # noqa: S107 - a test store's login
        self.username = username
        self.password = password
        self.orders: list[StoreOrder] = []
        #: ``None``: no paging and no ``pages`` attribute (a quirk); else orders per page.
        self.page_size: int | None = None
        self.failing_pages: set[int] = set()
        self.answer: Answer | None = None
        self.exports: list[dict[str, str]] = []
        self.notices: list[tuple[dict[str, str], bytes, str]] = []
        self.notice_answer = Answer(200, b"")
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/shipstation.php?store=main"

    def start(self) -> IndependentStore:
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _reply(self, answer: Answer) -> None:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)

            def _query(self) -> dict[str, str]:
                return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

            def _authorised(self, query: dict[str, str]) -> bool:
                header = self.headers.get("Authorization", "")
                if header.startswith("Basic "):
                    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
                else:
                    user = query.get("SS-UserName", "")
                    password = query.get("SS-Password", "")
                return user == store.username and password == store.password

            def do_GET(self) -> None:
                query = self._query()
                if store.answer is not None:
                    self._reply(store.answer)
                    return
                if not self._authorised(query):
                    self._reply(
                        Answer(401, b"Bad login", headers={"WWW-Authenticate": 'Basic realm="s"'})
                    )
                    return
                if query.get("action") != "export":
                    self._reply(Answer(400, b"unknown action"))
                    return
                with store._lock:
                    store.exports.append(query)
                page = int(query.get("page", "1"))
                if page in store.failing_pages:
                    self._reply(Answer(500, b"database is down"))
                    return
                start = _minute(query["start_date"])
                end = _minute(query["end_date"]) + timedelta(minutes=1)
                chosen = sorted(
                    (o for o in store.orders if start <= o.modified < end),
                    key=lambda o: (o.modified, o.number),
                )
                if store.page_size is None:
                    head = "<Orders>"
                else:
                    pages = max(1, -(-len(chosen) // store.page_size))
                    chosen = chosen[(page - 1) * store.page_size : page * store.page_size]
                    head = f'<Orders pages="{pages}">'
                body = '<?xml version="1.0" encoding="utf-8"?>' + head
                body += "".join(render_order(order) for order in chosen) + "</Orders>"
                self._reply(Answer(200, body.encode("utf-8"), "text/xml; charset=utf-8"))

            def do_POST(self) -> None:
                query = self._query()
                if not self._authorised(query):
                    self._reply(Answer(401, b"Bad login"))
                    return
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with store._lock:
                    store.notices.append((query, body, self.headers.get("Authorization", "")))
                self._reply(store.notice_answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


#: The status strings the independent store uses, as a desk maps them.
MAPPING = {
    "unpaid": "Awaiting Payment",
    "paid": "Processing, Ready",
    "shipped": "Complete",
    "cancelled": "Cancelled",
    "on_hold": "On Hold",
}


def full_order(number: str, modified: datetime) -> StoreOrder:
    """An order with every quirk and feature: options, images, gift, notes, a coupon line."""
    return StoreOrder(
        number=number,
        status="Processing",
        modified=modified,
        extra={
            "ShippingMethod": "Royal Mail Tracked 24",
            "PaymentMethod": "PayPal",
            "CurrencyCode": "gbp",
            "OrderTotal": "52.40",
            "TaxAmount": "4.40",
            "ShippingAmount": "3.00",
            "CustomerNotes": "Leave with the neighbour & thank you",
            "InternalNotes": "VIP <customer>",
            "Gift": "true",
            "GiftMessage": "Happy birthday! ]]> from us",
            "CustomField1": "wholesale",
            "RequestedWarehouse": "Leeds",
            "Source": "eBay",
        },
        items=[
            StoreItem(
                "TEE-M",
                "Organic tee",
                2,
                "20.00",
                line_item_id="L1",
                image_url="https://img.example/tee.jpg",
                weight="6",
                weight_units="Ounces",
                location="A-01",
                options=[("Size", "M"), ("Colour", "Forest green")],
            ),
            StoreItem(
                "MUG", "Camp mug", 1, "10.00", line_item_id="L2", weight="300", weight_units="gm"
            ),
            StoreItem("", "Coupon SPRING", 1, "-5.00", line_item_id="L3", adjustment=True),
        ],
    )
