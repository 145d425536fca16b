"""``crossdock shipstation`` as a merchant runs it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.hub.accounts.models import Account
from crossdock.hub.shipstation.models import ShipStationIntegration
from crossdock.hub.shipstation.services import authenticate

runner = CliRunner()


def test_create_prints_one_json_object_with_the_password_once(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CROSSDOCK_HOST", "127.0.0.1")
    monkeypatch.setenv("CROSSDOCK_PORT", "8000")
    result = runner.invoke(
        app,
        [
            "shipstation",
            "create",
            "--account",
            "Acme",
            "--name",
            "Warehouse",
            "--page-size",
            "250",
            "--weight-units",
            "grams",
            "--custom-field1",
            "coupon_codes",
            "--no-write-back",
            "--json",
        ],
    )

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    integration = ShipStationIntegration.objects.get()
    assert answer["id"] == integration.pk
    assert answer["name"] == "Warehouse"
    assert answer["endpoint_url"] == "http://127.0.0.1:8000/shipstation/custom-store"
    assert answer["status_mapping"]["paid"] == "paid,partially_shipped"
    assert answer["options"]["page_size"] == 250
    assert answer["options"]["weight_units"] == "grams"
    assert answer["options"]["custom_field1"] == "coupon_codes"
    assert answer["options"]["write_back"] is False
    assert authenticate(answer["username"], answer["password"], "127.0.0.1") == integration


def test_list_rotate_and_revoke(account: Account) -> None:
    created = json.loads(
        runner.invoke(app, ["shipstation", "create", "--account", "Acme", "--json"]).stdout
    )

    listed = json.loads(
        runner.invoke(app, ["shipstation", "list", "--account", "Acme", "--json"]).stdout
    )
    rotated = runner.invoke(
        app, ["shipstation", "rotate", "--account", "Acme", str(created["id"]), "--json"]
    )
    revoked = runner.invoke(app, ["shipstation", "revoke", "--account", "Acme", str(created["id"])])

    assert [item["username"] for item in listed["integrations"]] == [created["username"]]
    assert "password" not in listed["integrations"][0]
    assert json.loads(rotated.stdout)["password"] != created["password"]
    assert revoked.exit_code == 0
    assert "revoked" in revoked.stdout
    assert ShipStationIntegration.objects.get().revoked_at is not None


def test_text_output_shows_what_to_paste(account: Account) -> None:
    result = runner.invoke(app, ["shipstation", "create", "--account", "Acme"])

    assert result.exit_code == 0
    assert "/shipstation/custom-store" in result.stdout
    assert "Password" in result.stdout
    assert "Paid      paid,partially_shipped" in result.stdout


def test_errors_are_short_and_change_nothing(account: Account) -> None:
    unknown = runner.invoke(app, ["shipstation", "create", "--account", "Nobody"])
    bad_units = runner.invoke(
        app, ["shipstation", "create", "--account", "Acme", "--weight-units", "kg"]
    )
    bad_size = runner.invoke(
        app, ["shipstation", "create", "--account", "Acme", "--page-size", "0"]
    )
    missing = runner.invoke(app, ["shipstation", "rotate", "--account", "Acme", "999"])

    # not found, the command's own rule, invalid, not found (see crossdock.cli.errors)
    assert [unknown.exit_code, bad_units.exit_code, bad_size.exit_code, missing.exit_code] == [
        3,
        1,
        5,
        3,
    ]
    assert "no account named 'Nobody'" in unknown.stderr
    assert ShipStationIntegration.objects.count() == 0


def test_full_quantities_and_the_rotation_overlap_are_chosen_on_the_command_line(
    account: Account,
) -> None:
    # given an integration created to send partly shipped orders in full
    created = json.loads(
        runner.invoke(
            app, ["shipstation", "create", "--account", "Acme", "--full-quantities", "--json"]
        ).stdout
    )

    # when its password is rotated with a 2-hour overlap, then with none
    overlapping = runner.invoke(
        app,
        ["shipstation", "rotate", "--account", "Acme", str(created["id"]), "--overlap-hours", "2"],
    )
    ended = json.loads(
        runner.invoke(
            app,
            [
                "shipstation",
                "rotate",
                "--account",
                "Acme",
                str(created["id"]),
                "--overlap-hours",
                "0",
                "--json",
            ],
        ).stdout
    )

    # then the option is stored, the text output says until when the old password works,
    # and without overlap only the newest password opens the integration
    assert created["options"]["send_full_quantities"] is True
    assert ShipStationIntegration.objects.get().send_full_quantities is True
    assert overlapping.exit_code == 0
    assert "The previous password keeps working until" in overlapping.stdout
    assert ended["previous_password_valid_until"] is None
    assert authenticate(ended["username"], ended["password"], "127.0.0.1").pk == created["id"]


def test_kit_lines_are_chosen_on_the_command_line(account: Account) -> None:
    # given one integration asking for components and one naming no such choice
    created = runner.invoke(
        app, ["shipstation", "create", "--account", "Acme", "--kit-lines", "components", "--json"]
    )
    refused = runner.invoke(
        app, ["shipstation", "create", "--account", "Acme", "--kit-lines", "kits"]
    )

    # then the first is stored with the choice and the second is refused, naming the option
    assert created.exit_code == 0, created.output
    assert json.loads(created.stdout)["options"]["kit_lines"] == "components"
    assert refused.exit_code == 1
    assert "--kit-lines" in refused.stderr
    assert list(ShipStationIntegration.objects.values_list("kit_lines", flat=True)) == [
        "components"
    ]
