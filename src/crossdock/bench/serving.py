"""Servers for the benchmarks: ``crossdock serve`` and a bare WSGI app under the same gunicorn.

Both run as child processes in their own session, with the bench's environment (its data
folder and ``DATABASE_URL``), on loopback ports from ``Options.port`` up; both stop when the
scenario's stack closes. Peak memory is read from ``/proc`` (``VmHWM``, the high-water mark
of each process's resident set).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

#: gunicorn settings ``crossdock serve`` uses, so the baseline runs under the same server.
THREADS = 8
#: Seconds a silent gunicorn worker is given before it is restarted, as ``serve`` gives it.
WORKER_TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class Served:
    """A server started for a scenario."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_mb(self) -> float:
        """The largest peak resident set of the server's processes (the master's children)."""
        peaks = [_peak_kb(self.process.pid)]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            peaks += [_peak_kb(int(pid)) for pid in children.read_text().split()]
        return max(peaks) / 1024


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited: {log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start: {log.read_text()[-2000:]}")


def _start(
    stack: ExitStack, command: list[str], port: int, log: Path, env: dict[str, str] | None = None
) -> Served:
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            command,
            env={**os.environ, **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    stack.callback(stop)
    _wait_listening(port, process, log)
    return Served(port=port, process=process)


def serve_hub(stack: ExitStack, port: int, workers: int, data_dir: Path) -> Served:
    """``crossdock serve`` as a user runs it (gthread, 8 threads), without the job worker."""
    crossdock = str(Path(sys.executable).parent / "crossdock")
    command = [crossdock, "serve", "--port", str(port), "--workers", str(workers), "--no-worker"]
    return _start(stack, command, port, data_dir / f"hub-{port}.log")


def serve_baseline(
    stack: ExitStack, app: str, port: int, workers: int, data_dir: Path, env: dict[str, str]
) -> Served:
    """A bare WSGI callable (``module:function``) under gunicorn with ``serve``'s settings."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(THREADS),
        "--worker-class",
        "gthread",
        "--timeout",
        str(WORKER_TIMEOUT),
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
        app,
    ]
    return _start(stack, command, port, data_dir / f"baseline-{port}.log", env)


def worker_processes(stack: ExitStack, count: int, data_dir: Path) -> None:
    """``count`` separate ``crossdock worker`` processes (the scale-out layout)."""
    crossdock = str(Path(sys.executable).parent / "crossdock")
    for index in range(count):
        log = data_dir / f"worker-{index}.log"
        with log.open("w") as output:
            process = subprocess.Popen(  # noqa: S603 - our own console script
                [crossdock, "worker"],
                env=dict(os.environ),
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        stack.callback(process.terminate)
