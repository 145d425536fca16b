"""Background workers: run queued tasks (``django-tasks-db``) and tick the periodic schedule.

Work is split into lanes (``settings.WORKER_LANES``): each lane is a thread that claims only
from its own queues, so hub write-backs, channel syncs, desk notices and desk imports never
wait behind one another; a slow store can hold at most the desk-imports lane. ``crossdock
serve`` runs every lane in each web process (started after the fork); production may run
``crossdock worker`` processes instead. Several workers may run at once against PostgreSQL:
claims use ``SELECT … FOR UPDATE SKIP LOCKED`` so no job runs twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.db import NotSupportedError, close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func
from django.db.models.lookups import Exact
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from crossdock.scheduling import register_periodic, run_due

logger = logging.getLogger(__name__)


#: Tasks run per drain before the loop checks for a stop request and ticks the schedule again.
TASKS_PER_DRAIN = 50


#: A job still claimed this long after it started belongs to a worker that died (killed, its
#: machine lost): no job runs this long (a desk import stops itself at 10 minutes).
ABANDONED_AFTER = timedelta(hours=1)


def release_abandoned_jobs(now: datetime | None = None) -> int:
    """Mark jobs a dead worker left claimed as failed, so none stays "running" forever.

    The job is not run again from here: the work it held is found again by its app's own
    sweep (write-backs, ship notices, imports and pulls are re-enqueued from their rows),
    which is what keeps it sent exactly once.
    """
    moment = now or timezone.now()
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=moment - ABANDONED_AFTER
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=moment,
        exception_class_path="crossdock.worker.AbandonedJob",
        traceback="the worker that claimed this job stopped before finishing it",
    )


class LastClaimant(Func):
    """The last of a job's ``worker_ids`` (the worker that claimed it last), as text, read by
    the database itself; ``NULL`` for a job nobody claimed."""

    arity = 1
    output_field = CharField()
    #: SQLite's ``json_extract`` counts from the end with ``#``; PostgreSQL's ``jsonb``
    #: takes a negative index.
    templates: ClassVar[dict[str, str]] = {
        "sqlite": "json_extract(%(expressions)s, '$[#-1]')",
        "postgresql": "(%(expressions)s ->> -1)",
    }

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        vendor_template = self.templates.get(connection.vendor)
        if vendor_template is None:
            raise NotSupportedError(f"no last claimant on {connection.vendor}")
        return super().as_sql(compiler, connection, template=vendor_template, **extra_context)


def release_jobs_of(worker_id: str, now: datetime | None = None) -> int:
    """Mark failed the jobs ``worker_id`` still holds claimed after its loop failed.

    A lane runs one job at a time under its own id, so once its drain has stopped, a job of
    its left claimed is running nowhere: its database connection dropped while it ran (the
    runner could not record the outcome on that connection either). Like an abandoned job,
    its work is found again by its app's own sweep.
    """
    moment = now or timezone.now()
    return DBTaskResult.objects.filter(
        Exact(LastClaimant("worker_ids"), worker_id), status=TaskResultStatus.RUNNING
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=moment,
        exception_class_path="crossdock.worker.InterruptedJob",
        traceback="the worker's database connection failed while it ran this job",
    )


def _release_abandoned_jobs_tick() -> None:
    release_abandoned_jobs()


register_periodic("worker.release_abandoned_jobs", _release_abandoned_jobs_tick, every_seconds=60)


def lanes() -> dict[str, tuple[str, ...]]:
    """The configured lanes: name → the queues its thread claims from."""
    return {name: tuple(queues) for name, queues in settings.WORKER_LANES.items()}


def _drain(worker_id: str, interval: float, queues: Sequence[str]) -> None:
    """Run ready tasks of ``queues`` until none is left or :data:`TASKS_PER_DRAIN` have run.

    This is ``django-tasks-db``'s own runner in batch mode; its signal handling is not
    installed, so it can run in a thread.
    """
    Worker(
        queue_names=list(queues),
        interval=interval,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=TASKS_PER_DRAIN,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def run_worker(
    stop: threading.Event,
    *,
    interval: float = 1.0,
    name: str | None = None,
    queues: Sequence[str] = ("*",),
) -> None:
    """Run tasks of ``queues`` until ``stop`` is set: drain, tick the schedule, sleep, repeat.

    Every lane ticks the schedule (its functions are idempotent), so a lane busy with a
    long job never holds back the periodic work.
    """
    worker_id = name or f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"
    last_run: dict[str, float] = {}
    logger.info("worker %s started on queues %s", worker_id, ",".join(queues))
    # Set when a loop failed (a dropped database connection, say): the job it was running
    # may be left claimed, and is released as soon as the database answers again.
    interrupted = False
    while not stop.is_set():
        try:
            close_old_connections()
            if interrupted:
                release_jobs_of(worker_id)
                interrupted = False
            run_due(last_run, time.monotonic())
            _drain(worker_id, interval, queues)
        except Exception:
            interrupted = True
            logger.exception("worker %s loop failed; retrying", worker_id)
        finally:
            close_old_connections()
        stop.wait(interval)
    # The loop's connections belong to this thread: close them rather than leave them to
    # the garbage collector (on PostgreSQL they would otherwise stay open until then).
    connections.close_all()
    logger.info("worker %s stopped", worker_id)


class WorkerThread(threading.Thread):
    """A daemon thread running :func:`run_worker` on one lane's queues; :meth:`stop` ends it."""

    def __init__(
        self, interval: float = 1.0, *, lane: str = "all", queues: Sequence[str] = ("*",)
    ) -> None:
        super().__init__(name=f"crossdock-worker-{lane}", daemon=True)
        self._stop_event = threading.Event()
        self._interval = interval
        self.queues = tuple(queues)

    def run(self) -> None:
        run_worker(self._stop_event, interval=self._interval, queues=self.queues)

    def stop(self) -> None:
        self._stop_event.set()


def lane_threads(interval: float = 1.0) -> list[WorkerThread]:
    """One (unstarted) worker thread per configured lane."""
    return [WorkerThread(interval, lane=lane, queues=queues) for lane, queues in lanes().items()]
