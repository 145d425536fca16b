"""The account and token commands both products have, written once.

``crossdock account …``/``crossdock token …`` (the hub) and ``crossdock desk account …``/
``crossdock desk token …`` (the desk) are the same commands over different services:
:class:`Accounts` names those services, :func:`add_account_commands` and
:func:`add_token_commands` register the commands on a product's Typer groups. Service
errors are not caught here: the root group translates them (:mod:`crossdock.cli.errors`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import typer
from rich.table import Table

from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.cli.passwords import PasswordStdinOption, read_password
from crossdock.platform.accounts import AccountBase, IssuedToken


@dataclass(frozen=True)
class Accounts:
    """One product's account and token services, as the commands need them."""

    #: "account" or "desk account", as the command's messages say it.
    noun: str
    token_scheme: str
    create_account: Callable[[str, str, str], AccountBase]
    all_accounts: Callable[[], Iterable[Any]]
    get_account: Callable[[str], Any]
    create_token: Callable[[Any, str], IssuedToken[Any]]
    tokens: Callable[[Any], Iterable[Any]]
    revoke_token: Callable[[Any, int], Any]

    @classmethod
    def of(cls, noun: str, services: ModuleType, queries: ModuleType) -> Accounts:
        """A product's accounts from its ``services`` and ``queries`` modules, which both
        products name alike (``create_account``, ``get_account``, ``create_token``,
        ``revoke_token``, ``TOKEN_SCHEME``; ``all_accounts``, ``tokens``)."""
        return cls(
            noun=noun,
            token_scheme=services.TOKEN_SCHEME,
            create_account=services.create_account,
            all_accounts=queries.all_accounts,
            get_account=services.get_account,
            create_token=services.create_token,
            tokens=queries.tokens,
            revoke_token=services.revoke_token,
        )


def show_accounts(accounts: Iterable[Any], as_json: bool) -> None:
    """Print accounts with their logins as one JSON object or a table."""
    rows = [
        (account, sorted(member.user.get_username() for member in account.memberships.all()))
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


def add_account_commands(app: typer.Typer, product: Accounts) -> None:
    """``create`` and ``list`` on a product's account group."""

    @app.command("create")
    def create_account(
        name: str = typer.Option(..., "--name", help=f"The {product.noun}'s name."),
        email: str = typer.Option(..., "--email", help="E-mail of the first login; the login."),
        password: str | None = typer.Option(
            None,
            "--password",
            help="Password of that login (visible to other users: prefer --password-stdin).",
        ),
        password_stdin: bool = PasswordStdinOption,
        as_json: bool = JsonOption,
    ) -> None:
        """Create an account with its first login (asks for the password when omitted)."""
        if "@" not in email:
            raise fail(f"--email {email!r} is not an e-mail address")
        secret = read_password(password, password_stdin)
        account = product.create_account(name, email, secret)
        if as_json:
            emit_json({"id": account.pk, "name": account.name, "email": email.strip().lower()})
        else:
            console.print(
                f"Created {product.noun} [bold]{account.name}[/bold] (id {account.pk}); "
                f"login {email}"
            )

    @app.command("list")
    def list_accounts(as_json: bool = JsonOption) -> None:
        """List the accounts with the logins that have a seat."""
        show_accounts(product.all_accounts(), as_json)


def add_token_commands(app: typer.Typer, product: Accounts) -> None:
    """``create``, ``list`` and ``revoke`` on a product's token group."""
    account_option = typer.Option(..., "--account", help=f"The {product.noun}'s name.")

    @app.command("create")
    def create_token(
        account: str = account_option,
        name: str = typer.Option("CLI token", "--name", help="A label for the token."),
        as_json: bool = JsonOption,
    ) -> None:
        """Issue an API token. It is printed once; only its hash is stored."""
        issued = product.create_token(product.get_account(account), name)
        if as_json:
            emit_json({"id": issued.token.pk, "name": issued.token.name, "token": issued.secret})
        else:
            console.print(f"Token [bold]{issued.token.name}[/bold] (id {issued.token.pk}):")
            console.print(issued.secret, highlight=False)
            console.print("Store it now: it cannot be shown again.")

    @app.command("list")
    def list_tokens(account: str = account_option, as_json: bool = JsonOption) -> None:
        """List the account's API tokens (never their secrets)."""
        found = list(product.tokens(product.get_account(account)))
        prefix = product.token_scheme
        if as_json:
            emit_json(
                {
                    "tokens": [
                        {
                            "id": token.pk,
                            "name": token.name,
                            "prefix": f"{prefix}_{token.prefix}_",
                            "created_at": token.created_at.isoformat(),
                            "last_used_at": token.last_used_at.isoformat()
                            if token.last_used_at
                            else None,
                            "active": token.is_active,
                        }
                        for token in found
                    ]
                }
            )
            return
        table = Table("id", "name", "token", "created", "last used", "state")
        for token in found:
            table.add_row(
                str(token.pk),
                token.name,
                f"{prefix}_{token.prefix}_…",
                f"{token.created_at:%Y-%m-%d}",
                f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never",
                "active" if token.is_active else "revoked",
            )
        console.print(table)

    @app.command("revoke")
    def revoke_token(
        account: str = account_option,
        token_id: int = typer.Argument(..., help="Token id (see the token list)."),
    ) -> None:
        """Revoke a token; it stops working at once."""
        token = product.revoke_token(product.get_account(account), token_id)
        console.print(f"Token {token.pk} ({token.name}) revoked.")
