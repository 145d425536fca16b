"""The root Typer app; each area adds its command group here."""

from __future__ import annotations

import typer

from crossdock.cli import (
    accounts,
    backup,
    bench,
    catalog,
    channels,
    customstore,
    desk,
    sandbox,
    server,
    shipstation,
)
from crossdock.cli.errors import CrossdockGroup
from crossdock.config import data_dir

HELP = (
    "Crossdock: a multichannel order hub with a ShipStation bridge and a shipping desk.\n\n"
    f"Data folder (SQLite file and generated keys): {data_dir()}. It is CROSSDOCK_DATA_DIR "
    "when set, else $XDG_DATA_HOME/crossdock (default ~/.local/share/crossdock), whatever "
    "folder the command runs in. Run `crossdock migrate` once to create the database."
)

app = typer.Typer(
    name="crossdock",
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=CrossdockGroup,
)
app.command()(server.serve)
app.command()(server.worker)
app.command()(server.migrate)
app.command()(server.demo)
app.command()(backup.backup)
app.command()(backup.restore)
app.command()(bench.bench)
app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    server.manage
)
app.add_typer(accounts.account_app, name="account")
app.add_typer(accounts.token_app, name="token")
app.add_typer(shipstation.shipstation_app, name="shipstation")
app.add_typer(channels.channels_app, name="channels")
app.add_typer(channels.writebacks_app, name="writebacks")
app.add_typer(desk.desk_app, name="desk")
app.add_typer(customstore.customstore_app, name="customstore")
app.add_typer(sandbox.sandbox_app, name="sandbox")
app.add_typer(catalog.catalog_app, name="catalog")
app.add_typer(catalog.stock_app, name="stock")
