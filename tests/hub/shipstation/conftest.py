"""Fixtures for the ShipStation integration: credentials, orders, and a Custom Store client."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from crossdock.core.actors import SYSTEM
from crossdock.core.dto import Address, Customer, Discount, LineData, LineOption, OrderData
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.services import create_order
from crossdock.hub.shipstation.services import (
    IntegrationOptions,
    IssuedCredentials,
    create_integration,
)

ENDPOINT = "/shipstation/custom-store"

SHIP_TO = Address(
    name="Ana Lima",
    company="Lima & Filhos",
    phone="+1 555 0100",
    email="ana@example.com",
    address1="12 Main St",
    address2="Apt 4",
    city="Springfield",
    state="IL",
    postal_code="62701",
    country="US",
)


def order_data(number: str, **changes: Any) -> OrderData:
    """A shippable paid order with two lines; ``changes`` replace fields."""
    data = OrderData(
        number=number,
        external_id=f"ext-{number}",
        status=OrderStatus.PAID,
        placed_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        currency="USD",
        customer=Customer(code="C-1", name="Ana Lima", email="ana@example.com"),
        bill_to=SHIP_TO,
        ship_to=SHIP_TO,
        lines=(
            LineData(
                sku="MUG-RED",
                name="Red mug",
                quantity=2,
                unit_price=Decimal("12.50"),
                weight=Weight(Decimal("350"), WeightUnit.GRAM),
                options=(LineOption("Colour", "Red"),),
            ),
            LineData(sku="TEE-M", name="T-shirt", quantity=1, unit_price=Decimal("20.00")),
        ),
        shipping_paid=Decimal("5.00"),
        tax=Decimal("2.00"),
        discounts=(Discount(code="SAVE5", description="Five off", amount=Decimal("5.00")),),
    )
    return replace(data, **changes)


@pytest.fixture
def issued(account: Account) -> IssuedCredentials:
    return create_integration(account, "Main store", IntegrationOptions())


@pytest.fixture
def make_order(account: Account) -> Callable[..., Order]:
    def make(number: str, *, channel: Channel | None = None, **changes: Any) -> Order:
        return create_order(account, order_data(number, **changes), SYSTEM, channel=channel)

    return make


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class StoreClient:
    """Calls the Custom Store endpoint the way ShipStation does (Basic auth)."""

    def __init__(self, issued: IssuedCredentials) -> None:
        self.client = Client()
        self.headers = basic(issued.integration.username, issued.password)

    def export(self, start: str, end: str, page: int | None = None) -> Any:
        params = {"action": "export", "start_date": start, "end_date": end}
        if page is not None:
            params["page"] = str(page)
        return self.client.get(ENDPOINT, params, headers=self.headers)

    def notify(self, body: bytes, **params: str) -> Any:
        query = "&".join(f"{k}={v}" for k, v in {"action": "shipnotify", **params}.items())
        return self.client.post(
            f"{ENDPOINT}?{query}", body, content_type="application/xml", headers=self.headers
        )


@pytest.fixture
def store(issued: IssuedCredentials) -> StoreClient:
    return StoreClient(issued)


def content(response: Any) -> bytes:
    """The whole body of a plain or streaming response."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)
