"""``crossdock account`` and ``crossdock token``: the hub's accounts and REST API tokens."""

from __future__ import annotations

import typer

from crossdock.cli.account_commands import Accounts, add_account_commands, add_token_commands
from crossdock.hub.accounts import queries, services

account_app = typer.Typer(help="Merchant accounts.", no_args_is_help=True)
token_app = typer.Typer(help="REST API tokens.", no_args_is_help=True)

HUB_ACCOUNTS = Accounts.of("account", services, queries)
add_account_commands(account_app, HUB_ACCOUNTS)
add_token_commands(token_app, HUB_ACCOUNTS)
