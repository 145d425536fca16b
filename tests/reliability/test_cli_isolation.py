"""Nobody gets in where they don't belong, on the command line: every ``crossdock`` command.

The commands are found by walking the Typer/click command tree, and each must be named in
exactly one table below: a command added on any branch fails
``test_every_command_is_classified`` until it is. A command that takes an account
(``--account``) and names a row (an id or a name: token, integration, channel, write-back,
desk store, desk order or line, SKU, inventory source) is run as account B with A's id or
name, and again with one that names no row: both answers are the same (exit code and every
line, the value given aside), show nothing of A, and change no stored row. A list or export
run as B shows B's rows and none of A's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.testing import CliRunner

from crossdock.cli.errors import INVALID, NOT_FOUND, REFUSED
from crossdock.cli.root import app
from tests.reliability.world import MISSING, DeskSide, HubSide, snapshot

runner = CliRunner()
Case = TypeVar("Case")

#: Commands that are not one merchant's or one desk business's, by design: they take no
#: ``--account`` (``test_global_commands_take_no_account`` holds them to it).
GLOBAL_COMMANDS = {
    # The processes and the database of the whole installation, run by its operator.
    "serve": "serves every account",
    "worker": "runs every account's background jobs",
    "migrate": "the schema of the whole database",
    "manage": "Django's management commands, for the operator",
    "backup": "a copy of the whole database",
    "restore": "replaces the whole database",
    "demo": "creates its own demo accounts",
    "bench": "runs on a fresh data folder of its own",
    # Accounts themselves: the operator creates them and sees every one of them.
    "account create": "creates an account",
    "account list": "the operator's list of every account",
    "desk account create": "creates a desk account",
    "desk account list": "the operator's list of every desk account",
    # Checks any store's endpoint over HTTP; never reads the database.
    "customstore check": "reads a remote endpoint, no stored row",
    # The sandbox marketplace: a separate simulated product with shops, no merchant account.
    "sandbox shop create": "sandbox shops belong to no account",
    "sandbox shop list": "sandbox shops belong to no account",
    "sandbox orders place": "sandbox shops belong to no account",
}

#: Commands that take an account and create a row of that account's own; nothing they are
#: given (a name, settings, a store's URL and credentials) names a stored row.
OWN_ROWS_ONLY = {
    "token create",
    "desk token create",
    "channels add",
    "desk stores add",
}


@dataclass(frozen=True)
class Caller:
    """Account B as the command line names it, and B's own rows a command needs beside."""

    hub: str
    desk: str
    sku: str
    kit_sku: str
    source: str
    desk_order_id: int
    folder: Path

    def csv(self, text: str) -> str:
        """A CSV file holding ``text``, for ``catalog import``."""
        path = self.folder / "import.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)


@dataclass(frozen=True)
class Naming:
    """One way a command names a row: which kind of row, the command line around the value
    naming it, and the exit code of a value naming no row of the caller's."""

    row: str
    argv: Callable[[Caller, str], list[str]]
    code: int = NOT_FOUND


def named(hub: HubSide, desk: DeskSide) -> dict[str, str]:
    """Each kind of row a command names → one side's row, as the command line gives it."""
    return {
        "token": str(hub.token_id),
        "integration": str(hub.shipstation.integration.pk),
        "channel": str(hub.channel.pk),
        "write_back": str(hub.write_back.pk),
        "sku": hub.product.sku,
        "source": hub.source.name,
        "desk_token": str(desk.token_id),
        "desk_store": str(desk.store.pk),
        "desk_order": str(desk.order.pk),
        "desk_line": str(desk.line_id),
    }


#: Values that name no row at all, of each kind.
NOTHING = {
    "token": str(MISSING),
    "integration": str(MISSING),
    "channel": str(MISSING),
    "write_back": str(MISSING),
    "sku": "NO-SUCH-MUG",
    "source": "No such depot",
    "desk_token": str(MISSING),
    "desk_store": str(MISSING),
    "desk_order": str(MISSING),
    "desk_line": str(MISSING),
}

MAIN = "Main warehouse"


def _stock(command: str, *words: str) -> Callable[[Caller, str], list[str]]:
    """``stock <command> <words[0]> 1 --account B <words[1:]>``: in the words, ``{value}``
    stands for the value tried, ``{sku}`` and ``{source}`` for B's own."""

    def argv(b: Caller, value: str) -> list[str]:
        filled = [word.format(value=value, sku=b.sku, source=b.source) for word in words]
        return ["stock", command, filled[0], "1", "--account", b.hub, *filled[1:]]

    return argv


