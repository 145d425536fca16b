"""The baselines: the least code doing the Custom Store's work, with no framework.

Two bare WSGI callables for gunicorn (``crossdock.bench.baseline:export_app`` and
``…:notice_app``), reading the hub's own tables with plain ``sqlite3`` or ``psycopg`` and
building the document with f-strings and ``html.escape``. The export signs in against the
stored integration (its row and a constant-time compare of the keyed hash the hub keeps)
and writes, for the benchmark's orders, the very document the hub writes (see
:func:`export_app` for what it leaves out); the notice app signs in the same way and writes
the rows the hub writes for a shipment. This module imports no Django and nothing of Crossdock's.

Environment: ``BENCH_DB`` (a SQLite file, or a ``postgres://`` URL), ``BENCH_HASH_KEY``
(the hub's hash key: both apps check the Basic-auth pair against the integration's stored
hash), ``BENCH_PAGE_SIZE``.
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


def _integration(environ: dict[str, Any]) -> tuple[int, bool, str, bool] | None:
    """The integration a Basic-auth pair opens, checked as the hub checks it: the row by
    username (revoked ones never match), then a constant-time compare of the password's
    HMAC-SHA256 under the hub's hash key (``BENCH_HASH_KEY``) with the stored hash. No
    lock-out counting, no password overlap after a rotation, no ``last_request_at``: the
    bench never fails a sign-in or rotates. Its account, whether third-party fulfilment is
    left out of the export, its name and its write-back flag."""
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    try:
        username, _, password = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return None
    if scheme.lower() != "basic":
        return None
    found = _rows(
        "SELECT account_id, password_hash, exclude_external_fulfillment, name, write_back "
        "FROM shipstation_shipstationintegration WHERE username = %s AND revoked_at IS NULL",
        (username,),
    )
    if not found:
        return None
    account, stored, exclude, name, write_back = found[0]
    given = hmac.new(os.environ["BENCH_HASH_KEY"].encode(), password.encode(), hashlib.sha256)
    if not hmac.compare_digest(given.hexdigest(), stored):
        return None
    return int(account), bool(exclude), str(name), bool(write_back)


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
    account, exclude_external, _, _ = signed_in
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


def _stored_now(connection: Any) -> str:
    """Now, as the hub's tables keep a moment (UTC; PostgreSQL with its offset)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    if isinstance(connection, sqlite3.Connection):
        return now.strftime("%Y-%m-%d %H:%M:%S.%f")
    return now.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


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
    found = _integration(environ)
    if found is None:
        return _answer(start_response, "401 Unauthorized", b"auth\n")
    account, _, integration_name, write_back = found
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
            "attempts, unanswered, next_attempt_at, last_error, idempotency_key, external_id, "
            "created_at, updated_at) "
            "VALUES (%s, %s, %s, 'pending', 0, FALSE, %s, '', %s, '', %s, %s)",
            (account, fulfillment_id, channel_id, now, f"crossdock-fulfillment-{fulfillment_id}",
             now, now),
        )  # fmt: skip
    connection.execute("COMMIT") if sqlite else connection.commit()
    return _answer(
        start_response,
        "200 OK",
        f"OK: recorded shipment {fulfillment_id} of order {order_id}\n".encode(),
    )
