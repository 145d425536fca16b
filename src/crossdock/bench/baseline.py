"""The baselines: the least code doing the Custom Store's work, with no framework.

Two bare WSGI callables for gunicorn (``crossdock.bench.baseline:export_app`` and
``…:notice_app``), reading the hub's own tables with plain ``sqlite3`` or ``psycopg`` and
building the document with string formatting and ``html.escape``. They check a Basic-auth
pair given in the environment, and nothing else: no run bookkeeping, no skip records, no
weights or custom fields. This module imports no Django and nothing of Crossdock's.

Environment: ``BENCH_DB`` (a SQLite file, or a ``postgres://`` URL), ``BENCH_ACCOUNT``
(the account id), ``BENCH_USERNAME`` and ``BENCH_PASSWORD``, ``BENCH_PAGE_SIZE``; the
notice app checks the pair against the integration's stored hash under ``BENCH_HASH_KEY``
and records a notice in the hub's own tables (see :func:`notice_app`).
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


def _stored_now(connection: Any) -> str:
    """Now, as the hub's tables keep a moment (UTC; PostgreSQL with its offset)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    if isinstance(connection, sqlite3.Connection):
        return now.strftime("%Y-%m-%d %H:%M:%S.%f")
    return now.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


def _notice_integration(environ: dict[str, Any]) -> tuple[int, str, bool] | None:
    """The integration a Basic-auth pair opens: its account, name and write-back flag.

    The same kind of check as the hub's: the integration is read by username (revoked ones
    never match) and the password's HMAC-SHA256 under the hash key compared in constant time
    with the stored hash (``BENCH_HASH_KEY``). No lock-out counting, no password overlap
    after a rotation, no ``last_request_at``: the bench never fails a sign-in or rotates.
    """
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    try:
        username, _, password = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return None
    if scheme.lower() != "basic":
        return None
    rows = _rows(
        "SELECT account_id, name, write_back, password_hash "
        "FROM shipstation_shipstationintegration WHERE username = %s AND revoked_at IS NULL",
        (username,),
    )
    key = os.environ["BENCH_HASH_KEY"].encode()
    given = hmac.new(key, password.encode(), hashlib.sha256).hexdigest()
    if not rows or not hmac.compare_digest(given, rows[0][3]):
        return None
    account, name, write_back, _ = rows[0]
    return int(account), str(name), bool(write_back)


def _already(answer: StartResponse, fulfillment_id: int) -> list[bytes]:
    return _answer(
        answer, "200 OK", f"OK: shipment {fulfillment_id} was already recorded\n".encode()
    )


