"""Desk API tokens: listed and revoked in the desk UI, the CLI and the desk API; no hash shown."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.test import Client
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.desk.accounts.models import DeskAccount, DeskApiToken
from crossdock.desk.accounts.services import create_account, create_token
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import desk_client

runner = CliRunner()


def _browser() -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


def test_the_tokens_page_lists_creates_once_and_revokes_after_confirming(
    desk_account: DeskAccount,
) -> None:
    # given
    issued = create_token(desk_account, "label printer")
    browser = _browser()

    # when the page is read, a token created, and the page read again
    listing = browser.get("/desk/tokens/").content.decode()
    created = browser.post("/desk/tokens/", {"name": "warehouse script"})
    new = DeskApiToken.objects.get(name="warehouse script")
    secret = created.context["issued"].secret
    again = browser.get("/desk/tokens/").content.decode()

    # then the list shows prefixes only, the secret once, never the hash
    assert f"dsk_{issued.token.prefix}_…" in listing
    assert issued.secret not in listing
    assert issued.token.secret_hash not in listing
    assert secret in created.content.decode()
    assert "no-cache" in created["Cache-Control"]
    assert secret not in again
    assert f"dsk_{new.prefix}_…" in again

    # when revoking is asked for, then confirmed
    confirm = browser.get(f"/desk/tokens/{issued.token.pk}/revoke/")
    issued.token.refresh_from_db()
    still_active = issued.token.is_active
    revoked = browser.post(f"/desk/tokens/{issued.token.pk}/revoke/")

    # then only the confirmed POST revoked it, and it no longer opens the API
    assert confirm.status_code == 200
    assert "Revoke token “label printer”?" in confirm.content.decode()
    assert still_active is True
    assert revoked.status_code == 302
    assert revoked.url == "/desk/tokens/"  # type: ignore[attr-defined]
    issued.token.refresh_from_db()
    assert issued.token.is_active is False
    assert DeskApiClient(issued.secret).get("/stores").status_code == 401
    assert DeskApiClient(secret).get("/stores").status_code == 200


def test_another_accounts_token_cannot_be_seen_or_revoked(desk_account: DeskAccount) -> None:
    # given
    other = create_account("Other Desk", "other@desk.test", "other-pass-1")
    theirs = create_token(other, "theirs")
    browser = _browser()
    api = DeskApiClient(create_token(desk_account, "mine").secret)

    # when
    page = browser.get(f"/desk/tokens/{theirs.token.pk}/revoke/")
    posted = browser.post(f"/desk/tokens/{theirs.token.pk}/revoke/")
    answered = api.post(f"/tokens/{theirs.token.pk}/revoke")
    listed = api.get("/tokens").json()

    # then
    assert (page.status_code, posted.status_code, answered.status_code) == (404, 404, 404)
    assert [token["name"] for token in listed] == ["mine"]
    theirs.token.refresh_from_db()
    assert theirs.token.is_active is True


def test_the_api_lists_and_revokes_tokens(
    desk_api: DeskApiClient, desk_account: DeskAccount
) -> None:
    # given
    spare = create_token(desk_account, "spare")

    # when
    listed = desk_api.get("/tokens").json()
    revoked = desk_api.post(f"/tokens/{spare.token.pk}/revoke")
    twice = desk_api.post(f"/tokens/{spare.token.pk}/revoke")

    # then
    assert [(token["name"], token["active"]) for token in listed] == [
        ("spare", True),
        ("tests", True),
    ]
    assert listed[0]["prefix"] == f"dsk_{spare.token.prefix}_"
    assert "secret_hash" not in listed[0]
    assert revoked.status_code == 200
    assert (revoked.json()["active"], revoked.json()["revoked_at"] is not None) == (False, True)
    assert twice.status_code == 404
    assert twice.json() == {"detail": f"no active token {spare.token.pk} in this desk account"}
    assert DeskApiClient(spare.secret).get("/stores").status_code == 401


def test_the_cli_lists_and_revokes_tokens(desk_account: DeskAccount) -> None:
    # given
    issued = create_token(desk_account, "cli script")

    # when
    listed = runner.invoke(app, ["desk", "token", "list", "--account", "Parcel Pals", "--json"])
    revoked = runner.invoke(
        app, ["desk", "token", "revoke", "--account", "Parcel Pals", str(issued.token.pk)]
    )
    again = runner.invoke(
        app, ["desk", "token", "revoke", "--account", "Parcel Pals", str(issued.token.pk)]
    )

    # then
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)["tokens"]
    assert [(row["id"], row["name"], row["active"]) for row in rows] == [
        (issued.token.pk, "cli script", True)
    ]
    assert issued.secret not in listed.stdout
    assert revoked.exit_code == 0
    assert f"Token {issued.token.pk} (cli script) revoked." in revoked.output
    assert again.exit_code == 3  # no such active token
    assert "no active token" in again.output
    issued.token.refresh_from_db()
    assert issued.token.is_active is False


def test_the_admin_never_shows_a_desk_token_hash(desk_account: DeskAccount) -> None:
    # given
    issued = create_token(desk_account, "admin view")
    get_user_model().objects.create_superuser("root", "root@example.com", "root-pass-123")
    admin = Client()
    assert admin.login(username="root", password="root-pass-123")

    # when
    listing = admin.get("/admin/desk_accounts/deskapitoken/").content.decode()
    change = admin.get(f"/admin/desk_accounts/deskapitoken/{issued.token.pk}/change/")

    # then
    assert change.status_code == 200
    assert issued.token.prefix in listing
    assert issued.token.secret_hash not in listing
    assert issued.token.secret_hash not in change.content.decode()
    assert "secret_hash" not in change.content.decode()
