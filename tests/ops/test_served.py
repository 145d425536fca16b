"""The operations endpoints and JSON logs of ``crossdock serve``: gunicorn on 127.0.0.1.

What only a real server shows: ``CROSSDOCK_LOG_FORMAT=json`` read at start, each request's
access line in the log with its id, a Custom Store password that never reaches the log, and
the probes answering through gunicorn.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.serving import crossdock_serve, migrated_data_folder


@dataclass(frozen=True)
class Served:
    base: str
    log: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = migrated_data_folder(tmp_path_factory.mktemp("served-ops") / "data")
    # A server of its own on SQLite in its own folder, whatever database the suite runs on.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CROSSDOCK_") and key != "DATABASE_URL"
    }
    env |= {"CROSSDOCK_DATA_DIR": str(data), "CROSSDOCK_LOG_FORMAT": "json"}
    log = data / "serve.log"
    with crossdock_serve(env, log) as port:
        yield Served(f"http://127.0.0.1:{port}", log)


def _json_lines(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_the_probes_answer_through_gunicorn(served: Served) -> None:
    with httpx.Client(base_url=served.base, timeout=30) as client:
        health = client.get("/healthz")
        ready = client.get("/readyz")
        metrics = client.get("/metrics")

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert metrics.status_code == 200
    assert 'crossdock_queue_ready_jobs{queue="default"} 0\n' in metrics.text


def test_a_custom_store_call_logs_one_json_access_line_with_its_id_and_no_password(
    served: Served,
) -> None:
    with httpx.Client(base_url=served.base, timeout=30) as client:
        answer = client.get(
            "/shipstation/custom-store",
            params={"action": "export", "SS-UserName": "u", "SS-Password": "pw-never-logged-77"},
            headers={"X-Request-ID": "probe-1234"},
        )

    # The line is written after the answer is sent: wait until it is there (no time asserted)
    for _ in range(100):
        access = [line for line in _json_lines(served.log) if line["request_id"] == "probe-1234"]
        if access:
            break
        time.sleep(0.1)
    assert answer.status_code == 401
    assert answer.headers["X-Request-ID"] == "probe-1234"
    assert len(access) == 1
    assert access[0]["logger"] == "crossdock.access"
    assert str(access[0]["message"]).startswith("GET /shipstation/custom-store 401 ")
    assert "pw-never-logged-77" not in served.log.read_text()
