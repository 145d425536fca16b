"""The baselines: the least code doing the Custom Store's work, with no framework.

Two bare WSGI callables for gunicorn (``crossdock.bench.baseline:export_app`` and
``…:notice_app``), reading the hub's own tables with plain ``sqlite3`` or ``psycopg`` and
building the document with f-strings and ``html.escape``. The export signs in against the
stored integration (its row and a constant-time compare of the keyed hash the hub keeps)
and writes, for the benchmark's orders, the very document the hub writes (see
:func:`export_app` for what it leaves out); the notice app checks a Basic-auth pair given in
the environment. This module imports no Django and nothing of Crossdock's.

Environment: ``BENCH_DB`` (a SQLite file, or a ``postgres://`` URL), ``BENCH_HASH_KEY``
(the hub's hash key), ``BENCH_PAGE_SIZE``; for the notices ``BENCH_ACCOUNT`` (the account
id), ``BENCH_USERNAME`` and ``BENCH_PASSWORD``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import sqlite3
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any
from urllib.parse import parse_qs

#: Amounts are written to the cent.
CENT = Decimal("0.01")

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
    """The notice baseline's check: the Basic-auth pair given in the environment."""
    expected = f"{os.environ['BENCH_USERNAME']}:{os.environ['BENCH_PASSWORD']}".encode()
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    try:
        given = base64.b64decode(value)
    except ValueError:
        return False
    return scheme.lower() == "basic" and hmac.compare_digest(given, expected)


def _integration(environ: dict[str, Any]) -> tuple[int, bool] | None:
    """The export's check, against the stored credential: the integration's row by username,
    then a constant-time compare of the password's HMAC-SHA256 under the hub's hash key (the
    hash the hub stores). Its account and whether third-party fulfilment is left out."""
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    try:
        username, _, password = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return None
    if scheme.lower() != "basic":
        return None
    found = _rows(
        "SELECT account_id, password_hash, exclude_external_fulfillment "
        "FROM shipstation_shipstationintegration WHERE username = %s AND revoked_at IS NULL",
        (username,),
    )
    if not found:
        return None
    account, stored, exclude = found[0]
    given = hmac.new(os.environ["BENCH_HASH_KEY"].encode(), password.encode(), hashlib.sha256)
    return (account, bool(exclude)) if hmac.compare_digest(given.hexdigest(), stored) else None


def _moment(value: str) -> datetime:
    return datetime.strptime(value, "%m/%d/%Y %H:%M")


def _stored(moment: datetime) -> object:
    if isinstance(_connection(), sqlite3.Connection):
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M:%S+00:00")


