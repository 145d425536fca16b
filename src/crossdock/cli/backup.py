"""``crossdock backup`` and ``crossdock restore``: the SQLite database to a file and back."""

from __future__ import annotations

from pathlib import Path

import typer

from crossdock.cli.output import console, fail
from crossdock.cli.server import database_problem
from crossdock.config import data_dir, ensure_data_dir, sqlite_file
from crossdock.ops.backup import BackupError, backup_sqlite, restore_sqlite

POSTGRES_BACKUP = (
    "DATABASE_URL points at PostgreSQL: back it up with pg_dump and restore it with "
    "pg_restore (docs/operations.md)"
)
KEY_NAMES = (
    ("CROSSDOCK_ENCRYPTION_KEY", "encryption_key"),
    ("CROSSDOCK_SECRET_KEY", "secret_key"),
    ("CROSSDOCK_HASH_KEY", "hash_key"),
)


def _keys_reminder() -> str:
    folder = data_dir()
    files = ", ".join(name for _, name in KEY_NAMES)
    return (
        f"Keep the keys too, apart from the backup: the files {files} in {folder} (or the "
        "CROSSDOCK_*_KEY variables that replace them). Without the encryption key the "
        "channel and store secrets in the backup cannot be read."
    )


def backup(
    to: Path = typer.Option(..., "--to", help="The new file to write the backup to."),  # noqa: B008 - typer declares options as defaults
) -> None:
    """Copy the SQLite database to a new file while Crossdock keeps running."""
    database = sqlite_file()
    if database is None:
        raise fail(POSTGRES_BACKUP)
    try:
        size = backup_sqlite(database, to.expanduser())
    except BackupError as error:
        raise fail(f"--to: {error}; nothing was written") from None
    console.print(f"Backed up {database} to {to} ({size:,} bytes).", highlight=False)
    console.print(_keys_reminder(), highlight=False)


def restore(
    source: Path = typer.Option(..., "--from", help="A file written by `crossdock backup`."),  # noqa: B008 - typer declares options as defaults
    yes: bool = typer.Option(False, "--yes", help="Replace the database without asking."),
) -> None:
    """Replace the SQLite database with a backup (stop the server and workers first)."""
    database = sqlite_file()
    if database is None:
        raise fail(POSTGRES_BACKUP)
    has_data = database.exists() and database.stat().st_size > 0
    if (
        has_data
        and not yes
        and not typer.confirm(
            f"Replace the database at {database} with {source}? "
            "Everything written since that backup is lost."
        )
    ):
        raise fail("Nothing was restored.")
    ensure_data_dir()
    try:
        restore_sqlite(source.expanduser(), database)
    except BackupError as error:
        raise fail(f"--from: {error}; the database was not changed") from None
    console.print(f"Restored {source} into {database}.", highlight=False)
    problem = database_problem()
    if problem:
        console.print(
            "The backup is from an older version: run `crossdock migrate`.", highlight=False
        )
