"""Styled 404 and 500 pages for the hub and the desk, and the favicon both link."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from crossdock import urls as site_urls
from crossdock.error_pages import server_error
from crossdock.hub.accounts.services import create_account


def test_a_missing_hub_page_is_the_styled_404(db: None) -> None:
    response = Client().get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<h1 id="error-title">Page not found</h1>' in html
    assert '<a class="brand" href="/">Crossdock</a>' in html
    assert '<link rel="stylesheet" href="/static/crossdock/app.css">' in html
    assert '<link rel="icon" href="/static/crossdock/favicon.svg" type="image/svg+xml">' in html
    assert '<a class="button button-primary" href="/">Go to the dashboard</a>' in html


def test_a_missing_desk_page_is_the_404_in_desk_styling(db: None) -> None:
    response = Client().get("/desk/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<a class="brand" href="/desk/">Crossdock desk</a>' in html
    assert "<title>Page not found · Crossdock desk</title>" in html


def test_a_view_raising_not_found_shows_the_styled_page_without_its_reason(db: None) -> None:
    # given a signed-in merchant asking for an order that is not theirs
    create_account("Acme", "acme@example.com", "s3cret-pass")
    client = Client()
    assert client.login(username="acme@example.com", password="s3cret-pass")

    response = client.get("/orders/999999/")

    assert response.status_code == 404
    assert '<h1 id="error-title">Page not found</h1>' in response.content.decode()
    assert "no such order" not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "brand"), [("/orders/1/", "Crossdock"), ("/desk/orders/1/", "Crossdock desk")]
)
def test_the_500_page_renders_without_the_database(path: str, brand: str) -> None:
    # no db fixture: any query here would fail the test
    response = server_error(RequestFactory().get(path))

    html = response.content.decode()
    assert response.status_code == 500
    assert '<h1 id="error-title">Something went wrong</h1>' in html
    assert f"<title>Something went wrong · {brand}</title>" in html
    assert '<link rel="stylesheet" href="/static/crossdock/app.css">' in html


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a secret detail that must not show")


#: The site's URLs plus a view that fails, with the site's own error handlers.
urlpatterns = [path("desk/boom/", _boom), path("boom/", _boom), *site_urls.urlpatterns]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("path", "brand"), [("/boom/", "Crossdock"), ("/desk/boom/", "Crossdock desk")]
)
def test_an_unhandled_error_answers_the_styled_500(db: None, path: str, brand: str) -> None:
    response = Client(raise_request_exception=False).get(path)

    html = response.content.decode()
    assert response.status_code == 500
    assert f"<title>Something went wrong · {brand}</title>" in html
    assert "secret detail" not in html


def test_the_favicon_is_served_and_linked_from_both_faces(db: None) -> None:
    client = Client()

    redirected = client.get("/favicon.ico")
    icon = client.get("/static/crossdock/favicon.ico")
    hub_login = client.get("/login/").content.decode()
    desk_login = client.get("/desk/login/").content.decode()

    assert redirected.status_code == 301
    assert redirected["Location"] == "/static/crossdock/favicon.ico"
    assert icon.status_code == 200
    assert icon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # type: ignore[attr-defined]
    icon.close()
    for page in (hub_login, desk_login):
        assert '<link rel="icon" href="/static/crossdock/favicon.svg" type="image/svg+xml">' in page