def _wire(value: object) -> str:
    """A stored UTC moment (SQLite's text, or PostgreSQL's datetime) as ``MM/dd/yyyy HH:mm``."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%m/%d/%Y %H:%M")
    text = str(value)
    return f"{text[5:7]}/{text[8:10]}/{text[:4]} {text[11:16]}"


def _code(tag: str, value: str) -> str:
    return f"<{tag}>{escape(value, quote=False)}</{tag}>"


def _free(tag: str, value: str) -> str:
    return f"<{tag}><![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]></{tag}>"


def _code_if(tag: str, value: str) -> str:
    return _code(tag, value) if value else ""


def _free_if(tag: str, value: str) -> str:
    return _free(tag, value) if value else ""


def _money(value: Any) -> Decimal:
    """A stored amount (SQLite's number, PostgreSQL's decimal) to the cent."""
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


#: A stored weight unit → ShipStation's, and the factor (kilograms go as grams).
UNITS = {"g": ("Grams", 1), "kg": ("Grams", 1000), "oz": ("Ounces", 1), "lb": ("Pounds", 1)}

ADDRESS = (
    "name",
    "company",
    "phone",
    "email",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
)
ORDER_COLUMNS = ", ".join(
    (
        "o.id, o.number, o.placed_at, o.modified_at, o.status, s.name, o.customer_code",
        "o.customer_email, o.requested_shipping_service, o.payment_method, o.currency, o.tax",
        "o.shipping_paid, o.customer_notes, o.internal_notes, o.gift, o.gift_message, c.name",
        *(f"o.bill_to_{name}" for name in ADDRESS),
        *(f"o.ship_to_{name}" for name in ADDRESS),
    )
)
LINE_COLUMNS = (
    "order_id, id, sku, name, quantity, unit_price, weight_value, weight_unit, options, "
    "location, upc"
)


def _item(line: tuple[Any, ...]) -> tuple[str, Decimal]:
    """One ``<Item>``, and what it adds to the total."""
    line_id, sku, name, quantity, price, weight, unit, options, location, upc = line
    weight_xml = ""
    if unit:
        units, factor = UNITS[unit]
        weight_xml = (
            f"<Weight>{_money(Decimal(str(weight)) * factor)}</Weight>"
            f"<WeightUnits>{units}</WeightUnits>"
        )
    chosen = json.loads(options) if isinstance(options, str) else options
    options_xml = "".join(
        f"<Option>{_free('Name', option['name'])}{_free('Value', option['value'])}</Option>"
        for option in chosen
    )
    amount = _money(price)
    return (
        f"<Item><LineItemID>{line_id}</LineItemID>{_code('SKU', sku)}{_free('Name', name)}"
        f"{weight_xml}<Quantity>{quantity}</Quantity><UnitPrice>{amount}</UnitPrice>"
        f"{_code_if('UPC', upc)}{_free_if('Location', location)}"
        f"{f'<Options>{options_xml}</Options>' if options_xml else ''}</Item>"
    ), amount * quantity


def _address(tag: str, values: tuple[Any, ...], ship: bool) -> str:
    name, company, phone, email, address1, address2, city, state, postal, country = values
    if ship:
        return (
            f"<ShipTo>{_free('Name', name)}{_free_if('Company', company)}"
            f"{_free('Address1', address1)}{_free_if('Address2', address2)}"
            f"{_free('City', city)}{_free_if('State', state)}{_code('PostalCode', postal)}"
            f"<Country>{country}</Country>{_code_if('Phone', phone)}</ShipTo>"
        )
    return (
        f"<BillTo>{_free('Name', name)}{_free_if('Company', company)}"
        f"{_code_if('Phone', phone)}{_code_if('Email', email)}"
        f"{_free_if('Address1', address1)}{_free_if('Address2', address2)}"
        f"{_free_if('City', city)}{_free_if('State', state)}{_code_if('PostalCode', postal)}"
        f"{f'<Country>{country}</Country>' if country else ''}</BillTo>"
    )


def _order_xml(row: tuple[Any, ...], lines: list[tuple[Any, ...]]) -> str:
    (order_id, number, placed, modified, status, custom_status, code, email, method, payment,
     currency, tax, shipping, notes, internal, gift, message, source) = row[:18]  # fmt: skip
    bill, ship = row[18:28], row[28:38]
    if not bill[0]:
        bill = (ship[0], *bill[1:])
    items = [_item(line) for line in lines]
    total = sum((added for _, added in items), start=_money(shipping) + _money(tax))
    code = code or email or bill[3] or ship[3] or f"order-{order_id}"
    return (
        f"<Order><OrderID>{order_id}</OrderID>{_code('OrderNumber', number)}"
        f"<OrderDate>{_wire(placed)}</OrderDate>"
        f"{_code('OrderStatus', custom_status or status)}"
        f"<LastModified>{_wire(modified)}</LastModified>"
        f"{_free_if('ShippingMethod', method)}{_free_if('PaymentMethod', payment)}"
        f"{_code_if('CurrencyCode', currency.upper())}<OrderTotal>{total}</OrderTotal>"
        f"<TaxAmount>{_money(tax)}</TaxAmount><ShippingAmount>{_money(shipping)}</ShippingAmount>"
        f"{_free_if('CustomerNotes', notes)}{_free_if('InternalNotes', internal)}"
        f"<Gift>{'true' if gift else 'false'}</Gift>{_free_if('GiftMessage', message)}"
        f"{_free_if('Source', source)}<Customer>{_code('CustomerCode', code)}"
        f"{_address('BillTo', bill, False)}{_address('ShipTo', ship, True)}</Customer>"
        f"<Items>{''.join(xml for xml, _ in items)}</Items></Order>\n"
    )


def export_app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """``GET ?action=export&start_date=…&end_date=…&page=k``: offset paging, 100 a page.

    It writes the document the hub writes for the benchmark's orders, byte for byte (the
    scenario asserts it): the same elements, CDATA for free text and entities for codes,
    two-place amounts, the total summed from the lines, weights per unit, line options.
    It does not: decode stored entities, drop forbidden characters or cut to the schema's
    lengths, send what is left of partly shipped orders, spread an order weight, send
    discounts, kits, bin locations, custom fields or image URLs, record skipped orders or
    page boundaries (offsets, so an order edited while paging can be lost), throttle
    failed sign-ins, or answer anything but a page.
    """
    signed_in = _integration(environ)
    if signed_in is None:
        return _answer(start_response, "401 Unauthorized", b"auth\n")
    account, exclude_external = signed_in
    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    start = _moment(query["start_date"])
    end = _moment(query["end_date"]) + timedelta(minutes=1)
    page = int(query.get("page", "1"))
    size = int(os.environ["BENCH_PAGE_SIZE"])
    window = "o.account_id = %s AND o.modified_at >= %s AND o.modified_at < %s"
    if exclude_external:
        window += " AND o.fulfillment_source IN ('merchant', '')"
    params = (account, _stored(start), _stored(end))
    count = _rows(f"SELECT count(*) FROM orders_order o WHERE {window}", params)[0][0]
    orders = _rows(
        f"SELECT {ORDER_COLUMNS} FROM orders_order o "
        "JOIN channels_channel c ON c.id = o.channel_id "
        "LEFT JOIN orders_customstatus s ON s.id = o.custom_status_id "
        f"WHERE {window} ORDER BY o.modified_at, o.id LIMIT %s OFFSET %s",
        (*params, size, (page - 1) * size),
    )
    lines: dict[int, list[tuple[Any, ...]]] = {}
    if orders:
        marks = ", ".join("%s" for _ in orders)
        for order_id, *line in _rows(
            f"SELECT {LINE_COLUMNS} FROM orders_orderline "
            f"WHERE order_id IN ({marks}) ORDER BY order_id, position, id",
            [row[0] for row in orders],
        ):
            lines.setdefault(order_id, []).append(tuple(line))
    pages = max(1, math.ceil(count / size))
    body = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<Orders pages="{pages}">\n'
        + "".join(_order_xml(row, lines.get(row[0], [])) for row in orders)
        + "</Orders>\n"
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