def notice_app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """``POST ?action=shipnotify``: the hub's observable work for a whole-order notice.

    What it does, each step the least code for what the hub does with the bench's notices:
    checks the Basic-auth pair against the stored hashed credential, parses the notice
    with ElementTree, finds the order by ``OrderID`` in the integration's account, answers
    a repeat (same order, same dedupe key: carrier case-folded and tracking number, hashed
    as the hub does) from one read, and otherwise, in one write transaction (``BEGIN
    IMMEDIATE`` on SQLite, the order's lines locked ``FOR UPDATE`` on PostgreSQL): reads
    the lines, inserts the fulfillment (``ON CONFLICT DO NOTHING``: a concurrent duplicate
    writes nothing), one fulfillment line per line with units left, ships those lines in
    full, marks the order shipped (``modified_at`` moves, a hold and custom status end),
    writes the ``shipment_recorded`` event and, for an order from a real channel with the
    integration's write-back on, the pending write-back row. The rows are the hub's own
    tables, so the harness compares them after each round.

    What it does not do: notices naming items (every bench notice ships the whole order),
    cancelled orders, kits, stock, over-shipments, carrier names beyond case-folding,
    lock-out counting, and the write-back's delivery job (a bare worker would poll the
    write-back table instead).
    """
    found = _notice_integration(environ)
    if found is None:
        return _answer(start_response, "401 Unauthorized", b"auth\n")
    account, integration_name, write_back = found
    length = int(environ.get("CONTENT_LENGTH") or 0)
    notice = ElementTree.fromstring(environ["wsgi.input"].read(length))
    order_id = int(notice.findtext("OrderID") or 0)
    carrier = (notice.findtext("Carrier") or "").strip()
    service = (notice.findtext("Service") or "").strip()
    tracking = (notice.findtext("TrackingNumber") or "").strip()
    cost = notice.findtext("ShippingCost")
    key = hashlib.sha256(f"tracking\0{carrier.casefold()}\0{tracking}".encode()).hexdigest()
    connection = _connection()
    sqlite = isinstance(connection, sqlite3.Connection)
    orders = _rows(
        "SELECT o.channel_id, c.kind, o.number FROM orders_order o "
        "JOIN channels_channel c ON c.id = o.channel_id WHERE o.id = %s AND o.account_id = %s",
        (order_id, account),
    )
    if not orders:
        return _answer(start_response, "404 Not Found", b"unknown order\n")
    channel_id, channel_kind, _ = orders[0]
    repeat = _rows(
        "SELECT id FROM fulfillment_fulfillment WHERE order_id = %s AND dedupe_key = %s",
        (order_id, key),
    )
    if repeat:
        return _already(start_response, repeat[0][0])

    def run(query: str, params: Iterable[object]) -> Any:
        return connection.execute(_sql(connection, query), tuple(params))

    now = _stored_now(connection)
    if sqlite:
        connection.execute("BEGIN IMMEDIATE")
    lock = "" if sqlite else " FOR UPDATE"
    lines = run(
        "SELECT l.id, l.quantity - l.quantity_shipped FROM orders_orderline l "
        "JOIN orders_order o ON o.id = l.order_id WHERE l.order_id = %s ORDER BY l.position, l.id"
        + lock,
        (order_id,),
    ).fetchall()
    inserted = run(
        "INSERT INTO fulfillment_fulfillment (account_id, order_id, source, carrier, "
        "carrier_code, service, tracking_number, shipping_cost, ship_date, label_created_at, "
        "notes_to_buyer, notify_customer, dedupe_key, over_shipped_units, created_at) "
        "VALUES (%s, %s, 'shipstation', %s, %s, %s, %s, %s, NULL, NULL, '', TRUE, %s, 0, %s) "
        "ON CONFLICT DO NOTHING RETURNING id",
        (account, order_id, carrier, carrier.casefold(), service, tracking, cost, key, now),
    ).fetchone()
    if inserted is None:
        connection.execute("ROLLBACK") if sqlite else connection.rollback()
        found_id = _rows(
            "SELECT id FROM fulfillment_fulfillment WHERE order_id = %s AND dedupe_key = %s",
            (order_id, key),
        )[0][0]
        return _already(start_response, found_id)
    fulfillment_id = inserted[0]
    shipped = {line_id: left for line_id, left in lines if left > 0}
    if shipped:
        connection.cursor().executemany(
            _sql(
                connection,
                "INSERT INTO fulfillment_fulfillmentline (fulfillment_id, line_id, quantity) "
                "VALUES (%s, %s, %s)",
            ),
            [(fulfillment_id, line_id, left) for line_id, left in shipped.items()],
        )
        marks = ", ".join("%s" for _ in shipped)
        run(
            f"UPDATE orders_orderline SET quantity_shipped = quantity WHERE id IN ({marks})",
            shipped,
        )
    run(
        "UPDATE orders_order SET status = 'shipped', status_before_hold = '', "
        "custom_status_id = NULL, modified_at = %s, updated_at = %s WHERE id = %s",
        (now, now, order_id),
    )
    units = sum(shipped.values())
    data = {
        "fulfillment_id": fulfillment_id,
        "source": "shipstation",
        "carrier": carrier,
        "tracking_number": tracking,
        "lines": {str(line_id): left for line_id, left in shipped.items()},
        "status": "shipped",
    }
    run(
        "INSERT INTO orders_orderevent (account_id, order_id, at, actor, kind, message, data) "
        "VALUES (%s, %s, %s, %s, 'shipment_recorded', %s, %s)",
        (
            account,
            order_id,
            now,
            f"shipstation:{integration_name}",
            f"{units} unit{'s' if units != 1 else ''} shipped ({carrier} {tracking})"[:500],
            json.dumps(data),
        ),
    )
    if write_back and units and channel_kind != "manual":
        run(
            "INSERT INTO fulfillment_writeback (account_id, fulfillment_id, channel_id, state, "
            "attempts, next_attempt_at, last_error, idempotency_key, external_id, created_at, "
            "updated_at) VALUES (%s, %s, %s, 'pending', 0, %s, '', %s, '', %s, %s)",
            (account, fulfillment_id, channel_id, now, f"crossdock-fulfillment-{fulfillment_id}",
             now, now),
        )  # fmt: skip
    connection.execute("COMMIT") if sqlite else connection.commit()
    return _answer(
        start_response,
        "200 OK",
        f"OK: recorded shipment {fulfillment_id} of order {order_id}\n".encode(),
    )
