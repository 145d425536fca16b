"""Desk imports under faults: what a killed worker leaves behind and how the desk clears it,
and an order the database refuses to store.

Found by ``tests/reliability/test_desk_kills.py``, which kills real workers mid-import.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from crossdock.customstore.reader import ReadOrder
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.orders.services import UpsertResult, upsert_order
from crossdock.desk.orders.tasks import enqueue_due_imports, import_busy, import_store
from crossdock.desk.statuses import DeskStatus
from crossdock.desk.stores.leases import ABANDONED, LEASE, claim
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import add_unverified_store
from tests.fixtures.desk import connect_corner_shop
from tests.fixtures.independent_store import IndependentStore, full_order


def _manual_store(account: DeskAccount) -> DeskStore:
    """A store that imports only when asked (auto-import off)."""
    store = add_unverified_store(
        account,
        kind="custom",
        name="Corner",
        url="http://corner.test/export",
        username="u",
        password="p",
    )
    DeskStore.objects.filter(pk=store.pk).update(auto_import=False)
    return store


def _run_started(store: DeskStore, minutes_ago: float) -> ImportRun:
    """An import that claimed the store and began its run ``minutes_ago``."""
    started = timezone.now() - timedelta(minutes=minutes_ago)
    claim(store.pk, started)
    return ImportRun.objects.create(
        store=store,
        trigger=ImportRun.Trigger.MANUAL,
        started_at=started,
        window_start=started,
        window_end=started,
    )


def _job_claimed(store: DeskStore, minutes_ago: float) -> None:
    """The store's import job, claimed by a worker ``minutes_ago``."""
    import_store.enqueue(store.pk)
    DBTaskResult.objects.update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_the_schedule_marks_a_killed_imports_run_failed_once_its_lease_runs_out(
    desk_account: DeskAccount,
) -> None:
    # given: a store that never imports by itself, whose import's worker was killed three
    # minutes ago (its run left "running", its two-minute lease run out)
    store = _manual_store(desk_account)
    left = _run_started(store, minutes_ago=3)

    # when the periodic schedule ticks
    enqueue_due_imports()

    # then the run says the import stopped, and no import was started for the store
    left.refresh_from_db()
    assert (left.state, left.error) == (ImportRun.State.FAILED, ABANDONED)
    assert left.finished_at is not None
    assert DBTaskResult.objects.count() == 0


def test_the_schedule_leaves_a_live_imports_run_running(desk_account: DeskAccount) -> None:
    # given: an import that claimed the store a moment ago
    store = _manual_store(desk_account)
    live = _run_started(store, minutes_ago=0)

    # when
    enqueue_due_imports()

    # then nothing changed
    live.refresh_from_db()
    assert (live.state, live.error, live.finished_at) == (ImportRun.State.RUNNING, "", None)


def test_a_job_a_killed_worker_left_claimed_does_not_keep_the_store_busy(
    desk_account: DeskAccount,
) -> None:
    # given: the store's import job claimed by a worker killed before its import held the
    # store (the job stays claimed for the hour until the worker sweep releases it)
    store = _manual_store(desk_account)
    _job_claimed(store, minutes_ago=LEASE / timedelta(minutes=1) + 1)

    # when / then the history page no longer says an import is running
    assert import_busy(store) is False


def test_a_job_claimed_a_moment_ago_keeps_the_store_busy(desk_account: DeskAccount) -> None:
    # given: a worker that has just claimed the store's import job
    store = _manual_store(desk_account)
    _job_claimed(store, minutes_ago=0)

    # when / then
    assert import_busy(store) is True


def test_an_order_the_database_refuses_fails_the_import_and_the_next_one_stores_it(
    desk_account: DeskAccount,
    independent_store: IndependentStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: two orders in the store, and a database that refuses to store the second
    modified = datetime.now(UTC) - timedelta(hours=1)
    independent_store.orders = [full_order("1001", modified), full_order("1002", modified)]
    store = connect_corner_shop(desk_account, independent_store)

    def refusing(store: DeskStore, read: ReadOrder, status: DeskStatus) -> UpsertResult:
        if read.order_number == "1002":
            raise OperationalError("database is locked")
        return upsert_order(store, read, status)

    monkeypatch.setattr("crossdock.desk.orders.importing.upsert_order", refusing)

    # when the store imports
    first = run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then the import fails and its mark stays, so the refused order is not passed by
    store.refresh_from_db()
    assert (first.succeeded, first.mark_advanced, first.created) == (False, False, 1)
    assert first.error == (
        "1 order could not be stored (listed with the skipped orders); "
        "the desk reads them again in the next import"
    )
    assert [(s.order_number, s.reason) for s in first.skipped] == [
        ("1002", "could not be stored: database is locked")
    ]
    assert (store.import_mark, store.connection) == (None, DeskStore.Connection.ERROR)

    # when the database takes it again and the store imports again
    monkeypatch.setattr("crossdock.desk.orders.importing.upsert_order", upsert_order)
    again = run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then the refused order is stored, the other recognised, and the mark advances
    assert (again.succeeded, again.created, again.unchanged) == (True, 1, 1)
    assert sorted(DeskOrder.objects.values_list("order_number", flat=True)) == ["1001", "1002"]