#: Commands that name a row, each way they name one. A SKU is a value the stock services
#: check like any field (``sku: no product with SKU …``: invalid input, exit 5); an id or
#: an inventory source name that names nothing is not found (exit 3).
ROW_COMMANDS: dict[str, tuple[Naming, ...]] = {
    "token revoke": (Naming("token", lambda b, v: ["token", "revoke", "--account", b.hub, v]),),
    "desk token revoke": (
        Naming("desk_token", lambda b, v: ["desk", "token", "revoke", "--account", b.desk, v]),
    ),
    "shipstation rotate": (
        Naming("integration", lambda b, v: ["shipstation", "rotate", "--account", b.hub, v]),
    ),
    "shipstation revoke": (
        Naming("integration", lambda b, v: ["shipstation", "revoke", "--account", b.hub, v]),
    ),
    # A channel the new integration exports: an option naming no channel is invalid input.
    "shipstation create": (
        Naming(
            "channel",
            lambda b, v: ["shipstation", "create", "--account", b.hub, "--channel", v],
            INVALID,
        ),
    ),
    "channels sync": (Naming("channel", lambda b, v: ["channels", "sync", v, "--account", b.hub]),),
    "writebacks replay": (
        Naming("write_back", lambda b, v: ["writebacks", "replay", v, "--account", b.hub]),
    ),
    "desk stores import": (
        Naming("desk_store", lambda b, v: ["desk", "stores", "import", "--account", b.desk, v]),
    ),
    "desk ship": (
        Naming(
            "desk_order",
            lambda b, v: ["desk", "ship", "--account", b.desk, "--order", v, "--carrier", "USPS"],
        ),
        # A's line on B's own order.
        Naming(
            "desk_line",
            lambda b, v: [
                *("desk", "ship", "--account", b.desk, "--order", str(b.desk_order_id)),
                *("--carrier", "USPS", "--line", f"{v}:1"),
            ],
            INVALID,
        ),
    ),
    "stock adjust": (
        Naming("sku", _stock("adjust", "{value}", "--source", MAIN, "--reason", "found"), INVALID),
        Naming("source", _stock("adjust", "{sku}", "--source", "{value}", "--reason", "found")),
    ),
    "stock transfer": (
        Naming("sku", _stock("transfer", "{value}", "--from", MAIN, "--to", "{source}"), INVALID),
        Naming("source", _stock("transfer", "{sku}", "--from", "{value}", "--to", "{source}")),
        Naming("source", _stock("transfer", "{sku}", "--from", MAIN, "--to", "{value}")),
    ),
    # A filter of a list: A's SKU lists what a SKU nobody has lists (nothing).
    "stock levels": (
        Naming(
            "sku", lambda b, v: ["stock", "levels", "--account", b.hub, "--sku", v, "--json"], 0
        ),
    ),
    # Rows of a file naming A's SKU or source: refused as a name nobody has is (exit 1, the
    # problems listed, nothing imported).
    "catalog import": (
        Naming(
            "sku",
            lambda b, v: [
                *("catalog", "import", "--account", b.hub),
                b.csv(f"sku,source,quantity\n{v},{MAIN},3\n"),
            ],
            REFUSED,
        ),
        Naming(
            "source",
            lambda b, v: [
                *("catalog", "import", "--account", b.hub),
                b.csv(f"sku,source,quantity\n{b.sku},{v},3\n"),
            ],
            REFUSED,
        ),
        Naming(
            "sku",
            lambda b, v: [
                *("catalog", "import", "--account", b.hub),
                b.csv(f"kit_sku,component_sku,quantity\n{b.kit_sku},{v},1\n"),
            ],
            REFUSED,
        ),
    ),
}

#: Commands that list or export an account's rows: the command line as B.
LIST_COMMANDS: dict[str, tuple[Callable[[Caller], list[str]], ...]] = {
    "token list": (lambda b: ["token", "list", "--account", b.hub, "--json"],),
    "desk token list": (lambda b: ["desk", "token", "list", "--account", b.desk, "--json"],),
    "shipstation list": (lambda b: ["shipstation", "list", "--account", b.hub, "--json"],),
    "channels list": (lambda b: ["channels", "list", "--account", b.hub, "--json"],),
    "writebacks list": (lambda b: ["writebacks", "list", "--account", b.hub, "--json"],),
    "desk stores list": (lambda b: ["desk", "stores", "list", "--account", b.desk, "--json"],),
    "stock levels": (lambda b: ["stock", "levels", "--account", b.hub, "--json"],),
    "catalog export": (
        lambda b: ["catalog", "export", "--account", b.hub, "--kind", "products"],
        lambda b: ["catalog", "export", "--account", b.hub, "--kind", "kits"],
        lambda b: ["catalog", "export", "--account", b.hub, "--kind", "quantities"],
    ),
}


