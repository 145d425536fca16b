"""Readiness: may this process take traffic? The database answers, its schema is current,
and no queue's oldest ready job has waited past ``settings.READY_MAX_QUEUE_LAG`` seconds.

Each check is cheap: one ``SELECT 1``, one read of ``django_migrations`` against the
migration graph (read from disk once per process), one grouped query over ready jobs. A
check that cannot run because an earlier one failed is reported as not checked. What a
failure says names the check and never the database's own error text (it may name hosts and
users); that goes to the log, redacted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from crossdock.core.display import plural
from crossdock.ops.queues import queue_lags

logger = logging.getLogger(__name__)

NOT_CHECKED = "not checked"


@dataclass(frozen=True)
class Check:
    """One readiness check: its name, whether it passed, and a sentence saying why not."""

    name: str
    passed: bool
    detail: str = "ok"


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(check.name for check in self.checks if not check.passed)


@cache
def _migration_graph() -> MigrationGraph:
    # The code's migrations do not change while the process runs: read them once.
    graph: MigrationGraph = MigrationLoader(None, ignore_no_migrations=True).graph
    return graph


def unapplied_migrations(applied: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Migrations of the code not in ``applied`` (a squashed one counts once all it replaces is)."""
    graph = _migration_graph()
    missing: list[tuple[str, str]] = []
    for key in graph.nodes:
        if key in applied:
            continue
        replaces = getattr(graph.nodes[key], "replaces", [])
        if replaces and all(tuple(old) in applied for old in replaces):
            continue
        missing.append(key)
    return sorted(missing)


def check_database(database: BaseDatabaseWrapper = connection) -> Check:
    try:
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("readiness: the database did not answer", exc_info=True)
        return Check("database", False, "the database did not answer")
    return Check("database", True)


def check_migrations(database: BaseDatabaseWrapper = connection) -> Check:
    try:
        applied = set(MigrationRecorder(database).applied_migrations())
    except DatabaseError:
        logger.warning("readiness: cannot read the applied migrations", exc_info=True)
        return Check("migrations", False, "cannot read the applied migrations")
    missing = unapplied_migrations(applied)
    if missing:
        return Check(
            "migrations",
            False,
            f"{plural(len(missing), 'migration')} not applied (run `crossdock migrate`)",
        )
    return Check("migrations", True)


def check_queue_lag(now: datetime, limit_seconds: int) -> Check:
    try:
        lags = queue_lags(now)
    except DatabaseError:
        logger.warning("readiness: cannot read the task queues", exc_info=True)
        return Check("queue_lag", False, "cannot read the task queues")
    late = [lag for lag in lags if lag.oldest_wait_seconds > limit_seconds]
    if late:
        worst = max(late, key=lambda lag: lag.oldest_wait_seconds)
        return Check(
            "queue_lag",
            False,
            f"the oldest ready job in queue {worst.queue} has waited "
            f"{worst.oldest_wait_seconds:.0f} s (limit {limit_seconds} s)",
        )
    return Check("queue_lag", True)


def readiness(now: datetime, database: BaseDatabaseWrapper = connection) -> Readiness:
    """Run the checks in order; after a failure the checks that depend on it are not run.

    ``database`` is Django's default connection; the queue check reads through the ORM.
    """
    reachable = check_database(database)
    if not reachable.passed:
        return Readiness(
            (
                reachable,
                Check("migrations", False, NOT_CHECKED),
                Check("queue_lag", False, NOT_CHECKED),
            )
        )
    migrations = check_migrations(database)
    if not migrations.passed:
        return Readiness((reachable, migrations, Check("queue_lag", False, NOT_CHECKED)))
    return Readiness((reachable, migrations, check_queue_lag(now, settings.READY_MAX_QUEUE_LAG)))
