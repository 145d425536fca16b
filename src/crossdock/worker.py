"""Background workers: run queued tasks (``django-tasks-db``) and tick the periodic schedule.

``crossdock serve`` runs a :class:`WorkerThread` in each web process (started after the fork);
production may run ``crossdock worker`` processes instead. Several workers may run at once
against PostgreSQL: claims use ``SELECT … FOR UPDATE SKIP LOCKED`` so no job runs twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker

from crossdock.scheduling import run_due

logger = logging.getLogger(__name__)


#: Tasks run per drain before the loop checks for a stop request and ticks the schedule again.
TASKS_PER_DRAIN = 50


def _drain(worker_id: str, interval: float) -> None:
    """Run ready tasks until the queue is empty or :data:`TASKS_PER_DRAIN` have run.

    This is ``django-tasks-db``'s own runner in batch mode; its signal handling is not
    installed, so it can run in a thread.
    """
    Worker(
        queue_names=["*"],
        interval=interval,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=TASKS_PER_DRAIN,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def run_worker(stop: threading.Event, *, interval: float = 1.0, name: str | None = None) -> None:
    """Run tasks until ``stop`` is set: drain the queue, tick the schedule, sleep, repeat."""
    worker_id = name or f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"
    last_run: dict[str, float] = {}
    logger.info("worker %s started", worker_id)
    while not stop.is_set():
        try:
            close_old_connections()
            run_due(last_run, time.monotonic())
            _drain(worker_id, interval)
        except Exception:
            logger.exception("worker %s loop failed; retrying", worker_id)
        finally:
            close_old_connections()
        stop.wait(interval)
    # The loop's connections belong to this thread: close them rather than leave them to
    # the garbage collector (on PostgreSQL they would otherwise stay open until then).
    connections.close_all()
    logger.info("worker %s stopped", worker_id)


class WorkerThread(threading.Thread):
    """A daemon thread running :func:`run_worker`, stopped with :meth:`stop`."""

    def __init__(self, interval: float = 1.0) -> None:
        super().__init__(name="crossdock-worker", daemon=True)
        self._stop_event = threading.Event()
        self._interval = interval

    def run(self) -> None:
        run_worker(self._stop_event, interval=self._interval)

    def stop(self) -> None:
        self._stop_event.set()
