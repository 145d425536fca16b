"""The task backend: django-tasks' database backend, its job rows written by one statement.

Every new ship notice queues a write-back and enqueues its delivery job in the same
transaction; the job row's ``objects.create`` (Django building the INSERT of 15 columns)
was about a fifth of the CPU a notice took after its own statements were plain SQL
(cProfile of 199 notices). The row is the same model instance, stored by
:func:`crossdock.platform.rows.insert` (each value through its field, as ``save()``
prepares it, and ``run_after`` as the library's ``pre_save`` handler sets it); the rest of
the backend is the library's. ``_task_to_db_task`` is the
library's own seam for this (django-tasks-db 0.13, pinned in ``pyproject.toml``).
"""

from __future__ import annotations

from typing import ParamSpec, TypeVar

from django_tasks_db import DatabaseBackend as LibraryBackend
from django_tasks_db.compat import Task, normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from crossdock.platform.rows import insert

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseBackend(LibraryBackend):
    """django-tasks-db's backend, enqueueing with one prepared INSERT."""

    def _task_to_db_task(
        self,
        task: Task[P, T],
        args: P.args,  # type: ignore[valid-type]  # the library's own signature
        kwargs: P.kwargs,  # type: ignore[valid-type]
    ) -> DBTaskResult[P, T]:
        row: DBTaskResult[P, T] = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # No time: the library's far-future marker (its pre_save handler's, which an
            # insert without signals does not run).
            run_after=task.run_after if task.run_after is not None else get_date_max(),
            backend_name=self.alias,
        )
        insert(row)
        return row
