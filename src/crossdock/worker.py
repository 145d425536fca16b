"""Background workers: run queued tasks (``django-tasks-db``) and tick the periodic schedule.

``crossdock serve`` runs one :class:`WorkerThread` beside the web server; production runs
``crossdock worker`` processes. Several workers may run at once against PostgreSQL: claims
use ``SELECT … FOR UPDATE SKIP LOCKED`` so no job runs twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from crossdock.scheduling import run_due

logger = logging.getLogger(__name__)


class _StoppableWorker(Worker):
    """The task runner of ``django-tasks-db``, without signal handling (it runs in a thread)."""

    def __init__(self, worker_id: str, interval: float, stop: threading.Event) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self._stop = stop


def run_worker(stop: threading.Event, *, interval: float = 1.0, name: str | None = None) -> None:
    """Run tasks until ``stop`` is set: drain the queue, tick the schedule, sleep, repeat."""
    worker_id = name or f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"
    last_run: dict[str, float] = {}
    logger.info("worker %s started", worker_id)
    while not stop.is_set():
        try:
            close_old_connections()
            run_due(last_run, time.monotonic())
            # batch=True: run every ready task, then return when the queue is empty.
            _StoppableWorker(worker_id, interval, stop).run()
        except Exception:
            logger.exception("worker %s loop failed; retrying", worker_id)
        finally:
            close_old_connections()
        stop.wait(interval)
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
