"""``crossdock account`` and ``crossdock token``."""

from __future__ import annotations

import typer

from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.hub.accounts import services
from crossdock.hub.accounts.errors import AccountError

account_app = typer.Typer(help="Merchant accounts.", no_args_is_help=True)
token_app = typer.Typer(help="REST API tokens.", no_args_is_help=True)


@account_app.command("create")
def create_account(
    name: str = typer.Option(..., "--name", help="Account (merchant) name."),
    email: str = typer.Option(..., "--email", help="E-mail of the owner; also the login."),
    password: str = typer.Option(..., "--password", help="Password of the owner's login."),
    as_json: bool = JsonOption,
) -> None:
    """Create a merchant account with its owner login."""
    if len(password) < 8:
        raise fail("--password must be at least 8 characters")
    if "@" not in email:
        raise fail(f"--email {email!r} is not an e-mail address")
    try:
        account = services.create_account(name, email, password)
    except AccountError as error:
        raise fail(str(error)) from error
    if as_json:
        emit_json({"id": account.pk, "name": account.name, "email": email.strip().lower()})
    else:
        console.print(
            f"Created account [bold]{account.name}[/bold] (id {account.pk}); login {email}"
        )


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
