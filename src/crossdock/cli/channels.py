"""``crossdock channels list|add|sync`` and ``crossdock writebacks list|replay``."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from crossdock.cli.output import JsonOption, console, emit_json, fail, stderr
from crossdock.hub.accounts import services as accounts
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import queries, services
from crossdock.hub.channels.connections import secret_names
from crossdock.hub.channels.errors import ChannelCheckFailed
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.fulfillment import queries as fulfillment_queries
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.tasks import replay_write_back
from crossdock.hub.orders.pull import pull_orders
from crossdock.hub.orders.tasks import request_sync

channels_app = typer.Typer(help="Sales channels: list, connect, sync.", no_args_is_help=True)
writebacks_app = typer.Typer(help="Tracking write-backs to channels.", no_args_is_help=True)

AccountOption = typer.Option(..., "--account", help="Account name.")


def _account(name: str) -> Account:
    return accounts.get_account(name)


def _channel_row(channel: Channel) -> dict[str, Any]:
    health = fulfillment_queries.health(channel)
    return {
        "id": channel.pk,
        "name": channel.name,
        "kind": channel.kind,
        "is_active": channel.is_active,
        "settings": channel.settings,
        "secret_settings_set": secret_names(channel),
        "last_sync_at": health.last_sync_at,
        "next_sync_at": health.next_sync_at,
        "last_error": health.last_error,
        "pending_write_backs": health.pending_write_backs,
        "failed_write_backs": health.failed_write_backs,
    }


@channels_app.command("list")
def list_channels(account: str = AccountOption, as_json: bool = JsonOption) -> None:
    """Channels of an account with their health."""
    rows = [_channel_row(channel) for channel in queries.channels(_account(account))]
    if as_json:
        emit_json({"channels": rows})
        return
    table = Table("id", "name", "kind", "active", "last sync", "next sync", "write-backs", "error")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["name"],
            row["kind"],
            "yes" if row["is_active"] else "no",
            str(row["last_sync_at"] or "never"),
            str(row["next_sync_at"] or "—"),
            f"{row['pending_write_backs']} pending, {row['failed_write_backs']} failed",
            row["last_error"][:60],
        )
    console.print(table)


def _settings(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name.strip():
            raise fail(f"--setting {pair!r} is not NAME=VALUE")
        values[name.strip()] = value
    return values


@channels_app.command("add")
def add_channel(
    account: str = AccountOption,
    kind: str = typer.Option(..., "--kind", help="Connector slug, e.g. sandbox."),
    name: str = typer.Option(..., "--name", help="A name for the channel."),
    setting: list[str] = typer.Option(  # noqa: B008 - Typer declares options as defaults
        [], "--setting", help="NAME=VALUE, repeatable (secrets are stored encrypted)."
    ),
    interval: int | None = typer.Option(None, "--interval", help="Seconds between pulls."),
    as_json: bool = JsonOption,
) -> None:
    """Connect a channel, once its connection check passes (one real call to the channel)."""
    try:
        connected = services.connect_channel(
            _account(account), kind, name, _settings(setting), sync_interval=interval
        )
    except ChannelCheckFailed as error:
        # One line per problem, each naming the setting to correct.
        for field, message in error.field_errors:
            stderr.print(f"[red]error:[/red] {field}: {message}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    channel = connected.channel
    for warning in connected.warnings:
        stderr.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
    if as_json:
        emit_json({**_channel_row(channel), "warnings": list(connected.warnings)})
    else:
        console.print(f"Connected [bold]{channel.name}[/bold] ({channel.kind}, id {channel.pk}).")


def _run_row(run: SyncRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "outcome": run.outcome,
        "fetched": run.fetched,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "cancelled": run.cancelled,
        "failed": run.failed,
        "duration_ms": run.duration_ms,
        "error": run.error,
    }


@channels_app.command("sync")
def sync_channel(
    channel_id: int = typer.Argument(..., help="Channel id."),
    account: str = AccountOption,
    now: bool = typer.Option(False, "--now", help="Pull here and now instead of queueing."),
    as_json: bool = JsonOption,
) -> None:
    """Sync now: queue an order pull (or, with --now, run it in this process)."""
    owner = _account(account)
    channel = queries.get_channel(owner, channel_id)
    if not now:
        request_sync(owner, channel.pk)
    if not now:
        if as_json:
            emit_json({"id": channel.pk, "queued": True})
        else:
            console.print(f"Order pull of {channel.name} queued.")
        return
    run = pull_orders(channel.pk)
    if run is None:
        raise fail(f"{channel.name} is inactive or another pull is running")
    row = _run_row(run)
    if as_json:
        emit_json(row)
    else:
        console.print(
            f"{channel.name}: {run.outcome}, {run.fetched} read, {run.created} new, "
            f"{run.updated} updated, {run.cancelled} cancelled, {run.failed} skipped"
            + (f" — {run.error}" if run.error else "")
        )
    if run.outcome == SyncRun.Outcome.FAILED:
        raise typer.Exit(1)


def _write_back_row(row: WriteBack) -> dict[str, Any]:
    return {
        "id": row.pk,
        "state": row.state,
        "channel": row.channel.name,
        "order": row.fulfillment.order.number,
        "tracking_number": row.fulfillment.tracking_number,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "last_error": row.last_error,
    }


@writebacks_app.command("list")
def list_write_backs(
    account: str = AccountOption,
    state: str | None = typer.Option(None, "--state", help="pending, sending, accepted, …"),
    as_json: bool = JsonOption,
) -> None:
    """Write-backs of an account, newest first."""
    if state is not None and state not in WriteBack.State.values:
        raise fail(f"--state must be one of {', '.join(WriteBack.State.values)}")
    rows = [
        _write_back_row(row)
        for row in fulfillment_queries.write_backs(_account(account), state=state)
    ]
    if as_json:
        emit_json({"write_backs": rows})
        return
    table = Table("id", "state", "channel", "order", "tracking", "attempts", "error")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["state"],
            row["channel"],
            row["order"],
            row["tracking_number"],
            str(row["attempts"]),
            row["last_error"][:60],
        )
    console.print(table)


@writebacks_app.command("replay")
def replay(
    write_back_id: int = typer.Argument(..., help="Write-back id."),
    account: str = AccountOption,
    as_json: bool = JsonOption,
) -> None:
    """Send a dead or rejected write-back again."""
    row = replay_write_back(_account(account), write_back_id)
    if as_json:
        emit_json({"id": row.pk, "state": row.state})
    else:
        console.print(f"Write-back {row.pk} queued again.")
