"""Runtime configuration read from the environment, with first-run generated secrets.

Everything an operator sets is an environment variable (see ``docs/configuration.md``).
Secrets that are not set are generated once into the data folder so a single-machine
install keeps working across restarts without the operator managing keys.

The data folder is one well-defined place, whatever folder a command runs in:
``CROSSDOCK_DATA_DIR`` when set, else the per-user data folder of the XDG base directory
rules (``$XDG_DATA_HOME/crossdock``, by default ``~/.local/share/crossdock``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: The SQLite file's name inside the data folder (when ``DATABASE_URL`` is not set).
SQLITE_NAME = "crossdock.sqlite3"
#: Switched off by :func:`forbid_creating` in processes that must leave the disk untouched.
_creating = {"allowed": True}


def data_dir() -> Path:
    """The folder holding the SQLite file and generated secrets; never creates it."""
    configured = os.environ.get("CROSSDOCK_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG rules ignore a relative XDG_DATA_HOME.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return (base / "crossdock").resolve()


def database_url() -> str:
    """``DATABASE_URL`` when set, else the SQLite file in the data folder."""
    return os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir() / SQLITE_NAME}"


def sqlite_file() -> Path | None:
    """The SQLite file the configuration points at, or ``None`` for another database."""
    if os.environ.get("DATABASE_URL", "").strip():
        return None
    return data_dir() / SQLITE_NAME


def forbid_creating() -> None:
    """From now on this process creates neither the data folder nor key files in it.

    For commands that only read (or only show help) while no database exists yet: keys that
    are not on disk are made up for this process alone and forgotten.
    """
    _creating["allowed"] = False


def may_create() -> bool:
    return _creating["allowed"]


def ensure_data_dir() -> Path:
    """The data folder, created (owner-only) when missing and creating is allowed."""
    path = data_dir()
    if may_create():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and readable by its owner only (0600) unless it exists.

    SQLite creates a database file with the process's umask (often 0644) and gives its
    ``-wal`` and ``-shm`` files the database file's mode, so creating the file first keeps
    all three private.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    os.close(fd)
    return path


def env_flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def persistent_secret(env_name: str, file_name: str, nbytes: int = 48) -> str:
    """Return the secret from ``env_name``, else from (or generated into) a data-folder file."""
    value = os.environ.get(env_name)
    if value:
        return value
    path = data_dir() / file_name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_urlsafe(nbytes)
    if not may_create():
        return value
    ensure_data_dir()
    # Create the file readable by its owner only; a second process racing us wins or loses
    # the O_EXCL create and then reads whatever was written first.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


def env_int(name: str, default: int, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` from ``name``; a bad value stops the start."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value
