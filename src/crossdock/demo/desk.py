"""The desk's part of the demo: a desk login and a store connected to the hub's own endpoint.

The integrator calls :func:`load_desk_demo` with the endpoint URL and the credentials the hub
generated for its ShipStation integration. The server is not up while the demo loads, so the
store is saved "not yet verified" and the first scheduled import (a few seconds after
``make run`` starts) verifies it; after that the desk imports every minute.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import add_unverified_store

DESK_ACCOUNT = "Demo Shipping Desk"
DESK_EMAIL = "desk@crossdock.test"
#: A published demo password, as the hub's demo login is.
DESK_PASSWORD = "crossdock-demo"  # noqa: S105 - published demo login, documented in docs/desk.md
DESK_STORE = "Demo Outfitters (Crossdock)"
#: Give the server time to start before the first import tries the endpoint.
FIRST_IMPORT_DELAY = timedelta(seconds=15)


def load_desk_demo(
    store_url: str,
    username: str,
    password: str,
    *,
    status_mapping: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Create the desk demo account and its store (idempotent: an existing one is kept).

    ``status_mapping`` takes the five texts (``unpaid``, ``paid``, ``shipped``, ``cancelled``,
    ``on_hold``) the hub shows for its integration, custom statuses included; without it the
    hub's standard statuses are mapped.
    """
    existing = DeskAccount.objects.filter(name=DESK_ACCOUNT).first()
    if existing is not None:
        store = DeskStore.objects.filter(account=existing, name=DESK_STORE).first()
        return {
            "loaded": False,
            "email": DESK_EMAIL,
            "password": DESK_PASSWORD,
            "store_id": store.pk if store else None,
        }
    with transaction.atomic():
        account = create_account(DESK_ACCOUNT, DESK_EMAIL, DESK_PASSWORD)
        store = add_unverified_store(
            account,
            kind=DeskStore.Kind.CROSSDOCK,
            name=DESK_STORE,
            url=store_url,
            username=username,
            password=password,
            status_mapping=status_mapping,
        )
        store.company_name = "Demo Outfitters"
        store.email_buyer = True
        store.import_interval_minutes = 1
        store.first_import_days = 60
        store.footer_text = "Thank you for shopping with Demo Outfitters."
        store.return_address = "Demo Outfitters Returns\n12 St James's Square\nLondon SW1Y 4JH"
        store.next_import_at = timezone.now() + FIRST_IMPORT_DELAY
        store.save()
    return {
        "loaded": True,
        "account": account.name,
        "email": DESK_EMAIL,
        "password": DESK_PASSWORD,
        "store_id": store.pk,
    }
