"""``crossdock backup`` and ``crossdock restore`` run as an operator runs them: subprocesses."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from tests.serving import CROSSDOCK


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CROSSDOCK_")}
    env.pop("DATABASE_URL", None)
    return {**env, "CROSSDOCK_DATA_DIR": str(data), "COLUMNS": "500", **extra}


def _run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own command with fixed arguments
        [CROSSDOCK, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _order_numbers(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT number FROM orders_order ORDER BY number").fetchall()
    connection.close()
    return [row[0] for row in rows]


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder migrated and given the demo's orders once for the module (no process
    holds it open afterwards): each test works on its own copy."""
    folder = tmp_path_factory.mktemp("backup-demo") / "data"
    env = _env(folder)
    assert _run(env, "migrate").returncode == 0
    assert _run(env, "demo").returncode == 0
    return folder


@pytest.fixture
def data(demo_data: Path, tmp_path: Path) -> Path:
    """A data folder of this test's own holding a migrated database with the demo's orders."""
    folder = tmp_path / "data"
    shutil.copytree(demo_data, folder)
    return folder


def test_a_backup_restores_the_orders_after_the_database_is_wiped(
    data: Path, tmp_path: Path
) -> None:
    # Given a database with orders, backed up while it is in use
    env = _env(data)
    database = data / "crossdock.sqlite3"
    before = _order_numbers(database)
    copy = tmp_path / "crossdock-backup.sqlite3"
    backed_up = _run(env, "backup", "--to", str(copy))

    # When the database is wiped and the backup restored
    for name in ("crossdock.sqlite3", "crossdock.sqlite3-wal", "crossdock.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)
    restored = _run(env, "restore", "--from", str(copy), "--yes")

    # Then the orders are all back and every command works on the database again
    assert backed_up.returncode == 0, backed_up.stderr
    assert backed_up.stdout.startswith(f"Backed up {database} to {copy} (")
    assert "Without the encryption key" in backed_up.stdout
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout == f"Restored {copy} into {database}.\n"
    assert len(before) > 0
    assert _order_numbers(database) == before
    assert (
        _run(env, "demo", "--first-start").stdout == "Demo data already present; nothing loaded.\n"
    )


def test_restore_asks_before_replacing_a_database_and_a_no_changes_nothing(
    data: Path, tmp_path: Path
) -> None:
    env = _env(data)
    database = data / "crossdock.sqlite3"
    copy = tmp_path / "backup.sqlite3"
    assert _run(env, "backup", "--to", str(copy)).returncode == 0
    before = _order_numbers(database)
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM orders_order WHERE number = ?", [before[0]])
    connection.close()

    refused = _run(env, "restore", "--from", str(copy), stdin="n\n")

    assert refused.returncode == 1
    assert refused.stdout.startswith(f"Replace the database at {database} with {copy}?")
    assert refused.stderr == "error: Nothing was restored.\n"
    assert _order_numbers(database) == before[1:]


def test_restore_refuses_a_file_that_is_not_a_crossdock_database_and_changes_nothing(
    data: Path, tmp_path: Path
) -> None:
    env = _env(data)
    database = data / "crossdock.sqlite3"
    before = _order_numbers(database)
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (id INTEGER)")
    connection.close()

    not_sqlite = _run(env, "restore", "--from", str(text), "--yes")
    not_ours = _run(env, "restore", "--from", str(other), "--yes")

    assert not_sqlite.returncode == 1
    assert not_sqlite.stderr == (
        f"error: --from: {text} is not an SQLite database; the database was not changed\n"
    )
    assert not_ours.returncode == 1
    assert not_ours.stderr == (
        f"error: --from: {other} is an SQLite database, but not one of Crossdock; "
        "the database was not changed\n"
    )
    assert _order_numbers(database) == before


def test_backup_never_overwrites_a_file(data: Path, tmp_path: Path) -> None:
    existing = tmp_path / "kept.sqlite3"
    existing.write_bytes(b"keep me")

    result = _run(_env(data), "backup", "--to", str(existing))

    assert result.returncode == 1
    assert result.stderr == (
        f"error: --to: {existing} exists already; choose a new file name; nothing was written\n"
    )
    assert existing.read_bytes() == b"keep me"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "kept.sqlite3"]


def test_backup_and_restore_point_postgresql_to_its_own_tools(tmp_path: Path) -> None:
    env = _env(tmp_path / "data", DATABASE_URL="postgres://crossdock@127.0.0.1:1/none")

    result = _run(env, "restore", "--from", str(tmp_path / "x.dump"), "--yes")

    assert result.returncode == 1
    assert result.stderr == (
        "error: DATABASE_URL points at PostgreSQL: back it up with pg_dump and restore it "
        "with pg_restore (docs/operations.md)\n"
    )
