"""The ``crossdock account`` and ``token`` commands as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.hub.accounts.models import Account, ApiToken
from crossdock.hub.accounts.services import authenticate_token

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_account_and_token_create_print_one_json_object_each() -> None:
    made = runner.invoke(
        app,
        [
            "account",
            "create",
            "--name",
            "Nordic Knits",
            "--email",
            "Owner@Example.com",
            "--password",
            "long-enough",
            "--json",
        ],
    )
    token = runner.invoke(app, ["token", "create", "--account", "Nordic Knits", "--json"])

    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout) == {
        "id": Account.objects.get().pk,
        "name": "Nordic Knits",
        "email": "owner@example.com",
    }
    secret = json.loads(token.stdout)["token"]
    assert authenticate_token(secret).account.name == "Nordic Knits"
    assert secret not in ApiToken.objects.get().secret_hash


def test_a_second_account_with_the_same_name_fails_and_changes_nothing() -> None:
    args = [
        "account",
        "create",
        "--name",
        "Twice",
        "--email",
        "a@example.com",
        "--password",
        "long-enough",
    ]
    assert runner.invoke(app, args).exit_code == 0

    again = runner.invoke(app, [*args[:4], "--email", "b@example.com", "--password", "long-enough"])

    assert again.exit_code == 4  # a conflict
    assert "already exists" in again.stderr
    assert Account.objects.count() == 1


def test_a_short_password_is_refused() -> None:
    result = runner.invoke(
        app, ["account", "create", "--name", "X", "--email", "x@example.com", "--password", "short"]
    )

    assert result.exit_code == 5  # invalid input
    assert (
        "password: This password is too short. It must contain at least 8 characters."
        in " ".join(result.stderr.split())  # Rich wraps long lines
    )
    assert Account.objects.count() == 0


def test_token_for_an_unknown_account_fails() -> None:
    result = runner.invoke(app, ["token", "create", "--account", "Nobody"])

    assert result.exit_code == 3  # not found
    assert "no account named 'Nobody'" in result.stderr


@pytest.mark.parametrize(
    ("name", "email", "message"),
    [
        ("   ", "x@example.com", "an account name must be 1 to 100 characters"),
        ("N" * 101, "x@example.com", "an account name must be 1 to 100 characters"),
        ("Long mail", "x" * 140 + "@example.com", "an e-mail must be 1 to 150 characters"),
    ],
)
def test_a_blank_or_too_long_name_or_email_is_refused(name: str, email: str, message: str) -> None:
    result = runner.invoke(
        app,
        ["account", "create", "--name", name, "--email", email, "--password", "long-enough"],
    )

    assert result.exit_code == 5  # invalid input
    assert message in result.stderr
    assert Account.objects.count() == 0
