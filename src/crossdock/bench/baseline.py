"""The baselines: the least code doing the Custom Store's work, with no framework.

Two bare WSGI callables for gunicorn (``crossdock.bench.baseline:export_app`` and
``…:notice_app``), reading the hub's own tables with plain ``sqlite3`` or ``psycopg`` and
building the document with string formatting and ``html.escape``. They check a Basic-auth
pair given in the environment, and nothing else: no run bookkeeping, no skip records, no
weights or custom fields. This module imports no Django and nothing of Crossdock's.

Environment: ``BENCH_DB`` (a SQLite file, or a ``postgres://`` URL), ``BENCH_ACCOUNT``
(the account id), ``BENCH_USERNAME`` and ``BENCH_PASSWORD``, ``BENCH_PAGE_SIZE``.
"""

from __future__ import annotations

import base64
import hmac
import math
import os
import sqlite3
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qs

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

_local = threading.local()


def _connection() -> Any:
    """One connection per server thread (sqlite3 or psycopg, autocommit off)."""
    found = getattr(_local, "connection", None)
    if found is None:
        target = os.environ["BENCH_DB"]
        if target.startswith("postgres"):
            import psycopg

            found = psycopg.connect(target)
        else:
            found = sqlite3.connect(target, timeout=30, isolation_level=None)
            found.execute("PRAGMA journal_mode=WAL")
            found.execute("PRAGMA synchronous=NORMAL")
        _local.connection = found
    return found


def _sql(connection: Any, query: str) -> str:
    return query.replace("%s", "?") if isinstance(connection, sqlite3.Connection) else query


def _rows(query: str, params: Iterable[object]) -> list[tuple[Any, ...]]:
    connection = _connection()
    cursor = connection.execute(_sql(connection, query), tuple(params))
    rows = list(cursor.fetchall())
    if not isinstance(connection, sqlite3.Connection):
        connection.rollback()
    return rows


