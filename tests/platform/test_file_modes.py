"""The data folder, the SQLite file and the generated keys are readable by their owner only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from crossdock.config import data_dir, persistent_secret, private_file


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_folder_and_its_files_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSDOCK_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("CROSSDOCK_HASH_KEY", raising=False)

    folder = data_dir()
    persistent_secret("CROSSDOCK_HASH_KEY", "hash_key")
    database = private_file(folder / "crossdock.sqlite3")

    assert _mode(folder) == 0o700
    assert _mode(folder / "hash_key") == 0o600
    assert _mode(database) == 0o600
    assert database.read_bytes() == b""


def test_an_existing_database_file_is_left_as_it_is(tmp_path: Path) -> None:
    database = tmp_path / "crossdock.sqlite3"
    database.write_bytes(b"SQLite format 3\x00")

    private_file(database)

    assert database.read_bytes() == b"SQLite format 3\x00"
