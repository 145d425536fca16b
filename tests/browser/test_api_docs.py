"""Swagger UI renders the API docs with every request answered by this server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request
from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "title"),
    [("/api/docs", "Crossdock hub API"), ("/desk/api/v1/docs", "Crossdock shipping desk API")],
)
def test_the_api_docs_render_with_no_request_beyond_this_server(
    page: Page, live_server: LiveServer, path: str, title: str
) -> None:
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    page.goto(path)

    # The server builds the whole OpenAPI schema on its first request and Swagger UI lays
    # out every operation: on a loaded 2-core machine that took over the pages' 10 s.
    page.locator(".swagger-ui .info .title").filter(has_text=title).wait_for(timeout=60_000)
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=60_000)
    assert requested
    assert [url for url in requested if not url.startswith(live_server.url)] == []
