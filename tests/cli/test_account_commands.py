"""The account and token commands, written once, work the same for the hub and the desk."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_token

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_the_hub_lists_and_revokes_tokens_like_the_desk(account: Account) -> None:
    # given a hub token
    issued = create_token(account, "cli script")

    # when it is listed, then revoked, then revoked again
    listed = runner.invoke(app, ["token", "list", "--account", "Acme", "--json"])
    revoked = runner.invoke(app, ["token", "revoke", "--account", "Acme", str(issued.token.pk)])
    again = runner.invoke(app, ["token", "revoke", "--account", "Acme", str(issued.token.pk)])

    # then the list shows it without its secret, and a second revoke is "not found"
    rows = json.loads(listed.stdout)["tokens"]
    assert [(row["id"], row["name"], row["prefix"], row["active"]) for row in rows] == [
        (issued.token.pk, "cli script", f"cdk_{issued.token.prefix}_", True)
    ]
    assert issued.secret not in listed.stdout
    assert (revoked.exit_code, revoked.stdout) == (
        0,
        f"Token {issued.token.pk} (cli script) revoked.\n",
    )
    assert (again.exit_code, again.stderr) == (
        3,
        f"error: no active token {issued.token.pk} in this account\n",
    )


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["account", "create"], "error: an account named 'Acme' already exists\n"),
        (["desk", "account", "create"], "error: a desk account named 'Acme' already exists\n"),
    ],
)
def test_a_taken_name_is_the_same_conflict_in_both_products(
    account: Account, command: list[str], message: str
) -> None:
    # given a hub account and a desk account both named Acme
    create_desk_account("Acme", "packer@acme.test", "packing-pass-1")

    # when another account named Acme is created
    result = runner.invoke(
        app, [*command, "--name", "Acme", "--email", "new@acme.test", "--password", "long-pass-1"]
    )

    # then it is refused as a conflict, on one line
    assert (result.exit_code, result.stderr) == (4, message)
