"""Fixtures for channels: a sandbox shop connected as a channel, pulls and shipments."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from django_tasks_db.management.commands.db_worker import Worker

from crossdock.core.actors import Actor, ActorKind
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.fulfillment.services import Shipment, record_fulfillment
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.pull import pull_orders
from crossdock.sandbox.models import SandboxShop
from tests.sandbox.support import BASE_URL, make_shop, sandbox_http

SHIPSTATION = Actor(ActorKind.SHIPSTATION, "tests")


@pytest.fixture
def shop(db: None) -> tuple[SandboxShop, str]:
    return make_shop()


@pytest.fixture
def channel(account: Account, shop: tuple[SandboxShop, str]) -> Channel:
    return add_channel(
        account, "sandbox", "Nordic Crafts", {"base_url": BASE_URL, "api_token": shop[1]}
    )


def pull(
    channel: Channel,
    before: Callable[[httpx.Request], None] | None = None,
    log: list[httpx.Request] | None = None,
) -> SyncRun:
    """One order pull of ``channel`` against the in-process sandbox."""
    with sandbox_http(before, log) as client:
        run = pull_orders(channel.pk, client=client)
    assert run is not None
    return run


def ship(
    order: Order,
    *,
    carrier: str = "USPS",
    service: str = "Priority Mail",
    tracking_number: str = "9400111899223344556677",
) -> Fulfillment:
    """Record the whole order as shipped, the way a ShipStation ship notice does."""
    recorded = record_fulfillment(
        order.account,
        order.pk,
        Shipment(carrier=carrier, service=service, tracking_number=tracking_number),
        SHIPSTATION,
        source=Fulfillment.Source.SHIPSTATION,
    )
    assert recorded.created
    return recorded.fulfillment


def run_queued_tasks() -> None:
    """Run every ready task of the database queue in this thread, then return."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    ).run()
