"""The Custom Store endpoint is answered past the page middleware (sessions, CSRF, …)."""

from __future__ import annotations

from django.test import Client

from crossdock.hub.accounts.models import Account


def test_a_custom_store_answer_skips_the_page_middleware_but_keeps_id_and_security_headers(
    hub_account: Account,
) -> None:
    # given a client with a CSRF cookie and no credentials
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    # when it calls the Custom Store endpoint
    response = client.post("/shipstation/custom-store?action=shipnotify", b"", "application/xml")
    # then the endpoint answered itself (401), with the request id and nosniff
    assert response.status_code == 401
    assert response["X-Request-ID"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(response.content))
    # and no page middleware ran: no framing header, no session or CSRF cookie, no Vary
    assert not response.has_header("X-Frame-Options")
    assert not response.has_header("Vary")
    assert list(response.cookies) == []


def test_a_page_still_gets_the_page_middleware(hub_account: Account) -> None:
    # when a page is asked for
    response = Client().get("/login/")
    # then the page middleware ran as before
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "sessionid" in response.cookies


def test_an_unknown_path_under_the_endpoint_gets_the_normal_404(hub_account: Account) -> None:
    response = Client().get("/shipstation/nothing-here")

    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"
