"""What a desk import's worker leaves behind when it is killed, and how the desk clears it.

Found by ``tests/reliability/test_desk_kills.py``, which kills real workers mid-import.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.tasks import enqueue_due_imports, import_busy, import_store
from crossdock.desk.stores.leases import ABANDONED, LEASE, claim
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import add_unverified_store


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
