"""``crossdock shipstation``: connect ShipStation to an account, list, rotate, revoke.

The endpoint URL printed is under ``CROSSDOCK_PUBLIC_URL`` when set, else under the
address ``crossdock serve`` listens on (``CROSSDOCK_HOST``/``CROSSDOCK_PORT``).
"""

from __future__ import annotations

import dataclasses
import os
from datetime import timedelta
from typing import Any

import typer
from django.conf import settings

from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.hub.accounts.services import get_account
from crossdock.hub.shipstation import queries, services
from crossdock.hub.shipstation.models import (
    DEFAULT_PAGE_SIZE,
    CustomFieldSource,
    KitLines,
    WeightUnitsChoice,
)

shipstation_app = typer.Typer(
    help="ShipStation integrations (Custom Store credentials).", no_args_is_help=True
)

AccountOption = typer.Option(..., "--account", help="Account name.")


def _base_url() -> str:
    public: str = settings.PUBLIC_URL
    if public:
        return public
    host = os.environ.get("CROSSDOCK_HOST", "127.0.0.1")
    port = os.environ.get("CROSSDOCK_PORT", "8000")
    return f"http://{host}:{port}"


def _payload(view: queries.IntegrationView, password: str | None = None) -> dict[str, Any]:
    payload = dataclasses.asdict(view)
    if password is not None:
        payload["password"] = password
    return payload


def _print(view: queries.IntegrationView, password: str | None = None) -> None:
    state = "active" if view.active else "revoked"
    console.print(f"ShipStation integration [bold]{view.name}[/bold] (id {view.id}, {state})")
    console.print(f"  URL       {view.endpoint_url}", highlight=False)
    if view.endpoint_warning:
        console.print(f"  [yellow]Warning:[/yellow] {view.endpoint_warning}", highlight=False)
    console.print(f"  Username  {view.username}", highlight=False)
    if password is not None:
        console.print(f"  Password  {password}", highlight=False)
        console.print("  Store the password now: it cannot be shown again.")
    if view.previous_password_valid_until is not None:
        until = f"{view.previous_password_valid_until:%Y-%m-%d %H:%M} UTC"
        console.print(f"  The previous password keeps working until {until}.", highlight=False)
    mapping = view.status_mapping
    console.print("  Status mapping for ShipStation's store settings:")
    for label, value in (
        ("Unpaid", mapping.unpaid),
        ("Paid", mapping.paid),
        ("Shipped", mapping.shipped),
        ("Cancelled", mapping.cancelled),
        ("On-Hold", mapping.on_hold),
    ):
        console.print(f"    {label:<10}{value}", highlight=False)


def _choice(value: str, allowed: list[str], option: str) -> str:
    if value not in allowed:
        raise fail(f"{option} must be one of {', '.join(allowed)}")
    return value


@shipstation_app.command("create")
def create(
    account: str = AccountOption,
    name: str = typer.Option(services.DEFAULT_NAME, "--name", help="A name for this store."),
    channel: list[int] = typer.Option(  # noqa: B008 - Typer declares options as defaults
        [], "--channel", help="Export only this channel's orders (repeatable; default all)."
    ),
    include_external: bool = typer.Option(
        False,
        "--include-external-fulfillment",
        help="Also export orders a marketplace or third party fulfils.",
    ),
    internal_notes: bool = typer.Option(
        True, "--internal-notes/--no-internal-notes", help="Send internal notes."
    ),
    full_quantities: bool = typer.Option(
        False,
        "--full-quantities/--remaining-quantities",
        help="Send partly shipped orders in full instead of what is left to ship.",
    ),
    kit_lines: str = typer.Option(
        KitLines.PARENT.value,
        "--kit-lines",
        help=f"A kit goes out as: {', '.join(KitLines.values)}.",
    ),
    page_size: int = typer.Option(DEFAULT_PAGE_SIZE, "--page-size", help="Orders per page."),
    weight_units: str = typer.Option(
        WeightUnitsChoice.AS_RECORDED.value,
        "--weight-units",
        help=f"One of {', '.join(WeightUnitsChoice.values)}.",
    ),
    custom_field1: str = typer.Option(CustomFieldSource.NOTHING.value, "--custom-field1"),
    custom_field2: str = typer.Option(CustomFieldSource.NOTHING.value, "--custom-field2"),
    custom_field3: str = typer.Option(
        CustomFieldSource.NOTHING.value,
        "--custom-field3",
        help=f"What fills CustomFieldN: {', '.join(CustomFieldSource.values)}.",
    ),
    write_back: bool = typer.Option(
        True, "--write-back/--no-write-back", help="Write shipments back to the channel."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Generate ShipStation credentials for an account (the password is printed once)."""
    options = services.IntegrationOptions(
        channel_ids=tuple(channel),
        exclude_external_fulfillment=not include_external,
        send_internal_notes=internal_notes,
        send_full_quantities=full_quantities,
        kit_lines=_choice(kit_lines, KitLines.values, "--kit-lines"),
        page_size=page_size,
        weight_units=_choice(weight_units, WeightUnitsChoice.values, "--weight-units"),
        custom_fields=(
            _choice(custom_field1, CustomFieldSource.values, "--custom-field1"),
            _choice(custom_field2, CustomFieldSource.values, "--custom-field2"),
            _choice(custom_field3, CustomFieldSource.values, "--custom-field3"),
        ),
        write_back=write_back,
    )
    issued = services.create_integration(get_account(account), name, options)
    view = queries.describe(issued.integration, _base_url())
    if as_json:
        emit_json(_payload(view, issued.password))
    else:
        _print(view, issued.password)


@shipstation_app.command("list")
def list_integrations(account: str = AccountOption, as_json: bool = JsonOption) -> None:
    """List an account's ShipStation integrations (never their passwords)."""
    found = get_account(account)
    mapping = queries.status_mapping(found)
    views = [
        queries.describe(integration, _base_url(), mapping)
        for integration in queries.integrations(found)
    ]
    if as_json:
        emit_json({"integrations": [_payload(view) for view in views]})
        return
    if not views:
        console.print("No ShipStation integration yet: crossdock shipstation create --account …")
    for view in views:
        _print(view)


@shipstation_app.command("rotate")
def rotate(
    account: str = AccountOption,
    integration_id: int = typer.Argument(..., help="Integration id."),
    overlap_hours: int = typer.Option(
        int(services.PASSWORD_OVERLAP.total_seconds() // 3600),
        "--overlap-hours",
        min=0,
        max=168,
        help="How long the current password keeps working (0 stops it at once).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Issue a new password (printed once); the current one keeps working for a while."""
    issued = services.rotate_password(
        get_account(account), integration_id, timedelta(hours=overlap_hours)
    )
    view = queries.describe(issued.integration, _base_url())
    if as_json:
        emit_json(_payload(view, issued.password))
    else:
        _print(view, issued.password)


@shipstation_app.command("revoke")
def revoke(
    account: str = AccountOption,
    integration_id: int = typer.Argument(..., help="Integration id."),
    as_json: bool = JsonOption,
) -> None:
    """Revoke an integration: its credentials never work again."""
    integration = services.revoke_integration(get_account(account), integration_id)
    if as_json:
        emit_json({"id": integration.pk, "active": integration.is_active})
    else:
        console.print(f"ShipStation integration {integration.pk} revoked.")
