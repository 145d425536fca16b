"""The background worker loop and the periodic schedule it ticks."""

from __future__ import annotations

import gc
import threading
import warnings
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from crossdock import scheduling
from crossdock.cli.root import app
from crossdock.hub.orders.tasks import pull_channel_orders
from crossdock.worker import release_jobs_of, run_worker


def test_run_due_runs_each_function_once_per_interval() -> None:
    calls: list[str] = []
    scheduling.register_periodic("test.a", lambda: calls.append("a"), every_seconds=10)
    last_run: dict[str, float] = {}
    try:
        scheduling.run_due(last_run, now=100.0)
        scheduling.run_due(last_run, now=105.0)
        scheduling.run_due(last_run, now=110.0)
    finally:
        scheduling._REGISTRY.pop("test.a")

    assert calls == ["a", "a"]


def test_a_failing_periodic_function_does_not_stop_the_others() -> None:
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("boom")

    scheduling.register_periodic("test.0-broken", broken, every_seconds=1)
    scheduling.register_periodic("test.1-fine", lambda: calls.append("fine"), every_seconds=1)
    try:
        scheduling.run_due({}, now=5.0)
    finally:
        scheduling._REGISTRY.pop("test.0-broken")
        scheduling._REGISTRY.pop("test.1-fine")

    assert calls == ["fine"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_tasks_and_stops_when_asked() -> None:
    stop = threading.Event()
    # A pull of a channel that no longer exists claims nothing and returns at once.
    result = pull_channel_orders.enqueue(987654)
    scheduling.register_periodic("test.stop", stop.set, every_seconds=1)
    try:
        thread = threading.Thread(target=run_worker, args=(stop,), kwargs={"interval": 0.01})
        thread.start()
        thread.join(timeout=30)
    finally:
        scheduling._REGISTRY.pop("test.stop")

    assert not thread.is_alive()
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    # The stopped thread closed its own database connections: none is left to the collector.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del thread
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_connection_dropped_is_released_by_its_worker_once_the_database_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a job whose outcome cannot be recorded: the connection drops as it finishes,
    # so neither "successful" nor "failed" reaches the database
    # (tests/reliability/test_connection_drops.py ends a real PostgreSQL connection)
    result = pull_channel_orders.enqueue(987654)
    dropped: list[str] = []

    def connection_gone(self: Any, *args: object) -> None:
        dropped.append(str(self.pk))
        raise OperationalError("the connection is closed")

    monkeypatch.setattr(DBTaskResult, "set_successful", connection_gone)
    monkeypatch.setattr(DBTaskResult, "set_failed", connection_gone)
    stop = threading.Event()

    def stop_once_released() -> None:
        if DBTaskResult.objects.filter(pk=result.id, status="FAILED").exists():
            stop.set()

    scheduling.register_periodic("test.stop-when-released", stop_once_released, every_seconds=1)
    try:
        # when a worker runs it, and keeps running
        thread = threading.Thread(target=run_worker, args=(stop,), kwargs={"interval": 0.05})
        thread.start()
        thread.join(timeout=20)
    finally:
        stop.set()
        thread.join(timeout=30)
        scheduling._REGISTRY.pop("test.stop-when-released")

    # then the job it held is failed, not left "running" for the hour-long sweep
    job = DBTaskResult.objects.get(pk=result.id)
    assert dropped == [str(result.id), str(result.id)]
    assert job.status == "FAILED"
    assert job.exception_class_path == "crossdock.worker.InterruptedJob"


@pytest.mark.django_db
def test_a_running_job_is_released_only_for_the_worker_that_claimed_it_last() -> None:
    # given three claimed jobs: one by worker a, one by b, one by a and then taken over by b
    jobs = [DBTaskResult.objects.get(pk=pull_channel_orders.enqueue(n).id) for n in (1, 2, 3)]
    for job, claims in zip(jobs, (["a"], ["b"], ["a", "b"]), strict=True):
        DBTaskResult.objects.filter(pk=job.pk).update(status="RUNNING", worker_ids=claims)

    # when worker a's loop failed and it releases its jobs
    released = release_jobs_of("a")

    # then only the job a still held is failed
    assert released == 1
    states = [DBTaskResult.objects.get(pk=job.pk).status for job in jobs]
    assert states == ["FAILED", "RUNNING", "RUNNING"]


@pytest.mark.django_db
def test_releasing_a_workers_jobs_is_one_update_filtered_by_the_database() -> None:
    # given running jobs of several workers (one with a quote in its id), and one nobody
    # has claimed yet
    claims: tuple[list[str], ...] = (["a", 'b"c'], ['b"c'], ['b"c', "a"], [])
    jobs = [DBTaskResult.objects.get(pk=pull_channel_orders.enqueue(n).id) for n in (1, 2, 3, 4)]
    for job, claimed_by in zip(jobs, claims, strict=True):
        DBTaskResult.objects.filter(pk=job.pk).update(status="RUNNING", worker_ids=claimed_by)

    # when the worker with the quoted id releases its jobs
    with CaptureQueriesContext(connection) as queries:
        released = release_jobs_of('b"c')

    # then one statement failed exactly the two jobs it claimed last, reading no job's ids
    assert released == 2
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["UPDATE"]
    states = [DBTaskResult.objects.get(pk=job.pk).status for job in jobs]
    assert states == ["FAILED", "FAILED", "RUNNING", "RUNNING"]


def test_the_worker_command_refuses_a_queue_no_lane_knows() -> None:
    # when
    result = CliRunner().invoke(app, ["worker", "--queue", "desk", "--queue", "bogus"])

    # then
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == (
        "error: --queue 'bogus' is not a queue; choose from default, desk, desk_imports, "
        "stock, sync, writeback"
    )
