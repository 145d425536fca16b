"""The data sets the benchmarks build: an account, its orders (three lines each), integrations.

Orders are written in batches straight to the tables (plain ``executemany``), one second
apart in ``modified_at`` from :data:`EPOCH`, with text that needs escaping (``&``, ``<``,
accents, quotes), so every scenario exports the same realistic documents.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.hub.shipstation.services import IntegrationOptions, create_integration

#: ``modified_at`` of the first seeded order; order ``n`` is ``n`` seconds later.
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
#: Orders a statement (``executemany``) and a transaction, when seeding.
BATCH = 5_000
TRANSACTION = 100_000


@dataclass(frozen=True, slots=True)
class Shop:
    account: Account
    channel: Channel


@dataclass(frozen=True, slots=True)
class Store:
    """A ShipStation integration's credentials (what ShipStation would hold)."""

    integration_id: int
    username: str
    password: str


def migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


def new_shop(label: str) -> Shop:
    """A fresh account (a new name each time, so reruns on one PostgreSQL database agree)."""
    tag = secrets.token_hex(4)
    account = create_account(f"Bench {label} {tag}", f"bench-{tag}@example.com", "bench-pass-1")
    channel = Channel.objects.filter(account=account).order_by("id").first()
    if channel is None:
        raise RuntimeError("a new account has no built-in channel")
    return Shop(account=account, channel=channel)


def new_store(shop: Shop, page_size: int = 100) -> Store:
    issued = create_integration(shop.account, options=IntegrationOptions(page_size=page_size))
    return Store(issued.integration.pk, issued.integration.username, issued.password)


def _varying(number: int) -> dict[str, object]:
    """The columns of order ``number`` that differ from one order to the next."""
    moment = EPOCH + timedelta(seconds=number)
    name = f"Zoë O'Brien & Co <{number}>"
    return {
        "external_id": f"B-{number}",
        "number": f"B-{number}",
        "placed_at": moment,
        "modified_at": moment,
        "customer_email": f"buyer{number}@example.com",
        "bill_to_name": name,
        "bill_to_email": f"buyer{number}@example.com",
        "ship_to_name": name,
    }


def _order(shop: Shop, number: int) -> Order:
    return Order(
        account=shop.account,
        channel=shop.channel,
        status="paid",
        currency="EUR",
        bill_to_address1="Kungsgatan 2",
        bill_to_city="Göteborg",
        bill_to_postal_code="411 19",
        bill_to_country="SE",
        ship_to_address1="Kungsgatan 2",
        ship_to_address2="Lgh 1102",
        ship_to_city="Göteborg",
        ship_to_postal_code="411 19",
        ship_to_country="SE",
        payment_method="Klarna",
        requested_shipping_service="PostNord MyPack Home",
        shipping_paid=Decimal("5.90"),
        tax=Decimal("12.35"),
        total=Decimal("63.25"),
        customer_notes="Ring the bell twice <b>please</b>",
        **_varying(number),
    )


def _lines(order: Order) -> list[OrderLine]:
    return [
        OrderLine(
            order=order,
            position=index,
            external_id=f"{order.number}-{index}",
            sku=f"SKU-{index}",
            name=f"Mug “Fika” & saucer {index}",
            quantity=index + 1,
            unit_price=Decimal("12.50"),
            weight_value=Decimal("350"),
            weight_unit="g",
            options=[{"name": "Colour", "value": "Red"}],
        )
        for index in range(3)
    ]


def _value(value: object, sqlite: bool) -> Any:
    """A model attribute as the driver takes it (what the field would store, for our types)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if sqlite else value
    if isinstance(value, Decimal):
        return str(value) if sqlite else value
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


@dataclass(frozen=True, slots=True)
class _Table:
    """One table's ``INSERT`` and a template row, taken from a model instance once."""

    sql: str
    #: Column name → its position in a row.
    columns: dict[str, int]
    template: tuple[Any, ...]

    @classmethod
    def of(cls, row: Model) -> _Table:
        model = type(row)
        fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
        quoted = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
        marks = ", ".join("%s" for _ in fields)
        sqlite = connection.vendor == "sqlite"
        now = timezone.now()
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(row, field.attname, now)
        return cls(
            sql=f"INSERT INTO {model._meta.db_table} ({quoted}) VALUES ({marks})",
            columns={str(field.attname): index for index, field in enumerate(fields)},
            template=tuple(_value(getattr(row, field.attname), sqlite) for field in fields),
        )

    def row(self, changes: dict[str, Any]) -> tuple[Any, ...]:
        values = list(self.template)
        for name, value in changes.items():
            values[self.columns[name]] = value
        return tuple(values)


def seed_orders(shop: Shop, count: int, first: int = 0) -> None:
    """``count`` orders numbered from ``first``, three lines each.

    The rows are the model's own (one ``Order`` and its ``OrderLine``s built once, as the
    hub stores them), written with plain ``executemany`` in batches of :data:`BATCH`
    orders, :data:`TRANSACTION` orders a transaction: the ORM's per-field preparation
    (``bulk_create``) costs more than the database at the sizes of ``--large``.
    """
    sample = _order(shop, first)
    orders = _Table.of(sample)
    lines = [_Table.of(line) for line in _lines(sample)]
    sqlite = connection.vendor == "sqlite"
    end = first + count
    for chunk in range(first, end, TRANSACTION):
        with transaction.atomic(), connection.cursor() as cursor:
            stop = min(chunk + TRANSACTION, end)
            for start in range(chunk, stop, BATCH):
                numbers = range(start, min(start + BATCH, stop))
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Order._meta.db_table}")
                (before,) = cursor.fetchone()
                cursor.executemany(
                    orders.sql,
                    [
                        orders.row(
                            {key: _value(value, sqlite) for key, value in _varying(n).items()}
                        )
                        for n in numbers
                    ],
                )
                cursor.execute(
                    f"SELECT external_id, id FROM {Order._meta.db_table}"
                    " WHERE channel_id = %s AND id > %s",
                    [shop.channel.pk, before],
                )
                ids = dict(cursor.fetchall())
                cursor.executemany(
                    lines[0].sql,
                    [
                        line.row({"order_id": ids[f"B-{n}"], "external_id": f"B-{n}-{index}"})
                        for n in numbers
                        for index, line in enumerate(lines)
                    ],
                )


def window(count: int) -> tuple[str, str]:
    """``start_date`` and ``end_date`` (wire format) of the window holding ``count`` orders."""
    last = EPOCH + timedelta(seconds=max(count - 1, 0))
    return EPOCH.strftime("%m/%d/%Y %H:%M"), last.strftime("%m/%d/%Y %H:%M")
