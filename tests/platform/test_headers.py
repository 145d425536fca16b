"""A Content-Security-Policy on every page, no caching of signed-in pages, HTTPS settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from crossdock.desk.accounts.models import DeskAccount
from crossdock.hub.accounts.models import Account
from tests.fixtures.api import DESK_LOGIN, HUB_LOGIN
from tests.fixtures.desk import desk_client

SOURCE = Path(__file__).resolve().parents[2] / "src" / "crossdock"
INLINE = re.compile(
    r"""\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)(?![^>]*application/json)|<style(?![^>]*nonce=)"""
)


def _policy(response: object) -> dict[str, str]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_html_page_gets_a_self_only_policy_that_forbids_framing(
    hub_account: Account, desk_account: DeskAccount
) -> None:
    hub = Client()
    hub.post("/login/", HUB_LOGIN)
    pages = [
        Client().get("/login/"),
        Client().get("/desk/login/"),
        hub.get("/"),
        hub.get("/settings/"),
        desk_client(**DESK_LOGIN).get("/desk/"),
    ]

    for page in pages:
        policy = _policy(page)
        assert page.status_code == 200
        assert policy["default-src"] == "'self'"
        assert re.fullmatch(r"'self' 'nonce-[\w-]+'", policy["script-src"])
        assert re.fullmatch(r"'self' 'nonce-[\w-]+'", policy["style-src"])
        assert policy["frame-ancestors"] == "'none'"
        assert page["X-Frame-Options"] == "DENY"
        assert page["X-Content-Type-Options"] == "nosniff"
        assert page["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_never_stored(hub_account: Account, desk_account: DeskAccount) -> None:
    hub = Client()
    hub.post("/login/", HUB_LOGIN)

    pages = [hub.get("/orders/"), hub.get("/"), desk_client(**DESK_LOGIN).get("/desk/shipments/")]

    for page in pages:
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        assert "private" in page["Cache-Control"]


def test_no_template_carries_inline_script_style_or_event_handlers() -> None:
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("templates/**/*.html")
        if "/email/" not in str(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]

    assert offenders == []


def _check_deploy(extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is no part of a production setup.
        if not key.startswith(("CROSSDOCK_", "DJANGO_"))
    }
    env |= {"CROSSDOCK_DATA_DIR": str(tmp_path), **extra}
    return subprocess.run(  # noqa: S603 - runs our own console script with fixed arguments
        [
            str(Path(sys.executable).parent / "crossdock"),
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("behind_proxy", ["0", "1"])
def test_check_deploy_is_clean_for_production_settings(behind_proxy: str, tmp_path: Path) -> None:
    result = _check_deploy(
        {
            "CROSSDOCK_HTTPS": "1",
            "CROSSDOCK_BEHIND_PROXY": behind_proxy,
            "CROSSDOCK_ALLOWED_HOSTS": "hub.example.com",
        },
        tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_plain_http_lacks(tmp_path: Path) -> None:
    result = _check_deploy({}, tmp_path)

    assert result.returncode == 1
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr
    assert "SESSION_COOKIE_SECURE" in result.stderr
