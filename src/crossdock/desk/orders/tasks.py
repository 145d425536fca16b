"""Background work of desk stores: scheduled imports per store interval.

Imports run on their own queue (``desk_imports``, its own worker lane) and one desk account
runs at most ``settings.DESK_IMPORTS_PER_ACCOUNT`` of them at once: an import over that
limit is put back on the queue for :data:`ACCOUNT_WAIT` rather than hold a worker, so one
account's slow stores cannot delay another account's imports.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from crossdock.desk.orders.importing import run_import
from crossdock.desk.stores.errors import (
    AccountImportsBusy,
    ImportAlreadyRunning,
    ImportLeaseLost,
    StoreNotFound,
)
from crossdock.desk.stores.leases import LEASE, is_free, release_abandoned_runs
from crossdock.desk.stores.models import DeskStore, ImportRun

logger = logging.getLogger(__name__)

#: How long a claimed schedule slot waits for its task before it may be enqueued again.
CLAIM_GRACE = timedelta(minutes=10)
#: How long an import over its account's limit waits before it tries again.
ACCOUNT_WAIT = timedelta(seconds=15)


@task(queue_name="desk_imports")
def import_store(store_id: int, trigger: str = ImportRun.Trigger.SCHEDULE) -> None:
    """Import one store (idempotent: an import already running makes this a no-op)."""
    try:
        run_import(store_id, trigger, account_limit=settings.DESK_IMPORTS_PER_ACCOUNT)
    except AccountImportsBusy:
        import_store.using(run_after=timezone.now() + ACCOUNT_WAIT).enqueue(store_id, trigger)
    except (ImportAlreadyRunning, ImportLeaseLost, StoreNotFound) as reason:
        logger.info("desk import of store %s skipped: %s", store_id, reason)


def enqueue_due_imports() -> None:
    """Periodic: enqueue an import for every active auto-import store that is due.

    Each due store is claimed by moving its ``next_import_at`` forward with a conditional
    update, so workers ticking at once enqueue it once; the import sets the real next time.
    A store whose import died is due again once its lease has run out, and the dead
    import's run is marked failed then, whether or not the store imports again.
    """
    now = timezone.now()
    release_abandoned_runs(now)
    due = DeskStore.objects.filter(
        Q(next_import_at__lte=now) | Q(next_import_at__isnull=True),
        is_free(now),
        is_active=True,
        auto_import=True,
    ).values_list("pk", "next_import_at")
    for store_id, due_at in due:
        claimed = DeskStore.objects.filter(pk=store_id, next_import_at=due_at).update(
            next_import_at=now + CLAIM_GRACE
        )
        if claimed:
            import_store.enqueue(store_id, ImportRun.Trigger.SCHEDULE)


def queue_import(store: DeskStore, trigger: str = ImportRun.Trigger.MANUAL) -> bool:
    """Queue an import of ``store`` on the import lane ("Import now" in the UI).

    Returns ``False`` (queues nothing) while an import of the store holds its lease. The
    web request only enqueues: the call to the store runs on a worker, never a web thread.
    """
    if not DeskStore.objects.filter(is_free(timezone.now()), pk=store.pk).exists():
        return False
    import_store.enqueue(store.pk, trigger)
    return True


def import_busy(store: DeskStore) -> bool:
    """Whether an import of ``store`` runs (its lease is live) or waits on the queue.

    A job claimed longer than a lease ago on a free store is not counted: a live import
    holds the store's lease within moments of starting, so such a job belongs to a worker
    that died (the job stays claimed until the worker's hourly sweep releases it).
    """
    now = timezone.now()
    if not DeskStore.objects.filter(is_free(now), pk=store.pk).exists():
        return True
    return DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=now - LEASE),
        task_path=import_store.module_path,
        args_kwargs__args__0=store.pk,
    ).exists()
