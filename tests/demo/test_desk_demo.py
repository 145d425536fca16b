"""The desk demo: a login and an unverified store that the first scheduled import verifies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.auth import authenticate

from crossdock.demo.desk import load_desk_demo
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.orders.tasks import enqueue_due_imports
from crossdock.desk.stores.models import DeskStore
from crossdock.platform.secrets import STORE_PASSWORDS
from tests.fixtures.independent_store import IndependentStore, StoreItem, StoreOrder
from tests.fixtures.tasks import run_tasks


def test_the_demo_store_is_verified_by_the_first_scheduled_import(
    db: None, independent_store: IndependentStore
) -> None:
    independent_store.orders = [
        StoreOrder(
            "D-1", "paid", datetime.now(UTC) - timedelta(days=2), [StoreItem("A", "A", 1, "1")]
        )
    ]

    loaded = load_desk_demo(
        independent_store.url, independent_store.username, independent_store.password
    )
    again = load_desk_demo("http://127.0.0.1:9/", "x", "y")

    store = DeskStore.objects.get()
    assert loaded["loaded"] is True
    assert again == {
        "loaded": False,
        "email": "desk@crossdock.test",
        "password": "crossdock-demo",
        "store_id": store.pk,
    }
    assert authenticate(username="desk@crossdock.test", password="crossdock-demo") is not None
    assert store.connection == "unverified"
    assert STORE_PASSWORDS.decrypt(store.password_encrypted) == independent_store.password
    assert independent_store.exports == []

    # when the store is due and the schedule ticks
    DeskStore.objects.update(next_import_at=datetime.now(UTC) - timedelta(seconds=1))
    enqueue_due_imports()
    enqueue_due_imports()
    run_tasks()

    # then it was imported once and is now verified
    store.refresh_from_db()
    assert store.connection == "ok"
    assert len(independent_store.exports) == 1
    assert DeskOrder.objects.get().order_number == "D-1"
    assert store.next_import_at is not None
    assert store.next_import_at - datetime.now(UTC) <= timedelta(minutes=1)
