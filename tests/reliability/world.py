"""Two merchants and two desk businesses, each with one row of every kind an id can name.

The isolation and hostile-input suites try account B's clients on account A's ids, and
post hostile values at A's own rows, so every kind of row an URL or a body can point at is
made here, through the services, once per side.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.core.actors import SYSTEM
from crossdock.desk.accounts import services as desk_accounts
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine
from crossdock.desk.shipments.models import Shipment as DeskShipment
from crossdock.desk.shipments.services import LineRequest, ShipRequest, create_shipment
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import add_unverified_store
from crossdock.hub.accounts import services as hub_accounts
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import InventorySource, Listing, Product
from crossdock.hub.catalog.services import create_product, create_source, set_recipe
from crossdock.hub.channels.carriers import set_mapping
from crossdock.hub.channels.models import CarrierMapping, Channel
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.orders.models import CustomStatus, Order
from crossdock.hub.orders.services import create_custom_status, create_order
from crossdock.hub.shipstation.services import (
    IntegrationOptions,
    IssuedCredentials,
    create_integration,
)
from crossdock.sandbox.services import create_shop
from tests.fixtures.catalog import listing, stocked, warehouse
from tests.fixtures.desk import desk_client
from tests.fixtures.shipstation import order_data
from tests.reliability.routes import UiRoute

PASSWORD = "s3cret-pass-9"
#: An id no row has.
MISSING = 987654321


@dataclass(frozen=True)
class HubSide:
    """One merchant account and one of each of its rows."""

    account: Account
    email: str
    bearer: str
    order: Order
    custom_status: CustomStatus
    channel: Channel
    write_back: WriteBack
    mapping: CarrierMapping
    shipstation: IssuedCredentials
    token_id: int
    product: Product
    listing: Listing
    #: A second inventory source, named after the side (the first is "Main warehouse").
    source: InventorySource
    #: A kit of one ``product``.
    kit: Product


@dataclass(frozen=True)
class DeskSide:
    """One desk business and one of each of its rows."""

    account: DeskAccount
    email: str
    bearer: str
    store: DeskStore
    order: DeskOrder
    shipment: DeskShipment
    #: A line of ``order``.
    line_id: int
    seat_id: int
    token_id: int


def make_hub_side(name: str) -> HubSide:
    slug = name.lower()
    email = f"{slug}@example.com"
    account = hub_accounts.create_account(name, email, PASSWORD)
    created = create_shop(f"{name} Crafts", slug[:2].upper())
    channel = add_channel(
        account,
        "sandbox",
        f"{name} shop",
        {"base_url": "http://testserver/sandbox/api/v1", "api_token": created.token},
    )
    order = create_order(account, order_data(f"{name}-1"), SYSTEM, channel=channel)
    recorded = record_fulfillment(
        account,
        order.pk,
        Shipment(carrier="USPS", service="Priority Mail", tracking_number=f"94001{slug}"),
        SYSTEM,
    )
    # Named after the side, so a list that shows another side's token is caught by name.
    token = hub_accounts.create_token(account, f"{name} isolation")
    hub_accounts.create_token(account, f"{name} spare")
    product = stocked(account, f"{slug.upper()}-MUG", warehouse(account), 5)
    kit = create_product(account, f"{slug.upper()}-GIFT-SET", f"{name} gift set")
    set_recipe(account, kit.pk, {product.sku: 2})
    return HubSide(
        account=account,
        email=email,
        bearer=token.secret,
        order=order,
        custom_status=create_custom_status(account, f"{name} review", "paid"),
        channel=channel,
        write_back=WriteBack.objects.get(fulfillment=recorded.fulfillment),
        mapping=set_mapping(
            account, channel_kind="sandbox", carrier="DHL", channel_carrier=f"{name} DHL"
        ),
        shipstation=create_integration(account, f"{name} store", IntegrationOptions()),
        token_id=token.token.pk,
        product=product,
        listing=listing(channel, product, product.sku, f"{slug}-listing"),
        source=create_source(account, f"{name} depot"),
        kit=kit,
    )


def make_desk_side(name: str) -> DeskSide:
    slug = name.lower()
    email = f"packer@{slug}.test"
    account = desk_accounts.create_account(f"{name} Parcels", email, PASSWORD)
    store = add_unverified_store(
        account,
        kind="custom",
        name=f"{name} Corner Shop",
        url="http://127.0.0.1:9/export",
        username=f"{slug}-shop",
        password=f"{slug}-store-pass",
    )
    placed = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    order = DeskOrder.objects.create(
        account=account,
        store=store,
        key=f"{name}-1001",
        order_number=f"{name}-1001",
        store_status="paid",
        status="awaiting_shipment",
        order_date=placed,
        last_modified=placed,
        order_total=Decimal("20.00"),
        ship_to={"name": "Ada", "address1": "1 Road", "city": "London", "country": "GB"},
        digest="0" * 64,
    )
    for position in range(2):
        DeskOrderLine.objects.create(
            order=order,
            line_key=str(position + 1),
            position=position,
            sku=f"SKU-{position}",
            name="Tee",
            quantity=2,
            unit_price=Decimal("10.00"),
        )
    first_line = order.lines.order_by("position")[0]
    # The first line ships; the second is left to ship, so the order can ship again.
    shipment, _ = create_shipment(
        account,
        order.pk,
        ShipRequest(
            carrier="USPS",
            tracking_number=f"1Z{slug}",
            notify_store="never",
            lines=(LineRequest(first_line.pk, 2),),
        ),
        "tests",
    )
    seat = desk_accounts.add_user(account, f"second@{slug}.test", PASSWORD)
    token = desk_accounts.create_token(account, f"{name} isolation")
    desk_accounts.create_token(account, f"{name} spare")
    return DeskSide(
        account=account,
        email=email,
        bearer=token.secret,
        store=store,
        order=order,
        shipment=shipment,
        line_id=first_line.pk,
        seat_id=seat.pk,
        token_id=token.token.pk,
    )


#: Tables that change on every request by design: sessions, sign-in counters.
VOLATILE_TABLES = frozenset({"sessions.session", "platform.auththrottle"})
#: Columns that record a use, not a change: a token's, a login's, an integration's last use.
VOLATILE_COLUMNS = frozenset({"last_used_at", "last_login", "last_request_at"})


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every stored row of every table but the volatile ones, in key order."""
    return {
        model._meta.label_lower: [
            {name: value for name, value in row.items() if name not in VOLATILE_COLUMNS}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in apps.get_models()
        if model._meta.label_lower not in VOLATILE_TABLES
    }


#: Path parameters that are not ids: the value every test uses.
NOT_IDS = {
    ("hub", "kind"): "sandbox",
    ("desk", "kind"): "custom",
    # A CSV import's report is a file kept under the account's own folder: another
    # account's token names nothing there.
    ("hub", "token"): "0123456789abcdef0123456789abcdef",
}


def hub_ids(side: HubSide) -> dict[str, int]:
    """The hub's id parameters (UI and API use the same names) → this side's row."""
    return {
        "order_id": side.order.pk,
        "custom_status_id": side.custom_status.pk,
        "channel_id": side.channel.pk,
        "write_back_id": side.write_back.pk,
        "mapping_id": side.mapping.pk,
        "integration_id": side.shipstation.integration.pk,
        "token_id": side.token_id,
        "product_id": side.product.pk,
        "listing_id": side.listing.pk,
    }


def desk_ids(side: DeskSide) -> dict[str, int]:
    """The desk's id parameters → this side's row."""
    return {
        "order_id": side.order.pk,
        "shipment_id": side.shipment.pk,
        "store_id": side.store.pk,
        "seat_id": side.seat_id,
        "token_id": side.token_id,
    }


def owner_at(route: UiRoute, hub: HubSide, desk: DeskSide) -> tuple[Client, str]:
    """A browser signed in to the route's product as the side's owner, and the route's path
    holding that side's own rows."""
    if route.is_desk:
        browser = desk_client(desk.email, PASSWORD)
        product, ids = "desk", desk_ids(desk)
    else:
        browser = Client()
        browser.force_login(get_user_model().objects.get(username=hub.email))
        product, ids = "hub", hub_ids(hub)
    values = {name: NOT_IDS.get((product, name), ids.get(name)) for _, name in route.params}
    return browser, route.path(values)


def basic_auth(side: HubSide) -> dict[str, str]:
    """The side's ShipStation credentials as a Basic ``Authorization`` header."""
    pair = f"{side.shipstation.integration.username}:{side.shipstation.password}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
