"""One set of password rules everywhere a password is set, and changing one's own."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.desk.accounts.errors import DeskUserInvalid
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import add_user as add_desk_user
from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.hub.accounts.errors import AccountInvalid
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import add_user, create_account
from tests.fixtures.api import DESK_LOGIN, HUB_LOGIN
from tests.fixtures.desk import desk_client

BLANK = "Password: A password cannot be only spaces."
SPACES_MESSAGE = "A password cannot be only spaces."
EMAIL_MESSAGE = "A password cannot contain the login's e-mail address."


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (" " * 12, SPACES_MESSAGE),
        ("new@shop.test", EMAIL_MESSAGE),
        ("my-NEW@shop.test-2026", EMAIL_MESSAGE),
    ],
)
def test_the_services_refuse_blank_and_own_email_passwords(
    password: str, message: str, hub_account: Account, desk_account: DeskAccount
) -> None:
    users_before = get_user_model().objects.count()

    with pytest.raises(AccountInvalid) as hub_create:
        create_account("Shop", "new@shop.test", password)
    with pytest.raises(AccountInvalid) as hub_add:
        add_user(hub_account, "New@Shop.test", password)
    with pytest.raises(DeskUserInvalid) as desk_create:
        create_desk_account("Desk", "new@shop.test", password)
    with pytest.raises(DeskUserInvalid) as desk_add:
        add_desk_user(desk_account, "new@shop.test", password)

    assert str(hub_create.value) == f"password: {message}"
    assert str(hub_add.value) == f"password: {message}"
    assert desk_create.value.errors == {"password": message}
    assert desk_add.value.errors == {"password": message}
    assert get_user_model().objects.count() == users_before


def test_the_hub_add_user_form_refuses_a_password_holding_the_email(
    hub_account: Account,
) -> None:
    browser = Client()
    browser.post("/login/", HUB_LOGIN)

    response = browser.post(
        "/settings/users",
        {
            "email": "sam@acme.test",
            "password": "sam@acme.test!",
            "password_again": "sam@acme.test!",
        },
    )

    assert response.status_code == 400
    assert response.context["user_form"].errors == {"password": [EMAIL_MESSAGE]}
    assert not get_user_model().objects.filter(username="sam@acme.test").exists()


@pytest.mark.parametrize(
    ("page", "login", "done"),
    [
        ("/settings/password", HUB_LOGIN, "/settings/"),
        ("/desk/password/", DESK_LOGIN, "/desk/password/"),
    ],
)
def test_changing_ones_password_needs_the_current_one_and_keeps_the_session(
    page: str,
    login: dict[str, str],
    done: str,
    hub_account: Account,
    desk_account: DeskAccount,
) -> None:
    browser = desk_client(**login) if page.startswith("/desk/") else Client()
    if not page.startswith("/desk/"):
        assert browser.post("/login/", login).status_code == 302
    other_session = desk_client(**login) if page.startswith("/desk/") else Client()
    if not page.startswith("/desk/"):
        other_session.post("/login/", login)
    home = "/desk/" if page.startswith("/desk/") else "/orders/"

    wrong = browser.post(
        page,
        {
            "old_password": "not-my-password",
            "new_password1": "fresh-pass-5678",
            "new_password2": "fresh-pass-5678",
        },
    )
    blank = browser.post(
        page,
        {"old_password": login["password"], "new_password1": "   ", "new_password2": "   "},
    )
    changed = browser.post(
        page,
        {
            "old_password": login["password"],
            "new_password1": "fresh-pass-5678",
            "new_password2": "fresh-pass-5678",
        },
    )

    assert wrong.status_code == 400
    assert "Your old password was entered incorrectly." in wrong.content.decode()
    assert blank.status_code == 400
    assert changed.url == done  # type: ignore[attr-defined]
    assert browser.get(home).status_code == 200
    assert other_session.get(home).status_code == 302
    user = get_user_model().objects.get(username=login["username"])
    assert user.check_password("fresh-pass-5678")
