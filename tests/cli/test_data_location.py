"""The ``crossdock`` command run as a user runs it: a subprocess, from some other folder.

Each test gives the command its own home folder and no ``CROSSDOCK_DATA_DIR``, so the data
folder is the per-user one, and checks what the command says and what it leaves on disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CROSSDOCK = str(Path(sys.executable).parent / "crossdock")
_UNSET = (
    "CROSSDOCK_DATA_DIR",
    "DATABASE_URL",
    "XDG_DATA_HOME",
    "CROSSDOCK_SECRET_KEY",
    "CROSSDOCK_ENCRYPTION_KEY",
    "CROSSDOCK_HASH_KEY",
    "DJANGO_SETTINGS_MODULE",
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere"
    path.mkdir()
    return path


def _run(cwd: Path, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in _UNSET}
    return subprocess.run(  # noqa: S603 - the project's own command with fixed arguments
        [CROSSDOCK, *args],
        cwd=cwd,
        env={**clean, "HOME": str(home), "COLUMNS": "500", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _tree(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


def test_a_command_without_a_database_says_what_to_do_in_one_line_and_creates_nothing(
    home: Path, elsewhere: Path
) -> None:
    # Given no database anywhere, when a command that reads runs from some folder
    result = _run(elsewhere, home, "channels", "list", "--account", "Acme")

    # Then it names the per-user data folder and the fix, exits 1, and creates nothing.
    database = home / ".local" / "share" / "crossdock" / "crossdock.sqlite3"
    assert result.returncode == 1
    assert result.stderr == (
        f"error: No Crossdock database at {database} (run `crossdock migrate` first).\n"
    )
    assert result.stdout == ""
    assert _tree(elsewhere) == []
    assert _tree(home) == []


def test_help_names_the_data_folder_and_creates_nothing(home: Path, elsewhere: Path) -> None:
    xdg = home / "xdg-data"

    result = _run(elsewhere, home, "--help", XDG_DATA_HOME=str(xdg))

    assert result.returncode == 0, result.stderr
    assert f"Data folder (SQLite file and generated keys): {xdg / 'crossdock'}." in result.stdout
    assert "CROSSDOCK_DATA_DIR" in result.stdout
    assert _tree(elsewhere) == []
    assert _tree(home) == []


def test_migrate_creates_the_database_in_the_data_folder_and_any_folder_finds_it(
    home: Path, elsewhere: Path, tmp_path: Path
) -> None:
    xdg = home / "xdg-data"
    other = tmp_path / "other"
    other.mkdir()

    migrated = _run(elsewhere, home, "migrate", XDG_DATA_HOME=str(xdg))
    made = _run(
        other,
        home,
        "account",
        "create",
        "--name",
        "Acme",
        "--email",
        "owner@acme.test",
        "--password",
        "long-enough",
        "--json",
        XDG_DATA_HOME=str(xdg),
    )

    assert migrated.returncode == 0, migrated.stderr
    assert made.returncode == 0, made.stderr
    assert '"name": "Acme"' in made.stdout
    assert {"crossdock.sqlite3", "secret_key", "encryption_key", "hash_key"} <= set(
        _tree(xdg / "crossdock")
    )
    assert _tree(elsewhere) == []
    assert _tree(other) == []


def test_crossdock_data_dir_wins_over_the_per_user_folder(home: Path, elsewhere: Path) -> None:
    chosen = home / "chosen"

    result = _run(
        elsewhere,
        home,
        "channels",
        "list",
        "--account",
        "Acme",
        CROSSDOCK_DATA_DIR=str(chosen),
        XDG_DATA_HOME=str(home / "xdg-data"),
    )

    assert result.returncode == 1
    assert result.stderr == (
        f"error: No Crossdock database at {chosen / 'crossdock.sqlite3'} "
        "(run `crossdock migrate` first).\n"
    )
    assert _tree(home) == []


def test_an_unmigrated_database_is_answered_in_one_line(home: Path, elsewhere: Path) -> None:
    # Given an empty SQLite file where the database belongs
    folder = home / "data"
    folder.mkdir()
    (folder / "crossdock.sqlite3").touch()

    result = _run(
        elsewhere, home, "channels", "list", "--account", "Acme", CROSSDOCK_DATA_DIR=str(folder)
    )

    assert result.returncode == 1
    assert result.stderr == (
        f"error: The Crossdock database at {folder / 'crossdock.sqlite3'} is not migrated "
        "(run `crossdock migrate` first).\n"
    )
    assert _tree(elsewhere) == []


def test_customstore_check_runs_without_a_database_and_creates_nothing(
    home: Path, elsewhere: Path
) -> None:
    # Given no database anywhere, when a store check runs against a closed loopback port
    result = _run(
        elsewhere,
        home,
        "customstore",
        "check",
        "http://127.0.0.1:9/shipstation",
        "--username",
        "u",
        "--password",
        "p",
        "--format",
        "json",
    )

    # Then it reports the store unreachable (exit 1), not a missing database, and creates nothing.
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["checks"] == [
        {
            "name": "connection",
            "verdict": "fail",
            "evidence": "Could not connect to host 127.0.0.1:9: check the URL, and that the "
            "store is online.",
        }
    ]
    assert _tree(elsewhere) == []
    assert _tree(home) == []
