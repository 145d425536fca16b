"""Building catalogs for stock tests: products, a warehouse, channels with listings."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

from crossdock.core.actors import Actor, ActorKind
from crossdock.core.dto import Address, Customer, LineData, OrderData
from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import InventorySource, Listing, Product, StockLevel, StockPush
from crossdock.hub.catalog.services import create_product, create_source, receive
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel

CLERK = Actor(ActorKind.USER, "clerk@example.test")


def warehouse(account: Account, name: str = "Main warehouse") -> InventorySource:
    return create_source(account, name)


def stocked(account: Account, sku: str, source: InventorySource, on_hand: int) -> Product:
    product = create_product(account, sku, f"Product {sku}")
    if on_hand:
        receive(account, sku, source, on_hand, CLERK, "Opening stock")
    return product


def level(product: Product, source: InventorySource) -> tuple[int, int]:
    row = StockLevel.objects.filter(product=product, source=source).first()
    return (row.on_hand, row.reserved) if row else (0, 0)


def manual_channel(account: Account, name: str) -> Channel:
    return add_channel(account, "manual", name, {})


def listing(channel: Channel, product: Product | None, sku: str, external_id: str = "") -> Listing:
    row = Listing.objects.create(
        account_id=channel.account_id,
        channel=channel,
        product=product,
        sku=sku,
        external_id=external_id or f"{channel.pk}-{sku}",
    )
    # A new listing waits for its first push, as a pulled one does.
    StockPush.objects.create(
        account_id=channel.account_id,
        channel=channel,
        listing=row,
        state=StockPush.State.PENDING,
        generation=1,
        next_attempt_at=timezone.now(),
    )
    return row


def order_data(number: str, lines: dict[str, int], status: str = "paid") -> OrderData:
    """A plain order with one line per SKU."""
    return OrderData(
        number=number,
        external_id=number,
        status=OrderStatus(status),
        placed_at=datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
        currency="USD",
        customer=Customer(name="Ada Buyer"),
        bill_to=Address(name="Ada Buyer"),
        ship_to=Address(name="Ada Buyer", address1="1 Main St", city="Springfield", country="US"),
        lines=tuple(
            LineData(
                sku=sku,
                name=sku,
                quantity=quantity,
                unit_price=Decimal("10.00"),
                external_id=f"{number}-{sku}",
            )
            for sku, quantity in lines.items()
        ),
    )
