"""The SQLite backend's process-wide writer lock: taken at BEGIN, handed on at the end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from crossdock import settings as crossdock_settings
from crossdock.platform.sqlite import base
from crossdock.platform.sqlite.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the writer lock belongs to the SQLite backend"
)


@pytest.fixture
def on_file(tmp_path: Path, db: None) -> Iterator[DatabaseWrapper]:
    """A connection of the Crossdock backend to a SQLite file (the tests' own is in memory)."""
    settings = {**connection.settings_dict, "NAME": str(tmp_path / "writer.sqlite3")}
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "timeout": 1}
    wrapper = DatabaseWrapper(settings, alias="writer-check")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()
    assert not base._WRITER.locked()


def _begin(wrapper: DatabaseWrapper) -> None:
    """``BEGIN`` as ``transaction.atomic`` starts it on SQLite."""
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_transaction_holds_the_writer_lock_until_it_commits(on_file: DatabaseWrapper) -> None:
    # given a transaction begun on a file database
    _begin(on_file)
    held = base._WRITER.locked()
    # when it commits
    on_file.commit()
    on_file.set_autocommit(True)
    # then the lock was held meanwhile and is free again
    assert held
    assert not base._WRITER.locked()


def test_a_rolled_back_or_closed_transaction_hands_the_lock_on(on_file: DatabaseWrapper) -> None:
    # given a transaction rolled back, and another left open when the connection closes
    _begin(on_file)
    on_file.rollback()
    on_file.set_autocommit(True)
    after_rollback = base._WRITER.locked()
    _begin(on_file)
    on_file.close()
    # then neither keeps the lock
    assert not after_rollback
    assert not base._WRITER.locked()


def test_a_second_writer_waits_for_the_first_to_commit(on_file: DatabaseWrapper) -> None:
    # given a transaction in progress
    _begin(on_file)
    with on_file.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    order: list[str] = []

    def second() -> None:
        other = DatabaseWrapper(on_file.settings_dict, alias="writer-second")
        other.ensure_connection()
        _begin(other)
        order.append("second began")
        other.commit()
        other.close()

    # when another thread begins one, and the first commits afterwards
    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=0.2)
    order.append("first commits")
    on_file.commit()
    on_file.set_autocommit(True)
    thread.join(timeout=5)
    # then the second began only once the first was done
    assert order == ["first commits", "second began"]


def test_an_in_memory_database_takes_no_lock(db: None) -> None:
    # given the tests' in-memory database, inside the test's transaction
    default = connections["default"]
    assert isinstance(default, DatabaseWrapper)
    assert default.is_in_memory_db()
    assert default.in_atomic_block
    # then the process lock is free
    assert not base._WRITER.locked()


def test_a_sqlite_file_keeps_each_threads_connection_between_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the SQLite file of a data folder (no DATABASE_URL)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CROSSDOCK_DATA_DIR", str(tmp_path))
    # when the database settings are built
    config = crossdock_settings._database()
    # then a connection is kept for 60 s, as on PostgreSQL, not opened for every request
    assert (config["ENGINE"], config["CONN_MAX_AGE"]) == ("crossdock.platform.sqlite", 60)
