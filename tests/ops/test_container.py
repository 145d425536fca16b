"""The container recipe, checked without building it: no image can be pulled here.

What can be checked is: compose.yaml is valid YAML with the three services, every
``crossdock`` command the Containerfile and compose.yaml run exists with the options they
pass, and the Containerfile runs as a non-root user on a slim Debian base without dev tools.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.core
import typer.main
import yaml

from crossdock.cli.root import app

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = (ROOT / "Containerfile").read_text(encoding="utf-8")
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", CONTAINERFILE)
    return [
        line.split(None, 1)[1] for line in joined.splitlines() if line.split(None, 1)[:1] == [name]
    ]


def _crossdock_calls(command: list[str]) -> list[list[str]]:
    """The ``crossdock …`` invocations in an exec-form command, ``sh -c`` scripts included."""
    words = shlex.split(command[2]) if command[:2] == ["sh", "-c"] else command
    calls: list[list[str]] = []
    current: list[str] | None = None
    for word in words:
        if word in {"&&", "||", ";", "exec"}:
            current = None
        elif word == "crossdock":
            current = []
            calls.append(current)
        elif current is not None:
            current.append(word)
    return calls


def _assert_cli_accepts(call: list[str]) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    name, *options = call
    command = group.commands.get(name)
    assert command is not None, f"crossdock has no command {name!r}"
    known = {flag for param in command.params for flag in (*param.opts, *param.secondary_opts)}
    flags = [option for option in options if option.startswith("--")]
    assert [flag for flag in flags if flag not in known] == []


def test_compose_runs_postgresql_a_web_service_and_a_worker() -> None:
    assert sorted(COMPOSE["services"]) == ["db", "web", "worker"]
    web, worker = COMPOSE["services"]["web"], COMPOSE["services"]["worker"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://crossdock:")
    assert web["environment"] == worker["environment"]
    assert web["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert worker["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_every_command_compose_runs_exists_in_the_cli() -> None:
    web = _crossdock_calls(COMPOSE["services"]["web"]["command"])
    worker = _crossdock_calls(COMPOSE["services"]["worker"]["command"])

    assert web == [["migrate"], ["serve", "--no-worker", "--workers", "2"]]
    assert worker == [["worker"]]
    for call in (*web, *worker):
        _assert_cli_accepts(call)


def test_the_containerfile_migrates_then_serves_without_in_process_workers() -> None:
    (cmd,) = _instructions("CMD")
    calls = _crossdock_calls(json.loads(cmd))

    assert calls == [["migrate"], ["serve", "--no-worker"]]
    for call in calls:
        _assert_cli_accepts(call)


def test_the_containerfile_runs_as_a_non_root_user_on_slim_debian_without_dev_tools() -> None:
    (base,) = _instructions("FROM")
    runs = " ".join(_instructions("RUN"))

    assert re.fullmatch(r"docker\.io/library/python:3\.\d+-slim-bookworm", base)
    assert _instructions("USER") == ["crossdock"]
    assert _instructions("VOLUME") == ['["/data"]']
    assert "pip install --no-compile . " in runs
    assert "[dev]" not in runs
    assert "CROSSDOCK_DATA_DIR=/data" in " ".join(_instructions("ENV"))


def test_the_cli_check_refuses_a_command_or_an_option_that_does_not_exist() -> None:
    with pytest.raises(AssertionError, match="crossdock has no command 'web'"):
        _assert_cli_accepts(["web"])
    with pytest.raises(AssertionError):
        _assert_cli_accepts(["serve", "--no-such-option"])
