"""Settings: the account's users and its API tokens (shown once, revocable)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.hub.accounts.models import Account, ApiToken, Membership
from crossdock.hub.accounts.services import create_token

NEW_USER = {
    "email": "Packer@Acme.test",
    "password": "long-enough-pass",
    "password_again": "long-enough-pass",
}


def test_adding_a_user_lets_them_sign_in_to_the_same_account(web: Client, account: Account) -> None:
    response = web.post("/settings/users", NEW_USER)

    assert response.status_code == 302
    membership = Membership.objects.get(user__username="packer@acme.test")
    assert (membership.account, membership.role) == (account, "staff")
    assert Client().login(username="packer@acme.test", password="long-enough-pass")


def test_bad_user_input_is_refused_next_to_the_fields_and_no_user_is_made(
    web: Client, account: Account
) -> None:
    users_before = get_user_model().objects.count()

    response = web.post(
        "/settings/users",
        {"email": "not-an-email", "password": "password", "password_again": "other"},
    )

    assert response.status_code == 400
    assert response.context["user_form"].errors == {
        "email": ["Enter a valid email address."],
        "password": [
            "This password is too common.",
        ],
    }
    assert get_user_model().objects.count() == users_before


def test_mismatched_passwords_and_a_taken_email_are_refused(web: Client, account: Account) -> None:
    mismatched = web.post("/settings/users", {**NEW_USER, "password_again": "different-pass"})
    taken = web.post("/settings/users", {**NEW_USER, "email": "acme@example.com"})

    assert mismatched.context["user_form"].errors == {
        "password_again": ["The two passwords differ."]
    }
    assert taken.context["user_form"].errors == {
        "email": ["A user with this e-mail exists already."]
    }
    assert Membership.objects.filter(account=account).count() == 1


def test_a_new_token_is_shown_once_and_works_against_the_api(web: Client, account: Account) -> None:
    response = web.post("/settings/tokens", {"name": "warehouse script"})

    html = response.content.decode()
    secret = re.search(r'id="issued-token" type="text" readonly value="([^"]+)"', html)
    assert secret is not None
    assert "no-store" in response["Cache-Control"]
    api = Client().get("/api/v1/orders", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert api.status_code == 200
    assert secret.group(1) not in web.get("/settings/").content.decode()
    assert ApiToken.objects.get(account=account).name == "warehouse script"


def test_a_token_needs_a_name(web: Client, account: Account) -> None:
    response = web.post("/settings/tokens", {"name": "  "})

    assert response.status_code == 400
    assert response.context["token_form"].errors == {"name": ["This field is required."]}
    assert ApiToken.objects.count() == 0


def test_revoking_a_token_stops_it(web: Client, account: Account) -> None:
    issued = create_token(account, "old")

    response = web.post(f"/settings/tokens/{issued.token.pk}/revoke", follow=True)

    assert "Token revoked" in response.content.decode()
    api = Client().get("/api/v1/orders", headers={"Authorization": f"Bearer {issued.secret}"})
    assert api.status_code == 401


def test_another_accounts_token_cannot_be_revoked(
    web: Client, make_account: Callable[[str], Account]
) -> None:
    theirs = create_token(make_account("Other"), "theirs")

    response = web.post(f"/settings/tokens/{theirs.token.pk}/revoke", follow=True)

    assert "That token is unknown or already revoked." in response.content.decode()
    assert ApiToken.objects.get(pk=theirs.token.pk).revoked_at is None