def _walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, TyperCommand]]:
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))
    else:
        assert isinstance(command, TyperCommand), path
        yield " ".join(path), command


#: Every command of ``crossdock``, by its words: ``desk stores import``.
COMMANDS = dict(_walk(typer.main.get_command(app), ()))


def _takes_account(command: TyperCommand) -> bool:
    return any("--account" in param.opts for param in command.params)


@pytest.fixture
def caller(bravo: HubSide, bravo_desk: DeskSide, tmp_path: Path) -> Caller:
    """Account B (with rows of every kind) on the command line."""
    return Caller(
        hub=bravo.account.name,
        desk=bravo_desk.account.name,
        sku=bravo.product.sku,
        kit_sku=bravo.kit.sku,
        source=bravo.source.name,
        desk_order_id=bravo_desk.order.pk,
        folder=tmp_path,
    )


def test_every_command_is_classified() -> None:
    # given the commands found in the command tree
    found = set(COMMANDS)

    # then each is in exactly one table (a list command may also name a row, as a filter)
    tables = [set(GLOBAL_COMMANDS), OWN_ROWS_ONLY, set(ROW_COMMANDS) | set(LIST_COMMANDS)]
    assert len(found) >= 30
    assert found - set().union(*tables) == set(), "classify these commands in this suite"
    assert set().union(*tables) - found == set(), "these commands no longer exist"
    assert [a & b for a in tables for b in tables if a is not b] == [set()] * 6


def test_global_commands_take_no_account() -> None:
    # given the commands found

    # then exactly the commands outside GLOBAL_COMMANDS take an account
    taking = {name for name, command in COMMANDS.items() if _takes_account(command)}
    assert taking == set(COMMANDS) - set(GLOBAL_COMMANDS)


def _cases(table: Mapping[str, tuple[Case, ...]]) -> list[object]:
    """One test case per entry of each command in ``table``, named by command and position
    (and the kind of row a :class:`Naming` names)."""
    return [
        pytest.param(
            case,
            id=f"{command} [{case.row} {position}]"
            if isinstance(case, Naming)
            else f"{command} {position}",
        )
        for command, cases in table.items()
        for position, case in enumerate(cases)
    ]


ROW_CASES = _cases(ROW_COMMANDS)


@pytest.mark.parametrize("naming", ROW_CASES)
def test_b_naming_a_row_of_a_gets_what_a_missing_row_gets(
    alpha: HubSide, alpha_desk: DeskSide, caller: Caller, naming: Naming
) -> None:
    # given account B on the command line, naming A's row
    on_a_value, missing_value = named(alpha, alpha_desk)[naming.row], NOTHING[naming.row]
    before = snapshot()

    # when
    on_a = runner.invoke(app, naming.argv(caller, on_a_value))
    on_nothing = runner.invoke(app, naming.argv(caller, missing_value))

    # then the same answer as for a row that does not exist, nothing of A, nothing changed
    assert (on_a.exit_code, on_nothing.exit_code) == (naming.code, naming.code), on_a.output
    assert on_a.stdout == on_nothing.stdout.replace(missing_value, on_a_value)
    assert on_a.stderr == on_nothing.stderr.replace(missing_value, on_a_value)
    assert on_a.stderr or naming.code == 0
    assert "alpha" not in (on_a.stdout + on_a.stderr).replace(on_a_value, "").casefold()
    assert snapshot() == before


LIST_CASES = _cases(LIST_COMMANDS)


@pytest.mark.parametrize("argv", LIST_CASES)
def test_b_lists_show_b_rows_and_never_a_rows(
    alpha: HubSide, alpha_desk: DeskSide, caller: Caller, argv: Callable[[Caller], list[str]]
) -> None:
    # given account B on the command line, and A with rows of every kind

    # when
    listed = runner.invoke(app, argv(caller))

    # then
    assert listed.exit_code == 0, listed.output
    assert "bravo" in listed.stdout.casefold()
    assert "alpha" not in (listed.stdout + listed.stderr).casefold()
