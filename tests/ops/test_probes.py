"""``/healthz``, ``/readyz`` and ``/metrics`` through Django's test client."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.ops.metrics import requests
from crossdock.ops.queues import QueueLag, queue_lags
from crossdock.ops.readiness import Check, check_queue_lag, readiness, unapplied_migrations

pytestmark = pytest.mark.django_db


def _ready_job(queue: str, *, enqueued_at: datetime, run_after: datetime | None = None) -> None:
    job = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="crossdock.tests.nothing",
        backend_name="default",
        queue_name=queue,
        run_after=run_after or get_date_max(),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=job.pk).update(enqueued_at=enqueued_at)


def test_healthz_answers_ok_without_touching_the_database(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "Set-Cookie" not in response
    assert "Content-Security-Policy" not in response
    assert "Vary" not in response


def test_probes_answer_a_host_no_setting_lists_over_plain_http_even_with_https_on(
    settings: Settings,
) -> None:
    # Given HTTPS redirects on and a probe addressed to the pod's own IP
    settings.SECURE_SSL_REDIRECT = True
    client = Client(HTTP_HOST="10.1.2.3:8000")

    # Then neither probe is redirected nor refused as a bad host
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_probes_refuse_writes() -> None:
    response = Client().post("/healthz")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_readyz_is_200_when_the_database_is_migrated_and_no_queue_lags() -> None:
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "queue_lag": "ok"},
    }


def test_readyz_is_503_naming_the_queue_lag_when_a_job_waited_too_long(
    settings: Settings,
) -> None:
    settings.READY_MAX_QUEUE_LAG = 60
    _ready_job("desk", enqueued_at=timezone.now() - timedelta(hours=2))

    response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["failing"] == ["queue_lag"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["queue_lag"].startswith("the oldest ready job in queue desk has waited ")


def test_readyz_is_503_naming_migrations_when_one_is_not_applied() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = %s AND name = %s",
            ["orders", "0001_initial"],
        )

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failing": ["migrations", "queue_lag"],
        "checks": {
            "database": "ok",
            "migrations": "1 migration not applied (run `crossdock migrate`)",
            "queue_lag": "not checked",
        },
    }


def test_queue_lag_counts_ready_jobs_from_their_run_after_or_enqueue_time() -> None:
    # Given, at a fixed now: a job enqueued 300 s ago, a retry due 50 s ago, one due later,
    # and a finished job
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    _ready_job("writeback", enqueued_at=now - timedelta(seconds=300))
    _ready_job(
        "writeback",
        enqueued_at=now - timedelta(seconds=900),
        run_after=now - timedelta(seconds=50),
    )
    _ready_job("sync", enqueued_at=now - timedelta(seconds=900), run_after=now + timedelta(1))
    done = DBTaskResult.objects.create(
        status=TaskResultStatus.SUCCESSFUL,
        args_kwargs={},
        task_path="x",
        backend_name="default",
        queue_name="desk",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=done.pk).update(enqueued_at=now - timedelta(days=1))

    # When the lags are read; Then the future job and the finished one do not count
    assert queue_lags(now) == (
        QueueLag("default", 0, 0.0),
        QueueLag("sync", 0, 0.0),
        QueueLag("writeback", 2, 300.0),
        QueueLag("desk", 0, 0.0),
        QueueLag("desk_imports", 0, 0.0),
        QueueLag("stock", 0, 0.0),
    )
    assert check_queue_lag(now, 299) == Check(
        "queue_lag", False, "the oldest ready job in queue writeback has waited 300 s (limit 299 s)"
    )
    assert check_queue_lag(now, 300) == Check("queue_lag", True)


def test_unapplied_migrations_are_the_code_s_migrations_missing_from_the_applied_set() -> None:
    applied = {("orders", "0001_initial"), ("orders", "0002_orderevent_kind_choices")}

    missing = unapplied_migrations(applied)

    assert ("orders", "0001_initial") not in missing
    assert ("orders", "0003_event_messages_in_words") in missing
    assert unapplied_migrations(applied | set(missing)) == []


def _metrics(client: Client, **headers: Any) -> Any:
    return client.get("/metrics", headers=headers)


def test_metrics_show_database_gauges_and_this_process_requests(account: Account) -> None:
    # Given a failed sync run this hour, a succeeded one two hours ago and a waiting job
    now = timezone.now()
    channel = Channel.objects.create(account=account, kind="manual", name="Phone orders")
    for outcome, started in (("failed", now), ("succeeded", now - timedelta(hours=2))):
        SyncRun.objects.create(
            account=account, channel=channel, kind="orders", outcome=outcome, started_at=started
        )
    _ready_job("sync", enqueued_at=now)
    client = Client()
    before = requests.snapshot().get(("GET", 302), 0)
    client.get("/")  # the hub's home redirects to sign-in

    # When a loopback client scrapes
    response = _metrics(client)

    # Then the gauges come from the database and the counter is this process's
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert 'crossdock_sync_runs_last_hour{outcome="failed"} 1\n' in text
    assert 'crossdock_sync_runs_last_hour{outcome="succeeded"} 0\n' in text
    assert 'crossdock_queue_ready_jobs{queue="sync"} 1\n' in text
    assert 'crossdock_queue_ready_jobs{queue="desk"} 0\n' in text
    assert 'crossdock_write_backs{state="dead"} 0\n' in text
    assert 'crossdock_desk_notices{state="failed"} 0\n' in text
    assert "crossdock_export_skips 0\n" in text
    assert (
        f'crossdock_http_requests_total{{pid="{os.getpid()}",method="GET",code="302"}} '
        f"{before + 1}\n"
    ) in text
    assert "Phone orders" not in text
    assert "Acme" not in text


def test_metrics_without_a_token_refuse_a_remote_client() -> None:
    response = _metrics(Client(REMOTE_ADDR="203.0.113.9"))

    assert response.status_code == 403
    assert response.content == (
        b"Metrics are served only to this machine: set CROSSDOCK_METRICS_TOKEN to scrape "
        b"from elsewhere.\n"
    )


def test_metrics_without_a_token_refuse_loopback_behind_a_proxy() -> None:
    response = _metrics(Client(), **{"X-Forwarded-For": "203.0.113.9"})

    assert response.status_code == 403


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic c2NyYXBlOng="])
def test_metrics_with_a_token_refuse_a_request_without_it(
    settings: Settings, authorization: str | None
) -> None:
    settings.METRICS_TOKEN = "scrape-token-123"
    headers = {} if authorization is None else {"Authorization": authorization}

    response = _metrics(Client(), **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"scrape-token-123" not in response.content
    assert response.content == b"A bearer token is needed for metrics.\n"


def test_metrics_with_a_token_serve_a_remote_client_that_sends_it(
    settings: Settings,
) -> None:
    settings.METRICS_TOKEN = "scrape-token-123"

    response = _metrics(Client(REMOTE_ADDR="203.0.113.9"), Authorization="Bearer scrape-token-123")

    assert response.status_code == 200
    assert response.content.decode().startswith("# HELP crossdock_write_backs ")


def test_readyz_answer_is_json_an_orchestrator_can_read() -> None:
    response = Client().get("/readyz")

    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["status"] == "ready"
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_readiness_names_the_database_when_it_cannot_be_opened(tmp_path: Path) -> None:
    # Given a database in a folder that does not exist (an SQLite file cannot be opened there)
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "no" / "db")}}
    )
    unreachable = handler["default"]

    # When readiness runs against it
    result = readiness(timezone.now(), unreachable)

    # Then the database check fails and the others are not run
    assert result.ready is False
    assert result.failing == ("database", "migrations", "queue_lag")
    assert result.checks == (
        Check("database", False, "the database did not answer"),
        Check("migrations", False, "not checked"),
        Check("queue_lag", False, "not checked"),
    )
    unreachable.close()