def _answer(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _authorised(environ: dict[str, Any]) -> bool:
    expected = f"{os.environ['BENCH_USERNAME']}:{os.environ['BENCH_PASSWORD']}".encode()
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    try:
        given = base64.b64decode(value)
    except ValueError:
        return False
    return scheme.lower() == "basic" and hmac.compare_digest(given, expected)


def _moment(value: str) -> datetime:
    return datetime.strptime(value, "%m/%d/%Y %H:%M")


def _stored(moment: datetime) -> object:
    if isinstance(_connection(), sqlite3.Connection):
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")


def _wire(value: object) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.strftime("%m/%d/%Y %H:%M:%S")


ORDER_COLUMNS = (
    "id, number, status, placed_at, modified_at, customer_email, bill_to_name, ship_to_name, "
    "ship_to_address1, ship_to_address2, ship_to_city, ship_to_postal_code, ship_to_country, "
    "shipping_paid, tax, customer_notes"
)


def _order_xml(row: tuple[Any, ...], lines: list[tuple[Any, ...]]) -> str:
    (order_id, number, status, placed, modified, email, bill_name, ship_name, address1,
     address2, city, postal, country, shipping, tax, notes) = row  # fmt: skip
    items = "".join(
        f"<Item><LineItemID>{line_id}</LineItemID><SKU>{escape(sku)}</SKU>"
        f"<Name>{escape(name)}</Name><Quantity>{quantity}</Quantity>"
        f"<UnitPrice>{float(price):.2f}</UnitPrice></Item>"
        for line_id, sku, name, quantity, price in lines
    )
    total = sum(float(price) * quantity for _, _, _, quantity, price in lines)
    total += float(shipping) + float(tax)
    return (
        f"<Order><OrderID>{order_id}</OrderID><OrderNumber>{escape(number)}</OrderNumber>"
        f"<OrderDate>{_wire(placed)}</OrderDate><OrderStatus>{escape(status)}</OrderStatus>"
        f"<LastModified>{_wire(modified)}</LastModified><OrderTotal>{total:.2f}</OrderTotal>"
        f"<TaxAmount>{float(tax):.2f}</TaxAmount>"
        f"<ShippingAmount>{float(shipping):.2f}</ShippingAmount>"
        f"<CustomerNotes>{escape(notes)}</CustomerNotes>"
        f"<Customer><CustomerCode>{escape(email)}</CustomerCode>"
        f"<BillTo><Name>{escape(bill_name)}</Name></BillTo>"
        f"<ShipTo><Name>{escape(ship_name)}</Name><Address1>{escape(address1)}</Address1>"
        f"<Address2>{escape(address2)}</Address2><City>{escape(city)}</City>"
        f"<PostalCode>{escape(postal)}</PostalCode><Country>{escape(country)}</Country>"
        f"</ShipTo></Customer><Items>{items}</Items></Order>"
    )


def export_app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """``GET ?action=export&start_date=…&end_date=…&page=k``: offset paging, 100 a page."""
    if not _authorised(environ):
        return _answer(start_response, "401 Unauthorized", b"auth\n")
    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    start = _moment(query["start_date"])
    end = _moment(query["end_date"]) + timedelta(minutes=1)
    page = int(query.get("page", "1"))
    size = int(os.environ["BENCH_PAGE_SIZE"])
    window = "account_id = %s AND modified_at >= %s AND modified_at < %s"
    params = (int(os.environ["BENCH_ACCOUNT"]), _stored(start), _stored(end))
    count = _rows(f"SELECT count(*) FROM orders_order WHERE {window}", params)[0][0]
    orders = _rows(
        f"SELECT {ORDER_COLUMNS} FROM orders_order WHERE {window} "
        "ORDER BY modified_at, id LIMIT %s OFFSET %s",
        (*params, size, (page - 1) * size),
    )
    lines: dict[int, list[tuple[Any, ...]]] = {}
    if orders:
        marks = ", ".join("%s" for _ in orders)
        for order_id, *line in _rows(
            "SELECT order_id, id, sku, name, quantity, unit_price FROM orders_orderline "
            f"WHERE order_id IN ({marks}) ORDER BY order_id, position, id",
            [row[0] for row in orders],
        ):
            lines.setdefault(order_id, []).append(tuple(line))
    pages = max(1, math.ceil(count / size))
    body = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Orders pages="{pages}">'
        + "".join(_order_xml(row, lines.get(row[0], [])) for row in orders)
        + "</Orders>"
    ).encode("utf-8")
    start_response(
        "200 OK",
        [("Content-Type", "application/xml; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


NOTICE_TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_notice (order_id integer NOT NULL, "
    "tracking_number varchar(100) NOT NULL, carrier varchar(50) NOT NULL, "
    "PRIMARY KEY (order_id, tracking_number))"
)


def notice_app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """``POST ?action=shipnotify``: parse the notice, record it once, mark the order shipped."""
    if not _authorised(environ):
        return _answer(start_response, "401 Unauthorized", b"auth\n")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    notice = ElementTree.fromstring(environ["wsgi.input"].read(length))
    order_id = int(notice.findtext("OrderID") or 0)
    tracking = notice.findtext("TrackingNumber") or ""
    carrier = notice.findtext("Carrier") or ""
    connection = _connection()
    sqlite = isinstance(connection, sqlite3.Connection)
    if sqlite:
        connection.execute("BEGIN IMMEDIATE")
    found = connection.execute(
        _sql(connection, "SELECT id FROM orders_order WHERE id = %s AND account_id = %s"),
        (order_id, int(os.environ["BENCH_ACCOUNT"])),
    ).fetchone()
    if found is None:
        connection.rollback()
        return _answer(start_response, "404 Not Found", b"unknown order\n")
    inserted = connection.execute(
        _sql(
            connection,
            "INSERT INTO bench_notice (order_id, tracking_number, carrier) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
        ),
        (order_id, tracking, carrier),
    ).rowcount
    if inserted:
        connection.execute(
            _sql(connection, "UPDATE orders_order SET status = 'shipped' WHERE id = %s"),
            (order_id,),
        )
    connection.commit() if not sqlite else connection.execute("COMMIT")
    return _answer(start_response, "200 OK", b"OK: recorded\n" if inserted else b"OK: already\n")
