"""CSRF on every form, sessions that rotate and die, credentials that stop at once.

Every UI route (from the URL resolver, sign-in pages included) refuses a post without a
CSRF token with 403 and changes nothing; the desk's session is replaced at sign-in and
deleted at sign-out (the hub's is in ``tests/platform/test_sessions.py``); a revoked API
token of either product and a revoked or rotated ShipStation password stop on the next
call.
"""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from crossdock.desk.accounts.services import revoke_token as revoke_desk_token
from crossdock.hub.accounts.services import revoke_token as revoke_hub_token
from crossdock.hub.shipstation.services import revoke_integration, rotate_password
from crossdock.platform.sessions import DESK_SESSION_COOKIE
from tests.reliability.routes import SIGN_IN_PAGES, UiRoute, ui_routes
from tests.reliability.world import PASSWORD, DeskSide, HubSide, owner_at, snapshot

EVERY_FORM = ui_routes() + [UiRoute(page) for page in SIGN_IN_PAGES]


@pytest.mark.parametrize("route", EVERY_FORM, ids=lambda route: route.pattern)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(
    alpha: HubSide, alpha_desk: DeskSide, route: UiRoute
) -> None:
    # given A signed in, in a browser that checks CSRF like a real one
    signed_in, path = owner_at(route, alpha, alpha_desk)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = signed_in.cookies
    before = snapshot()

    # when
    answer = browser.post(path, {"name": "x", "password": "y"})

    # then
    assert answer.status_code == 403
    assert snapshot() == before


def test_desk_sign_in_rotates_the_session_and_sign_out_deletes_it(alpha_desk: DeskSide) -> None:
    # given a fresh session holding the sign-in form's CSRF secret
    browser = Client()
    browser.get("/desk/login/")
    before = browser.cookies[DESK_SESSION_COOKIE].value

    # when
    browser.post("/desk/login/", {"username": alpha_desk.email, "password": PASSWORD})
    signed_in = browser.cookies[DESK_SESSION_COOKIE].value
    browser.post("/desk/logout/")

    # then
    assert signed_in != before
    assert not Session.objects.filter(session_key=before).exists()
    assert not Session.objects.filter(session_key=signed_in).exists()
    assert browser.get("/desk/").status_code == 302


def test_a_revoked_hub_token_stops_on_the_next_call(alpha: HubSide) -> None:
    # given
    client = Client(headers={"Authorization": f"Bearer {alpha.bearer}"})
    assert client.get("/api/v1/orders").status_code == 200

    # when
    revoke_hub_token(alpha.account, alpha.token_id)

    # then
    assert client.get("/api/v1/orders").status_code == 401


def test_a_revoked_desk_token_stops_on_the_next_call(alpha_desk: DeskSide) -> None:
    # given
    client = Client(headers={"Authorization": f"Bearer {alpha_desk.bearer}"})
    assert client.get("/desk/api/v1/orders").status_code == 200

    # when
    revoke_desk_token(alpha_desk.account, alpha_desk.token_id)

    # then
    assert client.get("/desk/api/v1/orders").status_code == 401


def _export(username: str, password: str) -> int:
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    client = Client(headers={"Authorization": f"Basic {pair}"})
    answer = client.get(
        "/shipstation/custom-store",
        {"action": "export", "start_date": "01/01/2026 00:00", "end_date": "01/02/2026 00:00"},
    )
    return answer.status_code


def test_a_revoked_shipstation_password_stops_on_the_next_call(alpha: HubSide) -> None:
    # given
    integration = alpha.shipstation.integration
    assert _export(integration.username, alpha.shipstation.password) == 200

    # when
    revoke_integration(alpha.account, integration.pk)

    # then
    assert _export(integration.username, alpha.shipstation.password) == 401


def test_a_password_rotated_without_overlap_stops_on_the_next_call(alpha: HubSide) -> None:
    # given
    integration = alpha.shipstation.integration

    # when
    rotated = rotate_password(alpha.account, integration.pk, overlap=timedelta(0))

    # then
    assert _export(integration.username, alpha.shipstation.password) == 401
    assert _export(integration.username, rotated.password) == 200
