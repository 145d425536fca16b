"""What ``make`` installs for each target (``make -n`` prints the recipes without running them)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dry_run(target: str, venv: Path) -> str:
    return subprocess.run(  # noqa: S603 - make with fixed arguments
        ["make", "-n", "-C", str(ROOT), f"VENV={venv}", target],  # noqa: S607 - make on PATH
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_make_run_installs_the_package_without_the_dev_tools(tmp_path: Path) -> None:
    # Given a fresh virtualenv path, when `make run` is planned
    planned = _dry_run("run", tmp_path / "venv")

    # Then it installs the package alone and never the [dev] extra.
    assert "pip install --quiet -e .\n" in planned
    assert "[dev]" not in planned
    assert "crossdock migrate" in planned


def test_make_test_and_its_checks_install_the_dev_tools(tmp_path: Path) -> None:
    for target in ("test", "lint", "types", "contracts", "pytest"):
        planned = _dry_run(target, tmp_path / "venv")

        assert "pip install --quiet -e '.[dev]'" in planned, target
