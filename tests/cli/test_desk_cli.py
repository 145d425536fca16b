"""``crossdock desk …`` as a user runs it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import authenticate_token
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments.models import Shipment
from crossdock.desk.stores.models import DeskStore
from tests.fixtures.independent_store import IndependentStore, StoreItem, StoreOrder

runner = CliRunner()


def _json(args: list[str]) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_account_token_store_import_and_ship(db: None, independent_store: IndependentStore) -> None:
    independent_store.orders = [
        StoreOrder(
            "7001",
            "paid",
            datetime.now(UTC) - timedelta(minutes=30),
            [StoreItem("A", "Apple", 2, "1.00", line_item_id="1")],
        ),
        StoreOrder("7002", "Mystery", datetime.now(UTC), [StoreItem("A", "Apple", 1, "1.00")]),
    ]

    made = _json(
        [
            "desk",
            "account",
            "create",
            "--name",
            "Parcel Pals",
            "--email",
            "Ops@Pals.test",
            "--password",
            "long-enough",
        ]
    )
    token = _json(["desk", "token", "create", "--account", "Parcel Pals"])
    added = _json(
        [
            "desk",
            "stores",
            "add",
            "--account",
            "Parcel Pals",
            "--name",
            "Corner",
            "--url",
            independent_store.url,
            "--username",
            "shipper",
            "--password",
            independent_store.password,
        ]
    )
    listed = _json(["desk", "stores", "list", "--account", "Parcel Pals"])
    imported = _json(["desk", "stores", "import", "--account", "Parcel Pals", str(added["id"])])
    order = DeskOrder.objects.get()
    line_id = order.lines.get().pk
    shipped = _json(
        [
            "desk",
            "ship",
            "--account",
            "Parcel Pals",
            "--order",
            str(order.pk),
            "--carrier",
            "UPS",
            "--tracking",
            "1Z1",
            "--cost",
            "4.20",
            "--line",
            f"{line_id}:1",
        ]
    )

    account = DeskAccount.objects.get()
    assert made == {"id": account.pk, "name": "Parcel Pals", "email": "ops@pals.test"}
    assert authenticate_token(str(token["token"])).account == account
    assert added["unmapped_statuses"] == ["Mystery"]
    assert listed["stores"] == [
        {
            "id": added["id"],
            "name": "Corner",
            "kind": "custom",
            "url": independent_store.url,
            "connection": "ok",
            "last_error": "",
            "auto_import": True,
        }
    ]
    assert imported == {
        "fetched": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": [
            {"order_number": "7002", "reason": 'status "Mystery" is not mapped to a desk status'}
        ],
        "succeeded": True,
        "error": "",
    }
    shipment = Shipment.objects.get()
    assert shipped == {
        "id": shipment.pk,
        "created": True,
        "order_id": order.pk,
        "carrier": "UPS",
        "tracking_number": "1Z1",
        "lines": [{"line_id": line_id, "quantity": 1}],
        "notice": "pending",
    }


def test_a_failed_connection_exits_non_zero_and_stores_nothing(
    db: None, independent_store: IndependentStore
) -> None:
    runner.invoke(
        app,
        [
            "desk",
            "account",
            "create",
            "--name",
            "P",
            "--email",
            "p@p.test",
            "--password",
            "long-enough",
        ],
    )

    result = runner.invoke(
        app,
        [
            "desk",
            "stores",
            "add",
            "--account",
            "P",
            "--name",
            "Corner",
            "--url",
            independent_store.url,
            "--username",
            "shipper",
            "--password",
            "wrong",
        ],
    )

    assert result.exit_code == 5  # invalid input: the store refused the credentials
    assert "The store refused the username or password (HTTP 401)" in result.stderr
    assert DeskStore.objects.count() == 0
