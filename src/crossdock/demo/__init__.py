"""Demo data for ``make run``: a merchant with a login and orders that use every field.

Each area of the product adds its part through :func:`load_demo` (channels, integrations,
the desk). Loading is idempotent per account name: an existing demo account is kept.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction

from crossdock.core.actors import Actor, ActorKind
from crossdock.demo.address import serving_url
from crossdock.demo.catalog import add_demo_catalog
from crossdock.demo.channels import add_demo_channels
from crossdock.demo.desk import DESK_EMAIL, DESK_PASSWORD, load_desk_demo
from crossdock.demo.orders import demo_orders, showcase_order
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account
from crossdock.hub.orders.services import create_custom_status, create_order
from crossdock.hub.shipstation.queries import endpoint_url, status_mapping
from crossdock.hub.shipstation.services import create_integration

DEMO_ACCOUNT = "Demo Outfitters"
DEMO_EMAIL = "demo@crossdock.test"
#: A published demo password: the demo account is for trying Crossdock on your own machine.
DEMO_PASSWORD = "crossdock-demo"  # noqa: S105 - published demo login, documented in the README


def demo_login() -> tuple[str, str] | None:
    """The hub's demo login when the demo account exists, else ``None``."""
    if Account.objects.filter(name=DEMO_ACCOUNT).exists():
        return DEMO_EMAIL, DEMO_PASSWORD
    return None


def desk_demo_login() -> tuple[str, str] | None:
    """The desk's demo login when the hub's demo exists (it creates both), else ``None``."""
    if demo_login() is None:
        return None
    return DESK_EMAIL, DESK_PASSWORD


def load_demo(*, only_if_empty: bool = False) -> dict[str, Any]:
    """Create the demo account and its data; with ``only_if_empty`` only on a fresh database."""
    if Account.objects.filter(name=DEMO_ACCOUNT).exists() or (
        only_if_empty and Account.objects.exists()
    ):
        return {"loaded": False, "email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    actor = Actor(ActorKind.SYSTEM, "demo")
    with transaction.atomic():
        account = create_account(DEMO_ACCOUNT, DEMO_EMAIL, DEMO_PASSWORD)
        create_custom_status(account, "Awaiting engraving", "on_hold")
        create_custom_status(account, "Ready to pack", "paid")
        for data, custom_status in demo_orders():
            create_order(account, data, actor, custom_status=custom_status)
        create_order(account, showcase_order(), actor, custom_status="Ready to pack")
        add_demo_catalog(account, add_demo_channels(account))
        # The desk connects to this hub's own endpoint with generated credentials, as a
        # merchant would paste them into ShipStation.
        issued = create_integration(account, "Shipping desk (demo)")
        desk = load_desk_demo(
            endpoint_url(serving_url()),
            issued.integration.username,
            issued.password,
            status_mapping=asdict(status_mapping(account)),
        )
    return {
        "loaded": True,
        "account": account.name,
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "desk_email": desk["email"],
        "desk_password": desk["password"],
    }
