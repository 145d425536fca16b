"""Served processes for the reliability suites: their environment, and code run in them."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

from crossdock.sandbox.faults import FaultKind, FaultSettings, draw_fault
from tests.serving import CROSSDOCK


def migrated_env(tmp_path: Path) -> dict[str, str]:
    """The environment of served processes sharing one migrated SQLite file in ``tmp_path``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {"CROSSDOCK_DATA_DIR": str(tmp_path / "data"), "CROSSDOCK_SANDBOX": "1"}
    subprocess.run([CROSSDOCK, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
    return env


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
