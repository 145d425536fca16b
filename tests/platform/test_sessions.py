"""The hub and the desk keep separate sign-ins in one browser."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from crossdock.desk.accounts.models import DeskAccount
from crossdock.hub.accounts.models import Account
from crossdock.platform.sessions import DESK_SESSION_COOKIE
from tests.fixtures.api import DESK_LOGIN, HUB_LOGIN


def test_signed_in_to_the_hub_the_desk_login_page_still_offers_its_form(
    hub_account: Account,
) -> None:
    browser = Client()
    assert browser.post("/login/", HUB_LOGIN).status_code == 302

    page = browser.get("/desk/login/")

    assert page.status_code == 200
    assert '<label for="id_username">' in page.content.decode()
    assert "No desk account" not in page.content.decode()


def test_one_browser_is_signed_in_to_both_as_two_users_and_signs_out_of_one(
    hub_account: Account, desk_account: DeskAccount
) -> None:
    browser = Client()
    assert browser.post("/login/", HUB_LOGIN).url == "/"  # type: ignore[attr-defined]
    desk_sign_in = browser.post("/desk/login/", DESK_LOGIN)

    hub_page = browser.get("/orders/")
    desk_page = browser.get("/desk/")

    assert desk_sign_in.url == "/desk/"  # type: ignore[attr-defined]
    assert desk_sign_in.cookies[DESK_SESSION_COOKIE]["path"] == "/desk/"
    assert hub_page.status_code == 200
    assert "owner@acme.test" in hub_page.content.decode()
    assert desk_page.status_code == 200
    assert "packer@parcels.test" in desk_page.content.decode()

    assert browser.post("/desk/logout/").status_code == 302

    assert browser.get("/desk/").url == "/desk/login/?next=/desk/"  # type: ignore[attr-defined]
    assert browser.get("/orders/").status_code == 200


def test_signing_out_of_the_hub_leaves_the_desk_signed_in(
    hub_account: Account, desk_account: DeskAccount
) -> None:
    browser = Client()
    browser.post("/login/", HUB_LOGIN)
    browser.post("/desk/login/", DESK_LOGIN)

    browser.post("/logout/")

    assert browser.get("/orders/").url == "/login/?next=/orders/"  # type: ignore[attr-defined]
    assert browser.get("/desk/").status_code == 200


def test_sign_in_rotates_the_session_and_sign_out_deletes_it(hub_account: Account) -> None:
    browser = Client()
    browser.get("/login/")  # the sign-in form stores its CSRF secret in a fresh session
    before = browser.cookies[settings.SESSION_COOKIE_NAME].value

    browser.post("/login/", HUB_LOGIN)
    signed_in = browser.cookies[settings.SESSION_COOKIE_NAME].value
    browser.post("/logout/")

    assert signed_in != before
    assert not Session.objects.filter(session_key=before).exists()
    assert not Session.objects.filter(session_key=signed_in).exists()


def test_a_hub_login_is_refused_at_the_desk_door_after_the_right_password(
    hub_account: Account,
) -> None:
    browser = Client()
    refused = browser.post("/desk/login/", HUB_LOGIN)

    assert refused.status_code == 200
    assert "This login has no seat in a shipping desk account." in refused.content.decode()
    assert browser.get("/desk/").url == "/desk/login/?next=/desk/"  # type: ignore[attr-defined]


def test_a_desk_login_is_refused_at_the_hub_door(desk_account: DeskAccount) -> None:
    refused = Client().post("/login/", DESK_LOGIN)

    assert refused.status_code == 200
    assert "This login has no Crossdock hub account." in refused.content.decode()
