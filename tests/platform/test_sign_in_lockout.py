"""Wrong passwords at the hub, desk and admin sign-in lock the login and the address out."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.desk.accounts.models import DeskAccount
from crossdock.hub.accounts.models import Account
from crossdock.platform.models import AuthThrottle
from crossdock.platform.signin import ADDRESS_LIMIT, LOGIN_LIMIT
from tests.fixtures.api import DESK_LOGIN, HUB_LOGIN

LOCKED_ACCOUNT = "Too many failed sign-ins for this account; try again in 15 minutes."
LOCKED_ADDRESS = "Too many failed sign-ins from this address; try again in 15 minutes."


@pytest.fixture
def admin_login(db: None) -> dict[str, str]:
    get_user_model().objects.create_superuser("root@ops.test", "root@ops.test", "admin-pass-1234")
    return {"username": "root@ops.test", "password": "admin-pass-1234"}


@pytest.mark.parametrize("door", ["/login/", "/desk/login/", "/admin/login/"])
def test_sixty_wrong_passwords_lock_the_login_so_the_right_one_is_refused(
    door: str,
    hub_account: Account,
    desk_account: DeskAccount,
    admin_login: dict[str, str],
) -> None:
    login = {"/login/": HUB_LOGIN, "/desk/login/": DESK_LOGIN, "/admin/login/": admin_login}[door]
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(60):
        attacker.post(door, {"username": login["username"], "password": "guess-guess"})

    right = attacker.post(door, login)
    from_elsewhere = Client(REMOTE_ADDR="198.51.100.7").post(door, login)

    assert right.status_code == 200
    assert LOCKED_ACCOUNT in right.content.decode()
    assert from_elsewhere.status_code == 200
    assert LOCKED_ACCOUNT in from_elsewhere.content.decode()


def test_the_lock_starts_at_the_limit_and_an_unknown_login_reads_the_same(
    hub_account: Account,
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(LOGIN_LIMIT - 1):
        client.post("/login/", {"username": HUB_LOGIN["username"], "password": "nope-nope"})
    for _ in range(LOGIN_LIMIT):
        client.post("/login/", {"username": "ghost@nowhere.test", "password": "nope-nope"})

    still_open = client.post("/login/", HUB_LOGIN)
    client.post("/logout/")
    ghost = client.post("/login/", {"username": "ghost@nowhere.test", "password": "nope-nope"})

    assert still_open.status_code == 302
    assert LOCKED_ACCOUNT in ghost.content.decode()


def test_one_address_trying_many_logins_is_locked_out_of_every_login(
    hub_account: Account,
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.11")
    for number in range(ADDRESS_LIMIT):
        client.post("/login/", {"username": f"user{number}@spray.test", "password": "spray-1"})

    refused = client.post("/login/", HUB_LOGIN)
    other_address = Client(REMOTE_ADDR="198.51.100.8").post("/login/", HUB_LOGIN)

    assert LOCKED_ADDRESS in refused.content.decode()
    assert other_address.status_code == 302


def test_the_lockout_is_stored_in_the_database_and_a_success_clears_the_login(
    hub_account: Account,
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.12")
    for _ in range(3):
        client.post("/login/", {"username": HUB_LOGIN["username"], "password": "typo-typo"})
    assert AuthThrottle.objects.filter(failures=3).count() == 2  # the login and the address

    assert client.post("/login/", HUB_LOGIN).status_code == 302

    assert list(AuthThrottle.objects.values_list("failures", flat=True)) == [3]
    assert all(
        HUB_LOGIN["username"] not in key and "203.0.113.12" not in key
        for key in AuthThrottle.objects.values_list("key", flat=True)
    )
