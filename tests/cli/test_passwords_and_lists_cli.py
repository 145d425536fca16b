"""Passwords from stdin or a hidden prompt, the shared rules, and the account lists."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crossdock.cli import passwords
from crossdock.cli.root import app
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import add_user, create_account

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_account_create_reads_the_password_from_stdin() -> None:
    result = runner.invoke(
        app,
        [
            "account",
            "create",
            "--name",
            "Stdin Shop",
            "--email",
            "a@stdin.test",
            "--password-stdin",
        ],
        input="from-stdin-pass\n",
    )

    assert result.exit_code == 0, result.output
    owner = Account.objects.get(name="Stdin Shop").memberships.get().user
    assert owner.check_password("from-stdin-pass")


def test_desk_account_create_asks_at_a_terminal_with_the_typing_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(passwords, "_stdin_is_terminal", lambda: True)

    result = runner.invoke(
        app,
        ["desk", "account", "create", "--name", "Prompted", "--email", "p@desk.test"],
        input="prompted-pass-1\nprompted-pass-1\n",
    )

    assert result.exit_code == 0, result.output
    assert "prompted-pass-1" not in result.output
    seat = DeskAccount.objects.get(name="Prompted").memberships.get()
    assert seat.user.check_password("prompted-pass-1")


def test_without_a_password_and_no_terminal_nothing_is_created() -> None:
    result = runner.invoke(app, ["account", "create", "--name", "N", "--email", "n@x.test"])

    assert result.exit_code == 1
    assert "no password: give --password-stdin (or --password)" in result.stderr
    assert Account.objects.count() == 0


def test_the_cli_applies_the_same_rules_as_the_pages() -> None:
    spaces = runner.invoke(
        app,
        ["desk", "account", "create", "--name", "D", "--email", "d@x.test", "--password-stdin"],
        input="          \n",
    )
    own_email = runner.invoke(
        app,
        ["account", "create", "--name", "H", "--email", "h@x.test", "--password", "h@x.test-1"],
    )

    assert spaces.exit_code == 5
    assert "password: A password cannot be only spaces." in " ".join(spaces.stderr.split())
    assert own_email.exit_code == 5
    assert "password: A password cannot contain the login's e-mail address." in " ".join(
        own_email.stderr.split()
    )
    assert Account.objects.count() == 0
    assert DeskAccount.objects.count() == 0


def test_account_lists_print_accounts_with_their_logins() -> None:
    shop = create_account("Shop", "owner@shop.test", "owner-pass-1")
    add_user(shop, "staff@shop.test", "staff-pass-1")
    create_desk_account("Desk", "packer@desk.test", "packer-pass-1")

    hub = runner.invoke(app, ["account", "list", "--json"])
    desk = runner.invoke(app, ["desk", "account", "list", "--json"])
    table = runner.invoke(app, ["desk", "account", "list"])

    assert hub.exit_code == 0, hub.output
    hub_rows = json.loads(hub.stdout)["accounts"]
    assert [(row["name"], row["logins"]) for row in hub_rows] == [
        ("Shop", ["owner@shop.test", "staff@shop.test"])
    ]
    desk_rows = json.loads(desk.stdout)["accounts"]
    assert [(row["name"], row["logins"]) for row in desk_rows] == [("Desk", ["packer@desk.test"])]
    assert "packer@desk.test" in table.stdout
