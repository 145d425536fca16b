"""The CLI's one error translation: any command's service error is one line and a code."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crossdock.cli import errors as cli_errors
from crossdock.cli.errors import EXIT_CODES, exit_code, message
from crossdock.cli.root import app
from crossdock.connectors.base import AuthenticationError, RetryableError
from crossdock.connectors.registry import UnknownConnector
from crossdock.core.errors import (
    Conflict,
    CrossdockError,
    Invalid,
    NotFound,
    RateLimited,
    Unavailable,
)
from crossdock.desk.accounts.errors import InvalidDeskToken
from crossdock.platform.secrets import SecretUnreadable

runner = CliRunner()


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (NotFound("x"), 3),
        (InvalidDeskToken("x"), 3),
        (UnknownConnector("x"), 3),
        (Conflict("x"), 4),
        (Invalid((("name", "blank"),)), 5),
        (RateLimited("x", 30), 6),
        (Unavailable("x"), 7),
        (SecretUnreadable("x"), 7),
        (RetryableError("x"), 7),
        (AuthenticationError("x"), 8),
        (CrossdockError("x"), 1),
    ],
)
def test_each_kind_has_its_exit_code(error: Exception, code: int) -> None:
    assert exit_code(error) == code


def test_every_code_is_documented_in_the_module() -> None:
    documented = cli_errors.__doc__ or ""
    assert all(f"\n{code}  " in documented for _, code in EXIT_CODES)


def test_a_message_over_several_lines_prints_as_one() -> None:
    assert message(Conflict("the store said:\n  no\n")) == "the store said: no"


@pytest.mark.django_db
def test_a_service_error_from_a_desk_command_is_one_line_on_stderr_and_its_code() -> None:
    result = runner.invoke(app, ["desk", "token", "list", "--account", "Nobody"])

    assert (result.exit_code, result.stdout, result.stderr) == (
        3,
        "",
        "error: no desk account named 'Nobody'\n",
    )
