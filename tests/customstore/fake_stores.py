"""Deliberately broken Custom Stores, served through ``httpx.MockTransport``.

Each :class:`FakeStore` renders its ``<Orders>`` by hand (sharing no code with the hub) and
answers correctly unless one of its bugs is switched on; each bug is one that store
platforms' trackers are full of.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx

URL = "https://store.example/shipstation"
USERNAME = "checker"
PASSWORD = "s3cret-Pass!"
#: The checker's clock in these tests; its window ends a minute before.
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@dataclass
class FakeOrder:
    number: str
    modified: datetime
    company: str = "Lima & Filhos"


def _minute(text: str) -> datetime:
    return datetime.strptime(text, "%m/%d/%Y %H:%M").replace(tzinfo=UTC)


@dataclass
class FakeStore:
    orders: list[FakeOrder]
    page_size: int = 2
    #: Bugs, all off by default.
    offset_paging_with_edits: bool = False
    local_time_dates: bool = False
    unescaped_ampersands: bool = False
    html_error_pages: bool = False
    duplicate_shipments: bool = False
    accepts_malformed_notices: bool = False
    #: The export page whose request drops the connection (0: none).
    drops_connection_on_page: int = 0
    shipments: list[str] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _authorised(self, request: httpx.Request, query: dict[str, str]) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        else:
            user, password = query.get("SS-UserName", ""), query.get("SS-Password", "")
        return (user, password) == (USERNAME, PASSWORD)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if not self._authorised(request, query):
            if self.html_error_pages:
                return httpx.Response(
                    200,
                    text="<html><body>Login failed</body></html>",
                    headers={"Content-Type": "text/html"},
                )
            return httpx.Response(401, text="Bad login")
        if request.method == "POST":
            return self.notify(request)
        return self.export(query)

    def _in_window(self, query: dict[str, str]) -> list[FakeOrder]:
        start = _minute(query["start_date"])
        end = _minute(query["end_date"]) + timedelta(minutes=1)
        chosen = [order for order in self.orders if start <= order.modified < end]
        return sorted(chosen, key=lambda order: (order.modified, order.number))

    def export(self, query: dict[str, str]) -> httpx.Response:
        page = int(query.get("page", "1"))
        if page == self.drops_connection_on_page:
            raise httpx.ConnectError("connection reset by peer")
        if self.offset_paging_with_edits and page == 2:
            # Someone edits the oldest order of the window while ShipStation pages.
            edited = self._in_window(query)[0]
            edited.modified = NOW + timedelta(minutes=5)
        chosen = self._in_window(query)
        pages = max(1, -(-len(chosen) // self.page_size))
        served = chosen[(page - 1) * self.page_size : page * self.page_size]
        body = f'<?xml version="1.0" encoding="utf-8"?><Orders pages="{pages}">'
        body += "".join(self.render(order) for order in served) + "</Orders>"
        return httpx.Response(
            200, content=body.encode(), headers={"Content-Type": "application/xml"}
        )

    def render(self, order: FakeOrder) -> str:
        modified = order.modified - timedelta(hours=5) if self.local_time_dates else order.modified
        company = (
            order.company if self.unescaped_ampersands else order.company.replace("&", "&amp;")
        )
        stamp = f"{modified:%m/%d/%Y %H:%M}"
        return (
            f"<Order><OrderID>{order.number}</OrderID><OrderNumber>{order.number}</OrderNumber>"
            f"<OrderDate>{stamp}</OrderDate><OrderStatus>paid</OrderStatus>"
            f"<LastModified>{stamp}</LastModified><OrderTotal>27.00</OrderTotal>"
            "<TaxAmount>2.00</TaxAmount><ShippingAmount>5.00</ShippingAmount>"
            "<Customer><CustomerCode>ana@example.com</CustomerCode>"
            "<BillTo><Name>Ana Lima</Name></BillTo>"
            f"<ShipTo><Name>Ana Lima</Name><Company>{company}</Company>"
            "<Address1>12 Main St</Address1><City>Springfield</City><State>IL</State>"
            "<PostalCode>62701</PostalCode><Country>US</Country></ShipTo></Customer>"
            "<Items><Item><SKU>MUG-RED</SKU><Name>Red mug</Name><Quantity>2</Quantity>"
            "<UnitPrice>10.00</UnitPrice></Item></Items></Order>"
        )

    def notify(self, request: httpx.Request) -> httpx.Response:
        body = request.content.decode()
        malformed = "<ShipNotice" not in body[:100] or "x</ShipDate>" in body
        if malformed and not self.accepts_malformed_notices:
            return httpx.Response(400, text="Malformed ship notice")
        if body in self.shipments and not self.duplicate_shipments:
            number = self.shipments.index(body) + 1
            return httpx.Response(200, text=f"OK: shipment {number} was already recorded")
        self.shipments.append(body)
        return httpx.Response(200, text=f"OK: recorded shipment {len(self.shipments)}")


def healthy_orders() -> list[FakeOrder]:
    """Five orders spread over the last day, the window's edges well clear."""
    return [FakeOrder(f"F-{n}", NOW - timedelta(hours=10 - n, minutes=7)) for n in range(1, 6)]
