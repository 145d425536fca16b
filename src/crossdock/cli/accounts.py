"""``crossdock account`` and ``crossdock token``."""

from __future__ import annotations

from collections.abc import Iterable

import typer
from rich.table import Table

from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.cli.passwords import PasswordStdinOption, read_password
from crossdock.desk.accounts.models import DeskAccount
from crossdock.hub.accounts import queries, services
from crossdock.hub.accounts.errors import AccountError
from crossdock.hub.accounts.models import Account

account_app = typer.Typer(help="Merchant accounts.", no_args_is_help=True)
token_app = typer.Typer(help="REST API tokens.", no_args_is_help=True)


@account_app.command("create")
def create_account(
    name: str = typer.Option(..., "--name", help="Account (merchant) name."),
    email: str = typer.Option(..., "--email", help="E-mail of the owner; also the login."),
    password: str | None = typer.Option(
        None,
        "--password",
        help="Password of the owner's login (visible to other users: prefer --password-stdin).",
    ),
    password_stdin: bool = PasswordStdinOption,
    as_json: bool = JsonOption,
) -> None:
    """Create a merchant account with its owner login (asks for the password when omitted)."""
    if "@" not in email:
        raise fail(f"--email {email!r} is not an e-mail address")
    secret = read_password(password, password_stdin)
    try:
        account = services.create_account(name, email, secret)
    except AccountError as error:
        raise fail(str(error)) from error
    if as_json:
        emit_json({"id": account.pk, "name": account.name, "email": email.strip().lower()})
    else:
        console.print(
            f"Created account [bold]{account.name}[/bold] (id {account.pk}); login {email}"
        )


def show_accounts(accounts: Iterable[Account] | Iterable[DeskAccount], as_json: bool) -> None:
    """Print accounts with their logins as one JSON object or a table (hub and desk alike)."""
    rows = [
        (
            account,
            sorted(member.user.get_username() for member in account.memberships.all()),
        )
        for account in accounts
    ]
    if as_json:
        emit_json(
            {
                "accounts": [
                    {
                        "id": account.pk,
                        "name": account.name,
                        "created_at": account.created_at.isoformat(),
                        "logins": logins,
                    }
                    for account, logins in rows
                ]
            }
        )
        return
    table = Table("id", "name", "created", "logins")
    for account, logins in rows:
        table.add_row(
            str(account.pk), account.name, f"{account.created_at:%Y-%m-%d}", ", ".join(logins)
        )
    console.print(table)


@account_app.command("list")
def list_accounts(as_json: bool = JsonOption) -> None:
    """List merchant accounts with their logins."""
    show_accounts(queries.all_accounts(), as_json)


@token_app.command("create")
def create_token(
    account: str = typer.Option(..., "--account", help="Account name."),
    name: str = typer.Option("CLI token", "--name", help="A label for the token."),
    as_json: bool = JsonOption,
) -> None:
    """Issue an API token. The token is printed once; only its hash is stored."""
    try:
        issued = services.create_token(services.get_account(account), name)
    except AccountError as error:
        raise fail(str(error)) from error
    if as_json:
        emit_json({"id": issued.token.pk, "name": issued.token.name, "token": issued.secret})
    else:
        console.print(f"Token [bold]{issued.token.name}[/bold] (id {issued.token.pk}):")
        console.print(issued.secret, highlight=False)
        console.print("Store it now: it cannot be shown again.")


@token_app.command("revoke")
def revoke_token(
    account: str = typer.Option(..., "--account", help="Account name."),
    token_id: int = typer.Argument(..., help="Token id."),
) -> None:
    """Revoke a token; it stops working at once."""
    try:
        services.revoke_token(services.get_account(account), token_id)
    except AccountError as error:
        raise fail(str(error)) from error
    console.print(f"Token {token_id} revoked.")
