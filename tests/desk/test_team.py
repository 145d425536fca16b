"""The team page: add a user to the desk account, remove a seat (never your own or the last)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.desk.accounts.errors import DeskSeatRefused
from crossdock.desk.accounts.models import DeskAccount, DeskMembership
from crossdock.desk.accounts.services import create_account, remove_seat
from tests.fixtures.desk import desk_client


@pytest.fixture
def browser(desk_account: DeskAccount) -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


def test_a_packer_adds_a_colleague_who_can_then_sign_in(browser: Client) -> None:
    # when the packer adds a colleague
    added = browser.post(
        "/desk/team/", {"email": " Sam@ParcelPals.test ", "password": "boxes-and-tape-9"}
    )

    # then the colleague has a seat and works in the same desk
    assert added.status_code == 302
    page = browser.get("/desk/team/").content.decode()
    assert "sam@parcelpals.test can now sign in to the desk." in page
    assert "packer@parcelpals.test" in page
    colleague = desk_client("sam@parcelpals.test", "boxes-and-tape-9")
    assert colleague.get("/desk/").status_code == 200
    assert DeskMembership.objects.count() == 2


def test_a_bad_or_taken_login_is_refused_by_field(browser: Client) -> None:
    taken = browser.post(
        "/desk/team/", {"email": "packer@parcelpals.test", "password": "boxes-and-tape-9"}
    ).content.decode()
    weak = browser.post(
        "/desk/team/", {"email": "not-an-email", "password": "password"}
    ).content.decode()

    assert 'id="id_email_errors"><li>a user with e-mail packer@parcelpals.test already exists' in (
        taken
    )
    assert 'id="id_email_errors"><li>enter an e-mail address' in weak
    assert 'id="id_password_errors"><li>This password is too common.' in weak
    assert DeskMembership.objects.count() == 1
    assert get_user_model().objects.count() == 1


def test_a_seat_is_removed_but_never_your_own_nor_another_accounts(
    browser: Client, desk_account: DeskAccount
) -> None:
    # given a colleague, and another business's desk
    browser.post("/desk/team/", {"email": "sam@parcelpals.test", "password": "boxes-and-tape-9"})
    sam = DeskMembership.objects.get(user__username="sam@parcelpals.test")
    own = DeskMembership.objects.get(user__username="packer@parcelpals.test")
    other = create_account("Other Co", "boss@other.test", "other-pass-77").memberships.get()

    # when the packer tries to remove their own seat and the other desk's seat
    browser.post(f"/desk/team/{own.pk}/remove/")
    browser.post(f"/desk/team/{other.pk}/remove/")

    # then both are refused and nothing changed
    page = browser.get("/desk/team/").content.decode()
    assert "you cannot remove your own seat" in page
    assert f"no seat {other.pk} in this desk account" in page
    assert DeskMembership.objects.count() == 3

    # when the packer removes the colleague, the colleague can no longer use the desk
    assert browser.post(f"/desk/team/{sam.pk}/remove/").status_code == 302
    assert not DeskMembership.objects.filter(pk=sam.pk).exists()
    colleague = Client().post(
        "/desk/login/", {"username": "sam@parcelpals.test", "password": "boxes-and-tape-9"}
    )
    assert colleague.status_code == 200
    assert "This login has no seat in a shipping desk account." in colleague.content.decode()


def test_the_last_seat_of_an_account_stays(desk_account: DeskAccount) -> None:
    only = desk_account.memberships.get()

    with pytest.raises(DeskSeatRefused, match="the last seat"):
        remove_seat(desk_account, only.pk, acting_user_id=None)

    assert desk_account.memberships.count() == 1
