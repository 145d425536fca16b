"""``crossdock serve`` and ``crossdock worker`` settle the collector once the code is loaded."""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from crossdock.cli import server
from crossdock.platform.startup import GC_THRESHOLDS


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_serve_freezes_the_loaded_application_before_forking_and_in_each_web_process(
    db: None, collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given gunicorn's run stubbed to record the collector's state and the configuration
    from gunicorn.app.base import BaseApplication

    seen: dict[str, Any] = {}

    def run(self: Any) -> None:
        seen["frozen"] = gc.get_freeze_count()
        seen["thresholds"] = gc.get_threshold()
        seen["post_worker_init"] = self.cfg.post_worker_init

    monkeypatch.setattr(BaseApplication, "run", run)
    # when `crossdock serve` starts (no in-process worker)
    server.serve(host="127.0.0.1", port=8801, workers=1, threads=1, with_worker=False)
    # then the application was frozen before gunicorn forked
    assert seen["frozen"] > 10_000
    assert seen["thresholds"] == GC_THRESHOLDS
    # and each web process settles again after its own start-up
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    seen["post_worker_init"](object())
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold() == GC_THRESHOLDS


def test_worker_freezes_the_loaded_code_before_it_runs_jobs(
    db: None, collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the job loop stubbed to record the collector's state when it starts
    seen: dict[str, Any] = {}

    def run_worker(stop: threading.Event, **options: Any) -> None:
        seen["frozen"] = gc.get_freeze_count()
        seen["thresholds"] = gc.get_threshold()

    monkeypatch.setattr(server, "run_worker", run_worker)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    # when `crossdock worker` starts on one queue
    server.worker(interval=1.0, queue=["default"])
    # then the code it loaded was frozen before the first job
    assert seen["frozen"] > 10_000
    assert seen["thresholds"] == GC_THRESHOLDS
