"""Order ingest: parsed channel pages stored by the pull's own step, beside a bare insert.

Each round stores ``options.ingest_orders`` new orders (three lines, a discount) in pages
of 100 through :func:`crossdock.hub.orders.pull.store_batch`, the step a pull takes per
page: the batched path. Beside it, the same work one order at a time
(:func:`~crossdock.hub.orders.upsert.upsert_channel_order`, the path before batching), the
same pages read again (every order unchanged, skipped by digest), and the baseline: the
same rows written with one ``executemany`` per table and no framework.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.test import Client

from crossdock.api.orders import MAX_BULK_ORDERS
from crossdock.bench.dataset import Shop, migrate, new_shop
from crossdock.bench.harness import Case, Figure, Options
from crossdock.connectors.base import OrderBatch, PulledOrder
from crossdock.core.actors import Actor, ActorKind
from crossdock.core.dto import Address, Customer, Discount, LineData, LineOption, OrderData
from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.services import create_token
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import Tally, store_batch
from crossdock.hub.orders.upsert import upsert_channel_order
from crossdock.platform.startup import settled_for_a_while

NAME = "ingest"
SUMMARY = "orders stored from parsed channel pages: batched, one by one, unchanged, bare"
PAGE = 100
ACTOR = Actor(ActorKind.CHANNEL, "bench")


def order_data(number: int) -> OrderData:
    address = Address(
        name=f"Zoë O'Brien {number}",
        address1="Kungsgatan 2",
        city="Göteborg",
        postal_code="411 19",
        country="SE",
    )
    return OrderData(
        number=f"I-{number}",
        external_id=f"I-{number}",
        status=OrderStatus.PAID,
        placed_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        currency="EUR",
        customer=Customer(code=f"c{number}", name="Zoë", email=f"c{number}@example.com"),
        bill_to=address,
        ship_to=address,
        lines=tuple(
            LineData(
                sku=f"SKU-{index}",
                name=f"Mug “Fika” & saucer {index}",
                quantity=index + 1,
                unit_price=Decimal("12.50"),
                options=(LineOption("Colour", "Red"),),
                external_id=f"I-{number}-{index}",
            )
            for index in range(3)
        ),
        shipping_paid=Decimal("5.90"),
        tax=Decimal("12.35"),
        discounts=(Discount("WINTER5", "Winter", Decimal("5.00")),),
    )


def _chunks(items: list[OrderData]) -> list[list[OrderData]]:
    return [items[start : start + PAGE] for start in range(0, len(items), PAGE)]


def _pages(items: list[OrderData]) -> list[OrderBatch]:
    now = datetime.now(UTC)
    return [
        OrderBatch(tuple(PulledOrder(data.external_id, now, data) for data in page))
        for page in _chunks(items)
    ]


class _Numbers:
    """Fresh order numbers for every round of every case."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, count: int) -> list[OrderData]:
        first, self.next = self.next, self.next + count
        return [order_data(number) for number in range(first, first + count)]


def _timed(shop: Shop, numbers: _Numbers, work: Callable[[], int]) -> Figure:
    """Time ``work``, then check every order handed out so far is stored, once."""
    started = time.perf_counter()
    count = work()
    figure = Figure(count / (time.perf_counter() - started))
    stored = Order.objects.filter(channel=shop.channel).count()
    if stored != numbers.next:
        raise AssertionError(f"{stored} orders stored, {numbers.next} handed out")
    return figure


def _batched(shop: Shop, items: list[OrderData]) -> int:
    tally = Tally()
    for batch in _pages(items):
        store_batch(shop.channel, batch, tally, ACTOR)
    if tally.created != len(items) or tally.failed:
        raise AssertionError(f"batched ingest: {tally}")
    return len(items)


def _one_by_one(shop: Shop, items: list[OrderData]) -> int:
    for data in items:
        upsert_channel_order(shop.channel, data, ACTOR)
    return len(items)


def _unchanged(shop: Shop, items: list[OrderData]) -> int:
    tally = Tally()
    for batch in _pages(items):
        store_batch(shop.channel, batch, tally, ACTOR)
    if tally.unchanged != len(items):
        raise AssertionError(f"re-read: {tally}")
    return len(items)


