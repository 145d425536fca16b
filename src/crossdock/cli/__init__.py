"""The ``crossdock`` command: the database is checked, Django is set up, then commands load.

Every command but ``migrate``, ``manage``, ``restore`` and ``customstore`` (which checks a
remote store and never touches the database) needs a migrated database. When the data
folder holds none, the command says so in one line and exits 1 before anything is created
(no data folder, no key files); a database that exists but is not migrated gets the same.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

#: Commands that run on a data folder without a migrated database (and may create it).
CREATING_COMMANDS = frozenset({"migrate", "manage", "restore", "bench"})
#: Commands that run on a fresh data folder of their own (a new temporary folder), never the
#: merchant's: the benchmarks build their own data sets.
OWN_DATA_COMMANDS = frozenset({"bench"})
#: Commands that never touch the database: they run with none, and create nothing.
DATABASE_FREE_COMMANDS = frozenset({"customstore"})


def _command(args: list[str]) -> str | None:
    return next((arg for arg in args if not arg.startswith("-")), None)


def _wants_help(args: list[str]) -> bool:
    return not args or "--help" in args or _command(args) is None


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crossdock.settings")
    from crossdock import config

    args = sys.argv[1:]
    if _command(args) in OWN_DATA_COMMANDS and not _wants_help(args):
        own = tempfile.mkdtemp(prefix="crossdock-bench-")
        if not os.environ.get("CROSSDOCK_BENCH_KEEP"):
            atexit.register(shutil.rmtree, own, ignore_errors=True)
        os.environ["CROSSDOCK_DATA_DIR"] = own
    database_free = _command(args) in DATABASE_FREE_COMMANDS
    checked = (
        _command(args) not in CREATING_COMMANDS and not _wants_help(args) and not database_free
    )
    sqlite = config.sqlite_file()
    if _command(args) not in CREATING_COMMANDS and sqlite is not None and not sqlite.exists():
        config.forbid_creating()
        if checked:
            _exit(f"No Crossdock database at {sqlite} (run `crossdock migrate` first).")
    import django

    django.setup()
    if checked:
        from crossdock.cli.server import database_problem

        problem = database_problem()
        if problem:
            _exit(problem)
    from crossdock.cli.root import app

    app()


def _exit(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(1)
