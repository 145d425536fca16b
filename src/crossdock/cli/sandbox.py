"""``crossdock sandbox``: open sandbox marketplace shops and simulate their buyers."""

from __future__ import annotations

import typer

from crossdock.cli.output import JsonOption, console, emit_json, fail
from crossdock.core.display import plural
from crossdock.demo.address import serving_url
from crossdock.sandbox import queries, services
from crossdock.sandbox.errors import SandboxError
from crossdock.sandbox.models import SandboxShop

sandbox_app = typer.Typer(
    help="The sandbox marketplace (/sandbox/): shops and simulated buyers.", no_args_is_help=True
)
shop_app = typer.Typer(help="Sandbox shops.", no_args_is_help=True)
orders_app = typer.Typer(help="Simulated buyers placing orders.", no_args_is_help=True)
sandbox_app.add_typer(shop_app, name="shop")
sandbox_app.add_typer(orders_app, name="orders")


@shop_app.command("create")
def create_shop(
    name: str = typer.Option(..., "--name", help="Shop name (unique)."),
    code: str = typer.Option("", "--code", help="Order-number prefix; the name's initials."),
    currency: str = typer.Option("USD", "--currency", help="3-letter currency code."),
    as_json: bool = JsonOption,
) -> None:
    """Open a shop; its API token is printed once, with what a hub channel needs."""
    try:
        made = services.create_shop(name, code, currency=currency)
    except SandboxError as error:
        raise fail(str(error)) from error
    base = serving_url()
    payload = {
        **queries.shop_document(made.shop),
        "token": made.token,
        "api_base_url": queries.api_base_url(base),
        "shop_url": queries.shop_page_url(base, made.shop.pk),
    }
    if as_json:
        emit_json(payload)
        return
    console.print(f"Opened sandbox shop [bold]{made.shop.name}[/bold] (id {made.shop.pk})")
    console.print(f"  API base URL  {payload['api_base_url']}", highlight=False)
    console.print(f"  API token     {made.token}", highlight=False)
    console.print(f"  Shop page     {payload['shop_url']}", highlight=False)
    console.print("  Store the token now: it cannot be shown again.")


@shop_app.command("list")
def list_shops(as_json: bool = JsonOption) -> None:
    """List the shops (never their tokens)."""
    found = queries.shops()
    if as_json:
        emit_json({"shops": [queries.shop_document(shop) for shop in found]})
        return
    if not found:
        console.print('No sandbox shop yet: crossdock sandbox shop create --name "…"')
    for shop in found:
        console.print(f"{shop.pk:>4}  {shop.name}  ({shop.code}, {shop.currency})", highlight=False)


def _shop(name: str) -> SandboxShop:
    found = SandboxShop.objects.filter(name=name).first()
    if found is None:
        raise fail(f"--shop: no sandbox shop named {name!r}")
    return found


@orders_app.command("place")
def place_orders(
    shop: str = typer.Option(..., "--shop", help="Shop name."),
    count: int = typer.Option(1, "--count", help="How many orders buyers place (1 to 500)."),
    showcase: bool = typer.Option(
        False, "--showcase", help="Place the showcase order (every feature) instead."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Simulated buyers place orders on a shop."""
    found = _shop(shop)
    try:
        placed = (
            [services.place_showcase_order(found)]
            if showcase
            else services.generate_orders(found, count)
        )
    except SandboxError as error:
        raise fail(f"--count: {error}") from error
    if as_json:
        emit_json({"orders": [order.number for order in placed]})
        return
    console.print(
        f"Buyers placed {plural(len(placed), 'order')} on {found.name}: "
        + ", ".join(order.number for order in placed),
        highlight=False,
    )
