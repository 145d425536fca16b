"""Runtime configuration read from the environment, with first-run generated secrets.

Everything an operator sets is an environment variable (see ``docs/configuration.md``).
Secrets that are not set are generated once into the data folder so a single-machine
install keeps working across restarts without the operator managing keys.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    """The folder holding the SQLite file and generated secrets (``CROSSDOCK_DATA_DIR``)."""
    path = Path(os.environ.get("CROSSDOCK_DATA_DIR", "data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
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
