"""Playwright driving Debian's headless Chromium against pytest-django's live server.

Never a downloaded browser: ``/usr/bin/chromium`` is what ``.ci/run`` installs. The
Playwright sync API runs an event loop in this thread, so Django's guard against ORM calls
from async contexts is lifted for these tests only (the ORM is used by setup code, not
concurrently with the loop).
"""

from __future__ import annotations

import os
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Route,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from tests.fixtures.browser import LAPTOP, Shoot

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


_SWATCH = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
    '<rect width="96" height="96" fill="hsl({hue},45%,82%)"/>'
    '<text x="48" y="58" font-family="sans-serif" font-size="30" font-weight="700" '
    'text-anchor="middle" fill="hsl({hue},50%,28%)">{letters}</text></svg>'
)


def offline(route: Route) -> None:
    """Answer a request for anything beyond the live server without leaving the machine."""
    url = route.request.url
    if route.request.resource_type != "image":
        route.fulfill(status=204, body="")
        return
    if "/media-proxy/" in url:
        url = parse_qs(urlsplit(url).query).get("u", [""])[0]
    name = url.rsplit("/", 1)[-1].split(".", 1)[0]
    hue = zlib.crc32(name.encode()) % 360
    letters = "".join(part[:1] for part in name.replace("_", "-").split("-")[:2]).upper()
    body = _SWATCH.format(hue=hue, letters=letters or "?")
    route.fulfill(status=200, content_type="image/svg+xml", body=body)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def context(
    browser: Browser, live_server: LiveServer, transactional_db: None
) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport=LAPTOP, base_url=live_server.url)
    made.set_default_timeout(10_000)
    # Nothing leaves loopback: remote product images, and the image proxy that would fetch
    # them server-side, are answered with a local swatch.
    made.route(
        lambda url: (
            not url.startswith(live_server.url) or url.startswith(f"{live_server.url}/media-proxy/")
        ),
        offline,
    )
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def shoot() -> Shoot:
    """Save a full-page screenshot under ``artifacts/screenshots`` (and the CI folder if set)."""

    def save(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        extra = os.environ.get("CROSSDOCK_SCREENSHOTS_DIR")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, Path(extra) / path.name)
        return path

    return save
