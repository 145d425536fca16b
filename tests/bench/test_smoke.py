"""A tiny run of every benchmark scenario through ``crossdock bench``: they keep working.

No figure is asserted (timings belong to ``make bench``); a run that finishes has also
checked, inside the scenarios, that the hub and each baseline served the same documents
and recorded the same notices.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from crossdock.bench.harness import SCENARIOS, TABLE_BEGIN, TABLE_END
from tests.serving import CROSSDOCK

TINY = (
    *("--orders", "30", "--deep-orders", "250", "--notices", "16", "--ingest-orders", "20"),
    *("--stock-listings", "1", "--stock-listings", "3", "--pull-orders", "20"),
)


def _env() -> dict[str, str]:
    # Its own SQLite folder whatever database the suite runs on.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CROSSDOCK_") and key != "DATABASE_URL"
    }
    return env | {"CROSSDOCK_LOG_LEVEL": "WARNING"}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_scenario_runs_at_a_tiny_size_and_reports_its_rows(
    scenario: str, tmp_path: Path
) -> None:
    # given a doc with the table markers
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\n{TABLE_BEGIN}\nold\n{TABLE_END}\n\nkept\n")
    results = tmp_path / "results.json"
    # when one scenario runs at a tiny size with one round, on free ports
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [
            *(CROSSDOCK, "bench", scenario, *TINY, "--rounds", "1", "--port", "0"),
            *("--json", str(results), "--doc", str(doc)),
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # then it succeeded and reported every row of the scenario, each with a figure
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = json.loads(results.read_text())["rows"]
    assert {row["scenario"] for row in rows} == {scenario}
    assert all(row["median"] > 0 and row["rounds"] >= 1 for row in rows)
    text = doc.read_text()
    assert "old" not in text
    assert text.endswith(f"{TABLE_END}\n\nkept\n")
    assert f"| {scenario} |" in text
