"""``crossdock desk``: desk accounts and tokens (the commands both products share, see
:mod:`crossdock.cli.account_commands`), stores (add, list, import), ship an order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import typer
from rich.table import Table

from crossdock.cli.account_commands import Accounts, add_account_commands, add_token_commands
from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.desk.accounts import queries as account_queries
from crossdock.desk.accounts import services as accounts
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.importing import run_import
from crossdock.desk.shipments import services as shipments
from crossdock.desk.shipments.models import StoreNotice
from crossdock.desk.shipments.services import LineRequest, ShipRequest
from crossdock.desk.stores import queries as store_queries
from crossdock.desk.stores import services as stores
from crossdock.desk.stores.models import ImportRun

desk_app = typer.Typer(help="The shipping desk (the ShipStation side).", no_args_is_help=True)
account_app = typer.Typer(help="Desk accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Desk API tokens.", no_args_is_help=True)
stores_app = typer.Typer(help="Stores the desk imports from.", no_args_is_help=True)
desk_app.add_typer(account_app, name="account")
desk_app.add_typer(token_app, name="token")
desk_app.add_typer(stores_app, name="stores")

AccountOption = typer.Option(..., "--account", help="Desk account name.")


def _account(name: str) -> DeskAccount:
    return accounts.get_account(name)


DESK_ACCOUNTS = Accounts.of("desk account", accounts, account_queries)
add_account_commands(account_app, DESK_ACCOUNTS)
add_token_commands(token_app, DESK_ACCOUNTS)


@stores_app.command("add")
def add_store(
    account: str = AccountOption,
    name: str = typer.Option(..., "--name", help="Store name in the desk."),
    url: str = typer.Option(..., "--url", help="The store's Custom Store URL."),
    username: str = typer.Option(..., "--username", help="The username the store generated."),
    password: str = typer.Option(..., "--password", help="The password the store generated."),
    kind: str = typer.Option("custom", "--kind", help="crossdock or custom."),
    as_json: bool = JsonOption,
) -> None:
    """Connect a store: the connection is tested first; a failure stores nothing."""
    store, report = stores.connect_store(
        _account(account), kind=kind, name=name, url=url, username=username, password=password
    )
    if as_json:
        emit_json(
            {
                "id": store.pk,
                "name": store.name,
                "orders_seen": report.orders,
                "pages": report.pages,
                "unmapped_statuses": list(report.unmapped_statuses),
            }
        )
    else:
        console.print(f"Connected [bold]{store.name}[/bold] (id {store.pk}).")
        if report.unmapped_statuses:
            console.print(f"Unmapped store statuses: {', '.join(report.unmapped_statuses)}")


@stores_app.command("list")
def list_stores(account: str = AccountOption, as_json: bool = JsonOption) -> None:
    """List the desk account's stores."""
    found = list(store_queries.stores(_account(account)))
    if as_json:
        emit_json(
            {
                "stores": [
                    {
                        "id": store.pk,
                        "name": store.name,
                        "kind": store.kind,
                        "url": store.url,
                        "connection": store.connection,
                        "last_error": store.last_error,
                        "auto_import": store.auto_import,
                    }
                    for store in found
                ]
            }
        )
        return
    table = Table("id", "name", "kind", "connection", "auto-import", "url")
    for store in found:
        table.add_row(
            str(store.pk),
            store.name,
            store.kind,
            store.connection,
            "on" if store.auto_import else "off",
            store.url,
        )
    console.print(table)


@stores_app.command("import")
def import_store(
    account: str = AccountOption,
    store_id: int = typer.Argument(..., help="Store id (see `crossdock desk stores list`)."),
    as_json: bool = JsonOption,
) -> None:
    """Import a store's orders now and print what was fetched, created, updated, skipped."""
    store = stores.get_store(_account(account), store_id)
    summary = run_import(store.pk, ImportRun.Trigger.CLI)
    payload = {
        "fetched": summary.fetched,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "skipped": [{"order_number": s.order_number, "reason": s.reason} for s in summary.skipped],
        "succeeded": summary.succeeded,
        "error": summary.error,
    }
    if as_json:
        emit_json(payload)
    else:
        console.print(
            f"Fetched {summary.fetched}, created {summary.created}, updated {summary.updated}, "
            f"skipped {len(summary.skipped)}."
        )
        for skipped in summary.skipped:
            console.print(f"  skipped {skipped.order_number}: {skipped.reason}", highlight=False)
    if not summary.succeeded:
        raise fail(summary.error)


def _lines(values: list[str]) -> tuple[LineRequest, ...]:
    lines: list[LineRequest] = []
    for value in values:
        line_id, _, quantity = value.partition(":")
        try:
            lines.append(LineRequest(int(line_id), int(quantity or "1")))
        except ValueError as error:
            raise fail(f"--line {value!r} is not LINE_ID:QUANTITY") from error
    return tuple(lines)


@desk_app.command("ship")
def ship(
    account: str = AccountOption,
    order_id: int = typer.Option(..., "--order", help="Desk order id."),
    carrier: str = typer.Option(..., "--carrier", help="ShipStation carrier code, e.g. USPS."),
    tracking_number: str = typer.Option("", "--tracking", help="Tracking number."),
    service: str = typer.Option("", "--service", help="Carrier service."),
    cost: str = typer.Option("", "--cost", help="Carrier fee, e.g. 7.35."),
    ship_date: str = typer.Option("", "--ship-date", help="YYYY-MM-DD (default today)."),
    note: str = typer.Option("", "--note", help="Note to the buyer."),
    notify_buyer: bool | None = typer.Option(
        None, "--notify-buyer/--no-notify-buyer", help="E-mail the buyer (default: store setting)."
    ),
    notify_store: str = typer.Option(
        "", "--notify-store", help="immediately or never (default: the store's rule)."
    ),
    line: list[str] = typer.Option(  # noqa: B008 - typer declares options as defaults
        [], "--line", help="LINE_ID:QUANTITY; repeat it. None: the whole order."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Ship a desk order (whole or chosen lines); the store is told in the background."""
    try:
        shipping_cost = Decimal(cost) if cost else None
        day = date.fromisoformat(ship_date) if ship_date else None
    except (InvalidOperation, ValueError) as error:
        raise fail(f"bad --cost or --ship-date: {error}") from error
    shipment, created = shipments.create_shipment(
        _account(account),
        order_id,
        ShipRequest(
            carrier=carrier,
            service=service,
            tracking_number=tracking_number,
            shipping_cost=shipping_cost,
            ship_date=day,
            notes_to_buyer=note,
            notify_buyer=notify_buyer,
            notify_store=notify_store or None,
            lines=_lines(line),
        ),
        created_by="cli",
    )
    notice = StoreNotice.objects.filter(shipment=shipment).first()
    payload = {
        "id": shipment.pk,
        "created": created,
        "order_id": shipment.order_id,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "lines": [
            {"line_id": item.line_id, "quantity": item.quantity} for item in shipment.lines.all()
        ],
        "notice": notice.state if notice else None,
    }
    if as_json:
        emit_json(payload)
    else:
        console.print(f"Shipment {shipment.pk} recorded ({shipment}); notice {payload['notice']}.")
