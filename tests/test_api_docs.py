"""The API docs pages load Swagger UI from this server's own static files, never a CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DOCS = ("/api/v1/docs", "/desk/api/v1/docs")


@pytest.mark.parametrize("path", DOCS)
def test_the_docs_page_names_only_same_origin_assets_and_no_inline_script(path: str) -> None:
    page = Client().get(path)

    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets == [
        "/static/ninja/swagger-ui.css",
        "/static/ninja/favicon.svg",
        "/static/ninja/favicon.png",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    # The only <script> without src holds JSON settings, which a browser never runs.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert '"validatorUrl": null' in html


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [
        ("swagger-ui.css", "text/css"),
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui-init.js", "text/javascript"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
def test_swagger_assets_are_served_by_this_server(asset: str, content_type: str) -> None:
    answer = Client().get(f"/static/ninja/{asset}")
    answer.close()

    assert answer.status_code == 200
    assert answer["Content-Type"].split(";")[0] == content_type
