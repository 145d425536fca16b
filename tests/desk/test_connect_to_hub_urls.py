"""Pasting a hub URL that is not its endpoint gets an error in words, never the password.

The hub runs in pytest-django's live server; the desk reaches it over loopback HTTP.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.desk.accounts.services import create_token as create_desk_token
from crossdock.desk.stores.models import DeskStore
from crossdock.hub.accounts.services import create_account
from crossdock.hub.shipstation.services import create_integration
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import assert_no_secret

pytestmark = pytest.mark.usefixtures("transactional_db")

TO_LOGIN = (
    "The URL redirects (HTTP 302) to /login/: a Custom Store endpoint answers directly; "
    "enter the final URL (it usually ends in /shipstation/custom-store)."
)
NOT_FOUND = (
    "No Custom Store endpoint at this URL: it answered HTTP 404 (text/html) — a Custom Store "
    "URL usually ends in /shipstation/custom-store."
)


@pytest.mark.parametrize(
    ("path", "auth_mode", "expected"),
    [
        # the hub's root: a redirect to its sign-in page (once carrying the whole query)
        ("/", "query", TO_LOGIN),
        ("/", "basic", TO_LOGIN),
        # a typo in the path: the hub's 404 page
        ("/shipstation/custom-stor", "query", NOT_FOUND),
    ],
)
def test_a_hub_url_that_is_not_the_endpoint_is_named_without_the_password(
    live_server: LiveServer, path: str, auth_mode: str, expected: str
) -> None:
    # given a hub with generated ShipStation credentials, and a desk
    hub = create_account("Demo Outfitters", "owner@outfitters.test", "owner-pass-1")
    issued = create_integration(hub)
    desk = DeskApiClient(
        create_desk_token(
            create_desk_account("Parcel Pals", "packer@parcelpals.test", "packing-pass-1"), "t"
        ).secret
    )

    # when the merchant pastes a hub URL that is not the endpoint
    answer: Any = desk.post(
        "/stores",
        {
            "kind": "crossdock",
            "name": "Demo Outfitters",
            "url": f"{live_server.url}{path}",
            "username": issued.integration.username,
            "password": issued.password,
            "auth_mode": auth_mode,
        },
    )

    # then the error names the problem, quotes no page and no query, and nothing is stored
    assert answer.status_code == 422
    (detail,) = answer.json()["detail"]
    assert detail["loc"] == ["body", "body", "url"]
    assert detail["msg"] == expected
    assert_no_secret(answer.content.decode(), "API connect error", issued.password)
    assert DeskStore.objects.count() == 0
