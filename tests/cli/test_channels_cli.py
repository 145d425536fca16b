"""``crossdock channels`` and ``crossdock writebacks`` as an operator runs them."""

from __future__ import annotations

import json

import pytest
from django_tasks_db.models import DBTaskResult
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import connections
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.orders.models import Order
from crossdock.sandbox.models import SandboxShop
from crossdock.sandbox.services import generate_orders
from tests.fixtures.channels import pull, ship
from tests.fixtures.sandbox import BASE_URL, sandbox_http

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_channels_add_and_list_print_json_without_secrets(
    account: Account, shop: tuple[SandboxShop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "build_client", sandbox_http)
    added = runner.invoke(
        app,
        [
            "channels",
            "add",
            "--account",
            account.name,
            "--kind",
            "sandbox",
            "--name",
            "Nordic",
            "--setting",
            f"base_url={BASE_URL}",
            "--setting",
            f"api_token={shop[1]}",
            "--interval",
            "600",
            "--json",
        ],
    )
    listed = runner.invoke(app, ["channels", "list", "--account", account.name, "--json"])

    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["secret_settings_set"] == ["api_token"]
    assert shop[1] not in added.stdout + listed.stdout
    rows = json.loads(listed.stdout)["channels"]
    assert [(row["name"], row["kind"]) for row in rows] == [
        ("Manual", "manual"),
        ("Nordic", "sandbox"),
    ]
    assert Channel.objects.get(name="Nordic").sync_interval == 600


def test_channels_add_refuses_a_bad_setting_and_stores_nothing(account: Account) -> None:
    result = runner.invoke(
        app,
        [
            "channels",
            "add",
            "--account",
            account.name,
            "--kind",
            "sandbox",
            "--name",
            "X",
            "--setting",
            "nonsense",
        ],
    )

    assert result.exit_code == 1
    assert "is not NAME=VALUE" in result.stderr
    assert not Channel.objects.filter(name="X").exists()


def test_channels_sync_queues_a_pull(channel: Channel) -> None:
    result = runner.invoke(
        app, ["channels", "sync", str(channel.pk), "--account", channel.account.name, "--json"]
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"id": channel.pk, "queued": True}
    assert DBTaskResult.objects.get().args_kwargs == {"args": [channel.pk], "kwargs": {}}


def test_writebacks_list_and_replay(channel: Channel, shop: tuple[SandboxShop, str]) -> None:
    generate_orders(shop[0], 1)
    pull(channel)
    ship(Order.objects.get())
    row = WriteBack.objects.get()
    name = channel.account.name

    pending = runner.invoke(app, ["writebacks", "list", "--account", name, "--json"])
    refused = runner.invoke(app, ["writebacks", "replay", str(row.pk), "--account", name])
    WriteBack.objects.filter(pk=row.pk).update(state="rejected", last_error="bad carrier")
    replayed = runner.invoke(
        app, ["writebacks", "replay", str(row.pk), "--account", name, "--json"]
    )

    assert [r["state"] for r in json.loads(pending.stdout)["write_backs"]] == ["pending"]
    assert refused.exit_code == 4  # a conflict
    assert "only dead or rejected ones replay" in refused.stderr
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.stdout) == {"id": row.pk, "state": "pending"}
