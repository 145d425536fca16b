"""Periodic work: apps register small "enqueue what is due" functions; workers tick them.

A periodic function must be cheap and idempotent: it reads schedules stored in the database
and enqueues the jobs that are due (the jobs themselves do the work). Any number of workers
may tick at once, so the functions rely on database state, never on process memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Periodic:
    name: str
    function: Callable[[], None]
    every_seconds: float


_REGISTRY: dict[str, Periodic] = {}


def register_periodic(name: str, function: Callable[[], None], every_seconds: float) -> None:
    """Register (or replace) a periodic function under ``name``; call from ``AppConfig.ready``."""
    _REGISTRY[name] = Periodic(name, function, every_seconds)


def registered() -> list[Periodic]:
    return sorted(_REGISTRY.values(), key=lambda periodic: periodic.name)


def run_due(last_run: dict[str, float], now: float) -> None:
    """Run each registered function whose interval has passed since ``last_run``."""
    for periodic in registered():
        if now - last_run.get(periodic.name, 0.0) < periodic.every_seconds:
            continue
        last_run[periodic.name] = now
        try:
            periodic.function()
        except Exception:
            # One failing schedule must not stop the others or the worker.
            logger.exception("periodic %s failed", periodic.name)
