"""A merchant with realistic orders for the browser tests, made through the services."""

from __future__ import annotations

from crossdock.core.actors import Actor, ActorKind
from crossdock.demo.orders import demo_orders
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account
from crossdock.hub.orders.services import create_custom_status, create_order

EMAIL = "owner@outfitters.test"
PASSWORD = "browser-pass-123"


def merchant_with_orders(name: str = "Demo Outfitters") -> Account:
    """An account with two custom statuses and twelve orders that use every field."""
    account = create_account(name, EMAIL, PASSWORD)
    create_custom_status(account, "Awaiting engraving", "on_hold")
    create_custom_status(account, "Ready to pack", "paid")
    actor = Actor(ActorKind.SYSTEM, "browser-tests")
    for data, custom_status in demo_orders():
        create_order(account, data, actor, custom_status=custom_status)
    return account