def _bare(shop: Shop, items: list[OrderData]) -> int:
    """The same rows with one ``executemany`` per table (orders, lines, discounts, events)."""
    from django.db import connection, transaction

    sqlite = connection.vendor == "sqlite"
    now = datetime.now(UTC)
    stamp: Any = now.strftime("%Y-%m-%d %H:%M:%S") if sqlite else now

    def money(value: Decimal) -> Any:
        return str(value) if sqlite else value

    for page in _chunks(items):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO orders_order (account_id, channel_id, external_id, number, status,"
                " status_before_hold, placed_at, modified_at, currency, customer_code,"
                " customer_name, customer_email, customer_phone, bill_to_name, bill_to_company,"
                " bill_to_phone, bill_to_email, bill_to_address1, bill_to_address2,"
                " bill_to_city, bill_to_state, bill_to_postal_code, bill_to_country,"
                " ship_to_name, ship_to_company, ship_to_phone, ship_to_email,"
                " ship_to_address1, ship_to_address2, ship_to_city, ship_to_state,"
                " ship_to_postal_code, ship_to_country, payment_method,"
                " requested_shipping_service, shipping_paid, tax, total, gift, gift_message,"
                " customer_notes, internal_notes, weight_unit, fulfillment_source,"
                " marketplace_order_id, payload_digest, cancel_reason, created_at, updated_at)"
                " VALUES (" + ", ".join(["%s"] * 49) + ")",
                [
                    (
                        shop.account.pk,
                        shop.channel.pk,
                        d.external_id,
                        d.number,
                        d.status.value,
                        "",
                        stamp,
                        stamp,
                        d.currency,
                        d.customer.code,
                        d.customer.name,
                        d.customer.email,
                        "",
                        d.bill_to.name,
                        "",
                        "",
                        "",
                        d.bill_to.address1,
                        "",
                        d.bill_to.city,
                        "",
                        d.bill_to.postal_code,
                        d.bill_to.country,
                        d.ship_to.name,
                        "",
                        "",
                        "",
                        d.ship_to.address1,
                        "",
                        d.ship_to.city,
                        "",
                        d.ship_to.postal_code,
                        d.ship_to.country,
                        "",
                        "",
                        money(d.shipping_paid),
                        money(d.tax),
                        money(Decimal("0")),
                        False,
                        "",
                        "",
                        "",
                        "",
                        "merchant",
                        "",
                        "",
                        "",
                        stamp,
                        stamp,
                    )
                    for d in page
                ],
            )
            marks = ", ".join("%s" for _ in page)
            cursor.execute(
                f"SELECT external_id, id FROM orders_order WHERE channel_id = %s"
                f" AND external_id IN ({marks})",
                [shop.channel.pk, *(d.external_id for d in page)],
            )
            ids = dict(cursor.fetchall())
            cursor.executemany(
                "INSERT INTO orders_orderline (order_id, position, external_id, sku, name,"
                " quantity, unit_price, weight_unit, image_url, options, location, upc,"
                " quantity_shipped) VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', %s, '', '', 0)",
                [
                    (
                        ids[d.external_id],
                        index,
                        line.external_id,
                        line.sku,
                        line.name,
                        line.quantity,
                        money(line.unit_price),
                        '[{"name": "Colour", "value": "Red"}]',
                    )
                    for d in page
                    for index, line in enumerate(d.lines)
                ],
            )
            cursor.executemany(
                "INSERT INTO orders_orderdiscount (order_id, position, code, description, amount)"
                " VALUES (%s, 0, %s, %s, %s)",
                [
                    (ids[d.external_id], c.code, c.description, money(c.amount))
                    for d in page
                    for c in d.discounts
                ],
            )
            cursor.executemany(
                "INSERT INTO orders_orderevent (account_id, order_id, at, actor, kind, message,"
                " data) VALUES (%s, %s, %s, %s, 'created', %s, '{}')",
                [
                    (shop.account.pk, ids[d.external_id], stamp, "bench", f"Order {d.number}")
                    for d in page
                ],
            )
    return len(items)


def order_json(data: OrderData) -> dict[str, Any]:
    """``data`` as the body ``POST /api/v1/orders`` takes."""
    return {
        "number": data.number,
        "status": "paid",
        "placed_at": data.placed_at.isoformat(),
        "currency": data.currency,
        "customer": {"code": data.customer.code, "name": data.customer.name},
        "ship_to": {
            "name": data.ship_to.name,
            "address1": data.ship_to.address1,
            "city": data.ship_to.city,
            "postal_code": data.ship_to.postal_code,
            "country": data.ship_to.country,
        },
        "shipping_paid": str(data.shipping_paid),
        "tax": str(data.tax),
        "discounts": [
            {"code": d.code, "description": d.description, "amount": str(d.amount)}
            for d in data.discounts
        ],
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "options": [{"name": o.name, "value": o.value} for o in line.options],
            }
            for line in data.lines
        ],
    }


def _bulk_api(client: Client, token: str, items: list[OrderData]) -> int:
    """The orders through ``POST /api/v1/orders/bulk`` (in process), 1,000 a call."""
    for start in range(0, len(items), MAX_BULK_ORDERS):
        body = {"orders": [order_json(data) for data in items[start : start + MAX_BULK_ORDERS]]}
        answer = client.post(
            "/api/v1/orders/bulk",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        if answer.status_code != 200 or answer.json()["refused"]:
            raise AssertionError(f"bulk call: {answer.status_code} {answer.content[:300]!r}")
    return len(items)


def prepare(options: Options, stack: ExitStack) -> list[Case]:
    migrate()
    shop = new_shop("ingest")
    numbers = _Numbers()
    count = options.ingest_orders
    # The API creates on the account's manual channel: the shop's own channel here.
    token = create_token(shop.account, "bench").secret
    client = Client(SERVER_NAME="127.0.0.1")
    last_batch: list[list[OrderData]] = []
    # The cases run in this process, the hub loaded as in a served one: settled the same way
    # while the scenario lasts.
    stack.enter_context(settled_for_a_while())

    def batched() -> Figure:
        items = numbers.take(count)
        last_batch[:] = [items]
        return _timed(shop, numbers, lambda: _batched(shop, items))

    def unchanged() -> Figure:
        items = last_batch[0]
        return _timed(shop, numbers, lambda: _unchanged(shop, items))

    return [
        Case("hub, new, batched", "orders/s", batched, "bare, new"),
        Case(
            "hub, new, one by one",
            "orders/s",
            lambda: _timed(shop, numbers, lambda: _one_by_one(shop, numbers.take(count))),
            "bare, new",
        ),
        Case("hub, unchanged, batched", "orders/s", unchanged, "hub, new, batched"),
        Case(
            "hub, POST /orders/bulk",
            "orders/s",
            lambda: _timed(shop, numbers, lambda: _bulk_api(client, token, numbers.take(count))),
            "bare, new",
        ),
        Case(
            "bare, new",
            "orders/s",
            lambda: _timed(shop, numbers, lambda: _bare(shop, numbers.take(count))),
        ),
    ]
