"""Store settings over the API, the encrypted password, and scheduled imports in error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import mail

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.tasks import enqueue_due_imports
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.platform.secrets import STORE_PASSWORDS
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import connect_corner_shop
from tests.fixtures.independent_store import Answer, IndependentStore
from tests.fixtures.tasks import run_tasks


def _store(account: DeskAccount, independent_store: IndependentStore) -> DeskStore:
    return connect_corner_shop(account, independent_store, status_mapping=None)


def test_settings_are_read_and_changed_all_or_nothing(
    desk_api: DeskApiClient, desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    store = _store(desk_account, independent_store)

    read = desk_api.get(f"/stores/{store.pk}").json()
    bad = desk_api.patch(
        f"/stores/{store.pk}",
        {
            "company_name": "Corner Shop Ltd",
            "logo_url": "javascript:alert(1)",
            "import_interval_minutes": 0,
            "status_mapping": {"paid": "paid", "shipped": "paid"},
        },
    )
    good = desk_api.patch(
        f"/stores/{store.pk}",
        {
            "company_name": "Corner Shop Ltd",
            "email_buyer": True,
            "weight_source": "desk",
            "status_mapping": {
                "unpaid": "Pending",
                "paid": "Processing, Paid ",
                "shipped": "Shipped",
                "cancelled": "",
                "on_hold": "",
            },
        },
    )

    assert read["status_mapping"] == {
        "unpaid": "unpaid, pending",
        "paid": "paid, processing",
        "shipped": "shipped, completed",
        "cancelled": "cancelled, refunded",
        "on_hold": "on_hold, on-hold",
    }
    assert "password" not in read
    assert "password_encrypted" not in read
    assert bad.status_code == 422
    assert {tuple(d["loc"]): d["msg"] for d in bad.json()["detail"]} == {
        ("body", "body", "logo_url"): "enter a full http:// or https:// URL",
        ("body", "body", "import_interval_minutes"): "between 1 and 1440",
        ("body", "body", "status_mapping", "shipped"): '"paid" is already mapped to Paid',
    }
    assert good.status_code == 200
    assert good.json()["company_name"] == "Corner Shop Ltd"
    assert good.json()["status_mapping"]["paid"] == "Processing, Paid"
    store.refresh_from_db()
    assert (store.company_name, store.weight_source, store.email_buyer) == (
        "Corner Shop Ltd",
        "desk",
        True,
    )


def test_the_password_is_encrypted_at_rest(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    store = _store(desk_account, independent_store)

    assert independent_store.password not in store.password_encrypted
    assert STORE_PASSWORDS.decrypt(store.password_encrypted) == independent_store.password


def test_a_failing_store_keeps_auto_import_on_and_backs_off(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given a connected store that now answers 503
    store = _store(desk_account, independent_store)
    independent_store.answer = Answer(503, b"Maintenance")

    # when the schedule ticks twice (the second time after the retry delay)
    DeskStore.objects.update(next_import_at=datetime.now(UTC) - timedelta(seconds=1))
    enqueue_due_imports()
    run_tasks()
    store.refresh_from_db()
    first_retry = store.next_import_at
    DeskStore.objects.update(next_import_at=datetime.now(UTC) - timedelta(seconds=1))
    enqueue_due_imports()
    run_tasks()

    # then the store is in error with auto-import on, the delays grow, the merchant was told once
    store.refresh_from_db()
    assert store.auto_import is True
    assert store.connection == "error"
    assert (
        store.last_error
        == "page 1 of 1: The store answered HTTP 503 (text/plain). It said: 'Maintenance'"
    )
    assert store.import_failures == 2
    assert first_retry is not None
    assert store.next_import_at is not None
    assert store.last_import_at is not None
    assert store.next_import_at - store.last_import_at > timedelta(minutes=1, seconds=30)
    assert ImportRun.objects.filter(state="failed").count() == 2
    (alert,) = mail.outbox
    assert alert.to == ["packer@parcelpals.test"]
    assert "Corner Shop" in alert.subject


def test_a_password_that_no_longer_decrypts_fails_the_import_with_a_reason(
    desk_account: DeskAccount, independent_store: IndependentStore, settings: Any
) -> None:
    store = _store(desk_account, independent_store)
    settings.ENCRYPTION_KEY = "a-rotated-key"

    summary = run_import(store.pk, ImportRun.Trigger.MANUAL)

    assert summary.succeeded is False
    assert summary.error == (
        "the store's settings are unusable: the stored password cannot be decrypted; re-enter it"
    )
    assert len(independent_store.exports) == 1  # only the connection test called the store


def test_the_tell_the_store_timing_is_set_in_the_merchants_time_zone(
    desk_api: DeskApiClient, desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    store = _store(desk_account, independent_store)

    # when the merchant asks for notices at 16:45 Berlin time on the ship date
    good = desk_api.patch(
        f"/stores/{store.pk}",
        {"notify_store": "at_time", "notify_store_time": "16:45", "time_zone": "Europe/Berlin"},
    )
    # and then sends a bad zone, a bad time and a zero delay together
    bad = desk_api.patch(
        f"/stores/{store.pk}",
        {
            "notify_store": "after_hours",
            "notify_store_hours": 0,
            "notify_store_time": "25:00",
            "time_zone": "Mars/Olympus",
        },
    )

    # then the first is saved, the second refused field by field with nothing changed
    assert good.status_code == 200, good.content
    assert {
        key: good.json()[key]
        for key in ("notify_store", "notify_store_hours", "notify_store_time", "time_zone")
    } == {
        "notify_store": "at_time",
        "notify_store_hours": 2,
        "notify_store_time": "16:45",
        "time_zone": "Europe/Berlin",
    }
    assert bad.status_code == 422
    assert {(e["loc"][2], e["msg"]) for e in bad.json()["detail"]} == {
        ("notify_store_hours", "between 1 and 168"),
        ("notify_store_time", "a time of day like 17:00"),
        ("time_zone", "a time zone name like Europe/London or America/New_York"),
    }
    store.refresh_from_db()
    assert (store.notify_store, f"{store.notify_store_time:%H:%M}", store.time_zone) == (
        "at_time",
        "16:45",
        "Europe/Berlin",
    )
