"""How far behind the background work is: per queue, ready jobs and the oldest one's wait.

A job is ready when it waits for a worker: status ``READY`` and no ``run_after`` in the
future. It has been ready since its ``run_after`` (a retry or a scheduled job) or, without
one, since it was enqueued; the oldest such moment per queue is the queue's lag. One grouped
query answers for every queue; queues without ready jobs are reported with none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Case, Count, DateTimeField, F, Min, Q, When
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueLag:
    """One queue: how many jobs wait for a worker and how long the oldest has waited."""

    queue: str
    ready: int
    oldest_wait_seconds: float


def queue_names() -> tuple[str, ...]:
    """The queues the task backend knows (``settings.TASKS``), in their configured order."""
    return tuple(settings.TASKS["default"]["QUEUES"])


def queue_lags(now: datetime) -> tuple[QueueLag, ...]:
    """Every known queue's ready jobs and oldest wait at ``now`` (one query)."""
    never = get_date_max()
    rows = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .filter(Q(run_after=never) | Q(run_after__lte=now))
        .values("queue_name")
        .annotate(
            ready=Count("id"),
            since=Min(
                Case(
                    When(run_after=never, then=F("enqueued_at")),
                    default=F("run_after"),
                    output_field=DateTimeField(),
                )
            ),
        )
        .order_by()
    )
    found = {row["queue_name"]: row for row in rows}
    lags: list[QueueLag] = []
    for name in (*queue_names(), *sorted(set(found) - set(queue_names()))):
        row = found.get(name)
        if row is None:
            lags.append(QueueLag(name, 0, 0.0))
            continue
        wait = max((now - row["since"]).total_seconds(), 0.0)
        lags.append(QueueLag(name, int(row["ready"]), wait))
    return tuple(lags)
