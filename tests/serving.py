"""``crossdock serve`` started for a test: gunicorn on a free loopback port, its log in a file."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CROSSDOCK = str(Path(sys.executable).parent / "crossdock")


@functools.cache
def _migrated_template() -> Path:
    """A SQLite data folder migrated once per test session (``crossdock migrate`` on a fresh
    file takes many seconds on a loaded machine); tests start from copies of it."""
    template = Path(tempfile.mkdtemp(prefix="crossdock-migrated-")) / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CROSSDOCK_")
        and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [CROSSDOCK, "migrate"],
        env=env | {"CROSSDOCK_DATA_DIR": str(template)},
        check=True,
        capture_output=True,
        timeout=600,
    )
    atexit.register(shutil.rmtree, template.parent, ignore_errors=True)
    return template


def migrated_data_folder(folder: Path) -> Path:
    """``folder`` (not yet existing) made a copy of the session's migrated SQLite data folder:
    its database and generated keys, fresh and fully migrated."""
    shutil.copytree(_migrated_template(), folder)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def crossdock_serve(env: dict[str, str], log: Path) -> Iterator[int]:
    """Run one web process without worker until the block ends; yield its port once it listens."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [CROSSDOCK, "serve", "--port", str(port), "--workers", "1", "--no-worker"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # Its own process group: whatever gunicorn signals on its way down never
            # reaches the test run.
            start_new_session=True,
        )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
