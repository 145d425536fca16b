"""Online backups of the SQLite database, and restoring one, with SQLite's backup API.

SQLite copies a consistent snapshot of a database that other processes keep writing (the
web processes and workers need not stop); a plain file copy of a database in WAL mode may
miss what is still in its ``-wal`` file. A backup is one self-contained file (rollback
journal mode, owner-only permissions), written beside its target and renamed into place,
so a failed backup never leaves a half-written file under the name asked for.

Errors::

    BackupError           a backup or restore that did not happen; nothing was changed
    └── NotABackup        the file to restore is not a Crossdock SQLite database

PostgreSQL is backed up with its own tools (``pg_dump``/``pg_restore``; docs/operations.md).
The keys in the data folder are not in the database: a backup without
``CROSSDOCK_ENCRYPTION_KEY`` cannot decrypt the channel and store secrets it holds.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: Seconds a backup or restore waits for a writer holding the database.
BUSY_TIMEOUT = 30.0


class BackupError(Exception):
    """A backup or restore did not happen; the message says why, and nothing was changed."""


class NotABackup(BackupError):
    """The file offered for a restore is not a Crossdock SQLite database."""


def _close(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.close()


def backup_sqlite(database: Path, target: Path) -> int:
    """Copy ``database`` into the new file ``target`` while it stays in use; its size in bytes.

    ``target`` must not exist yet (a backup never overwrites one) and its folder must.
    """
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    # Owner-only from the first byte: the file holds password hashes and encrypted secrets.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        source = sqlite3.connect(database, timeout=BUSY_TIMEOUT)
        copy = sqlite3.connect(partial, timeout=BUSY_TIMEOUT)
        try:
            source.backup(copy)
            # One self-contained file: no -wal beside it to lose when it is copied away.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            _close(copy)
            _close(source)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup failed: {error}") from error
    return target.stat().st_size


def check_backup(path: Path) -> None:
    """Raise :class:`NotABackup` unless ``path`` is an intact SQLite database of Crossdock."""
    if not path.is_file():
        raise NotABackup(f"{path} is not a file")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise NotABackup(f"{path} is not an SQLite database")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
            migrations = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        finally:
            _close(connection)
    except sqlite3.Error as error:
        raise NotABackup(f"{path} cannot be read as an SQLite database: {error}") from error
    if verdict != "ok":
        raise NotABackup(f"{path} is damaged (SQLite's quick check says: {verdict})")
    if migrations is None:
        raise NotABackup(f"{path} is an SQLite database, but not one of Crossdock")


def restore_sqlite(backup: Path, database: Path) -> None:
    """Replace the content of ``database`` with the backup ``backup``, checked first.

    Runs through the backup API into the live file, so an open WAL and other connections stay
    coherent; stop the web processes and workers first all the same, or they carry on with
    what they had read before.
    """
    check_backup(backup)
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        target = sqlite3.connect(database, timeout=BUSY_TIMEOUT)
        try:
            source.backup(target)
        finally:
            _close(target)
            _close(source)
    except sqlite3.Error as error:
        raise BackupError(f"the restore failed: {error}") from error
