"""The data sets the benchmarks build: an account, its orders (three lines each), integrations.

Orders are written in batches straight to the tables (the ORM's ``bulk_create``), one second
apart in ``modified_at`` from :data:`EPOCH`, with text that needs escaping (``&``, ``<``,
accents, quotes), so every scenario exports the same realistic documents.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
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
BATCH = 2_000


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


def _order(shop: Shop, number: int) -> Order:
    moment = EPOCH + timedelta(seconds=number)
    name = f"Zoë O'Brien & Co <{number}>"
    return Order(
        account=shop.account,
        channel=shop.channel,
        external_id=f"B-{number}",
        number=f"B-{number}",
        status="paid",
        placed_at=moment,
        modified_at=moment,
        currency="EUR",
        customer_email=f"buyer{number}@example.com",
        bill_to_name=name,
        bill_to_email=f"buyer{number}@example.com",
        bill_to_address1="Kungsgatan 2",
        bill_to_city="Göteborg",
        bill_to_postal_code="411 19",
        bill_to_country="SE",
        ship_to_name=name,
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


def _insert(model: type[Model], rows: Sequence[Model]) -> None:
    """Insert model instances with one ``executemany``: the ORM's per-field preparation
    (``bulk_create``) costs more than the database at the sizes of ``--large``."""
    fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    marks = ", ".join("%s" for _ in fields)
    sqlite = connection.vendor == "sqlite"
    now = timezone.now()
    for row in rows:
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(row, field.attname, now)
    values = [[_value(getattr(row, field.attname), sqlite) for field in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def seed_orders(shop: Shop, count: int, first: int = 0) -> None:
    """``count`` orders numbered from ``first``, three lines each, in batches."""
    for start in range(first, first + count, BATCH):
        with transaction.atomic():
            orders = [
                _order(shop, number) for number in range(start, min(start + BATCH, first + count))
            ]
            _insert(Order, orders)
            ids = dict(
                Order.objects.filter(
                    channel=shop.channel, external_id__in=[order.external_id for order in orders]
                ).values_list("external_id", "id")
            )
            for order in orders:
                order.pk = ids[order.external_id]
            _insert(OrderLine, [line for order in orders for line in _lines(order)])


def window(count: int) -> tuple[str, str]:
    """``start_date`` and ``end_date`` (wire format) of the window holding ``count`` orders."""
    last = EPOCH + timedelta(seconds=max(count - 1, 0))
    return EPOCH.strftime("%m/%d/%Y %H:%M"), last.strftime("%m/%d/%Y %H:%M")
