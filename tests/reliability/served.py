"""Served processes for the reliability suites: their environment, and code run in them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx

from crossdock.sandbox.faults import FaultKind, FaultSettings, draw_fault
from tests.serving import CROSSDOCK, migrated_data_folder


def _served_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return env | {"CROSSDOCK_DATA_DIR": str(data_dir), "CROSSDOCK_SANDBOX": "1"}


def migrated_env(tmp_path: Path) -> dict[str, str]:
    """The environment of served processes sharing one migrated SQLite file in ``tmp_path``.

    The folder is a copy of one migrated once per session (its database and generated keys),
    so every scenario starts from the same fresh, fully migrated state.
    """
    return _served_env(migrated_data_folder(tmp_path / "data"))


def start_worker(env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """A ``crossdock worker`` process in its own process group (so ``os.killpg`` ends it and
    every thread it started), ticking every 0.2 seconds; its output goes to ``log``, or
    nowhere."""
    with log.open("w") if log is not None else contextlib.nullcontext() as output:
        return subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
            [CROSSDOCK, "worker", "--interval", "0.2"],
            env=env,
            stdout=output if output is not None else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if output is not None else subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def kill_worker(worker: subprocess.Popen[bytes]) -> None:
    """End a worker from :func:`start_worker` with ``SIGKILL``, as a crash would."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


@contextlib.contextmanager
def running_worker(
    env: dict[str, str], log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker from :func:`start_worker` until the block ends, then stopped (``SIGTERM``)."""
    worker = start_worker(env, log)
    try:
        yield worker
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def stocked_channel_setup(
    *, shop: str, code: str, account: str, base: str, seed: int, orders: int, stock: int
) -> str:
    """Code for :func:`manage` that opens a sandbox shop named ``shop`` (faults drawn from
    ``seed``, none on yet) with ``orders`` orders, an account named ``account`` whose
    catalog holds every SKU of the shop with ``stock`` units in its "Main warehouse", and
    that account's sandbox channel to the shop at ``base``.

    It leaves ``created`` (the shop and its token), ``orders``, ``account``, ``source`` and
    ``channel`` defined, with ``json``, ``SYSTEM``, ``create_token`` and the sandbox's
    ``services``, for the scenario's own code that follows.
    """
    return f"""
import json
from crossdock.core.actors import SYSTEM
from crossdock.hub.accounts.services import create_account, create_token
from crossdock.hub.catalog.services import create_product, create_source, receive
from crossdock.hub.channels.services import add_channel
from crossdock.sandbox import services
created = services.create_shop({shop!r}, {code!r})
services.configure_faults(created.shop, {{"fault_seed": {seed}}})
orders = services.generate_orders(created.shop, {orders})
account = create_account({account!r}, "owner@{account.lower()}.test", "s3cret-pass-9")
source = create_source(account, "Main warehouse")
for listing in created.shop.listings.all():
    create_product(account, listing.sku, listing.title)
    receive(account, listing.sku, source, {stock}, SYSTEM, "opening stock")
channel = add_channel(account, "sandbox", {shop!r},
                      {{"base_url": {base!r}, "api_token": created.token}})
"""


def manage(env: dict[str, str], code: str) -> dict[str, object]:
    """Run ``code`` in ``crossdock manage shell``; what it printed after ``RESULT ``."""
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [CROSSDOCK, "manage", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(lines[-1][len("RESULT ") :]) if lines else {}


def answered_lists(found: dict[str, object], *keys: str) -> list[list[object]]:
    """The lists a snippet run by :func:`manage` answered under ``keys`` (each checked to be
    a list), in that order."""
    lists = [found[key] for key in keys]
    assert all(isinstance(value, list) for value in lists), lists
    return [list(value) for value in lists if isinstance(value, list)]


def soak_line(
    name: str,
    *,
    faults: int,
    operations: int,
    lost: int,
    duplicated: int,
    seconds: float,
    **extra: object,
) -> str:
    """Print (and return) a scenario's one ``soak:`` line, the figures ``make soak`` reports.

    ``faults`` counts what the scenario injected (killed processes, failed or hung calls,
    dropped connections), ``operations`` the work it checked, ``lost`` and ``duplicated``
    what it found wrong (asserted to be zero by the scenario itself).
    """
    parts = [
        f"soak: {name}",
        f"faults={faults}",
        f"operations={operations}",
        f"lost={lost}",
        f"duplicated={duplicated}",
        f"seconds={seconds:.1f}",
        *(f"{key}={value}" for key, value in extra.items()),
    ]
    line = " ".join(parts)
    print(line)
    return line


def faults_drawn(settings: FaultSettings, first: int, last: int) -> Counter[FaultKind]:
    """The faults a sandbox shop with ``settings`` met on its requests ``first`` to ``last``
    (its ``request_count`` before the first and after the last), recomputed with the shop's
    own pure draw: a request's fault depends only on the seed and its number. A failed
    write counts as ``error`` (whether it was stored first is drawn for writes only)."""
    drawn = Counter(
        draw_fault(settings, number, is_write=False) for number in range(first, last + 1)
    )
    del drawn[FaultKind.NONE]
    return drawn


def faults_met(base: str, token: str) -> list[dict[str, object]]:
    """The fault log of the sandbox shop at ``base`` (its API root) with ``token``: every
    request of its marketplace API that met a fault, in order."""
    answer = httpx.get(
        f"{base}/received/faults", headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    assert answer.status_code == 200, answer.text
    log: list[dict[str, object]] = answer.json()["faults"]
    return log


#: Run in ``crossdock manage shell``: exec each JSON-encoded snippet read from stdin.
_SHELL_LOOP = """
import json, sys
for line in sys.stdin:
    exec(json.loads(line), {})
    print("END", flush=True)
"""


class ManageShell:
    """One ``crossdock manage shell`` kept open: :func:`manage` without a Django start per call.

    On a loaded machine a process start costs seconds; a scenario that moves clocks or
    reads states many times runs its snippets here instead. Each snippet prints its answer
    after ``RESULT `` like :func:`manage`; its errors end the shell and fail the call.
    """

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._log = log
        with log.open("w") as errors:
            self._process = subprocess.Popen(  # noqa: S603 - our own console script
                [CROSSDOCK, "manage", "shell", "-c", _SHELL_LOOP],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )

    def __call__(self, code: str) -> dict[str, object]:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None
        assert stdout is not None
        stdin.write(json.dumps(code) + "\n")
        stdin.flush()
        result: dict[str, object] = {}
        for line in stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT ") :])
            elif line.strip() == "END":
                return result
        raise AssertionError(self._log.read_text()[-3000:])

    def __enter__(self) -> ManageShell:
        return self

    def __exit__(self, *_: object) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        finally:
            if self._process.poll() is None:
                self._process.kill()
            if self._process.stdout is not None:
                self._process.stdout.close()
