"""What ``/metrics`` reports: gauges read from the database at scrape time, plus per-process
request counters.

Gunicorn runs several processes and a scrape reaches one of them, so counters kept in memory
would each count a part. State lives in the database instead and every gauge is computed
from it when scraped (write-backs and desk notices by state, ready jobs and the oldest wait
per queue, sync runs of the last hour by outcome, orders left out of exports), so any
process answers for all. The one in-memory family, ``crossdock_http_requests_total``, is
per process and labelled with its ``pid``: sum it over ``pid`` (a restarted process starts
again from zero, which ``rate()`` handles). Every count is across all accounts.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Count

from crossdock.desk.shipments.models import StoreNotice
from crossdock.hub.channels.models import SyncRun
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.shipstation.models import ExportSkip
from crossdock.ops.exposition import MetricFamily, MetricType, Sample
from crossdock.ops.queues import queue_lags

#: Methods counted by name; anything else a client sends is counted as ``other``.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestCounter:
    """Answers this process gave, by method and status code (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, int]] = Counter()

    def count(self, method: str, status: int) -> None:
        key = (method if method in KNOWN_METHODS else "other", status)
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[tuple[str, int], int]:
        with self._lock:
            return dict(self._counts)


#: This process's counter, fed by ``crossdock.ops.middleware``.
requests = RequestCounter()


def _by_state(rows: dict[str, int], states: list[str], label: str) -> tuple[Sample, ...]:
    # Every known state is reported, 0 included, so a series never vanishes when it empties.
    known = [*states, *sorted(set(rows) - set(states))]
    return tuple(Sample(float(rows.get(state, 0)), {label: state}) for state in known)


def database_families(now: datetime) -> list[MetricFamily]:
    """The gauges computed from the database at ``now``."""
    write_backs = dict(
        WriteBack.objects.values_list("state")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("state", "n")
    )
    notices = dict(
        StoreNotice.objects.values_list("state")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("state", "n")
    )
    sync_runs = dict(
        SyncRun.objects.filter(started_at__gte=now - timedelta(hours=1))
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("outcome", "n")
    )
    lags = queue_lags(now)
    return [
        MetricFamily(
            "crossdock_write_backs",
            "Fulfillment write-backs to channels, by state.",
            MetricType.GAUGE,
            _by_state(write_backs, list(WriteBack.State.values), "state"),
        ),
        MetricFamily(
            "crossdock_desk_notices",
            "Ship notices the desk owes its stores, by state.",
            MetricType.GAUGE,
            _by_state(notices, list(StoreNotice.State.values), "state"),
        ),
        MetricFamily(
            "crossdock_queue_ready_jobs",
            "Background jobs ready to run and waiting for a worker, by queue.",
            MetricType.GAUGE,
            tuple(Sample(float(lag.ready), {"queue": lag.queue}) for lag in lags),
        ),
        MetricFamily(
            "crossdock_queue_oldest_ready_seconds",
            "How long the oldest ready job of each queue has waited (0 when none waits).",
            MetricType.GAUGE,
            tuple(Sample(lag.oldest_wait_seconds, {"queue": lag.queue}) for lag in lags),
        ),
        MetricFamily(
            "crossdock_sync_runs_last_hour",
            "Channel sync runs started in the last hour, by outcome.",
            MetricType.GAUGE,
            _by_state(sync_runs, list(SyncRun.Outcome.values), "outcome"),
        ),
        MetricFamily(
            "crossdock_export_skips",
            "Orders left out of ShipStation exports because ShipStation could not import them.",
            MetricType.GAUGE,
            (Sample(float(ExportSkip.objects.count())),),
        ),
    ]


def request_family(counter: RequestCounter, pid: int | None = None) -> MetricFamily:
    """This process's answers so far, labelled with its pid."""
    process = str(os.getpid() if pid is None else pid)
    samples = tuple(
        Sample(float(total), {"pid": process, "method": method, "code": str(status)})
        for (method, status), total in sorted(counter.snapshot().items())
    )
    return MetricFamily(
        "crossdock_http_requests_total",
        "Answers given by this web process (per process: sum over pid), by method and status.",
        MetricType.COUNTER,
        samples,
    )
