"""``/api/v1/integrations/shipstation``: create, read, change, rotate, revoke, skipped orders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client, override_settings

from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_token
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.services import create_custom_status
from crossdock.hub.shipstation.models import ShipStationIntegration
from tests.fixtures.api import ApiClient
from tests.fixtures.shipstation import ENDPOINT, SHIP_TO, basic, content

DEFAULT_OPTIONS = {
    "channels": [],
    "exclude_external_fulfillment": True,
    "send_internal_notes": True,
    "send_full_quantities": False,
    "kit_lines": "parent",
    "page_size": 100,
    "weight_units": "as_recorded",
    "custom_field1": "none",
    "custom_field2": "none",
    "custom_field3": "none",
    "write_back": True,
}

EXPORT = {"action": "export", "start_date": "01/01/2020 00:00", "end_date": "01/01/2040 00:00"}


def _create(api: ApiClient, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = api.post("/integrations/shipstation", body)
    assert response.status_code == 201, response.content
    answer: dict[str, Any] = response.json()
    return answer


def test_creating_answers_everything_to_paste_into_shipstation(
    api: ApiClient, account: Account
) -> None:
    create_custom_status(account, "Ready to pick", "paid")
    create_custom_status(account, "Awaiting stock", "on_hold")

    answer = _create(api, {"name": "Main warehouse"})

    assert set(answer) == {
        "id",
        "name",
        "endpoint_url",
        "endpoint_warning",
        "username",
        "password",
        "status_mapping",
        "options",
        "active",
        "created_at",
        "password_changed_at",
        "previous_password_valid_until",
        "revoked_at",
        "last_request_at",
    }
    assert answer["name"] == "Main warehouse"
    assert answer["endpoint_url"] == "http://testserver/shipstation/custom-store"
    assert answer["username"].startswith("crossdock-")
    assert answer["status_mapping"] == {
        "unpaid": "unpaid",
        "paid": "paid,partially_shipped,Ready to pick",
        "shipped": "shipped",
        "cancelled": "cancelled",
        "on_hold": "on_hold,Awaiting stock",
    }
    assert answer["options"] == DEFAULT_OPTIONS
    assert answer["active"] is True
    signed_in = Client().get(
        ENDPOINT, EXPORT, headers=basic(answer["username"], answer["password"])
    )
    assert signed_in.status_code == 200


@override_settings(PUBLIC_URL="https://hub.example.com")
def test_the_endpoint_url_uses_the_public_url_when_set(api: ApiClient) -> None:
    assert _create(api)["endpoint_url"] == "https://hub.example.com/shipstation/custom-store"


def test_options_are_chosen_at_creation(api: ApiClient, account: Account) -> None:
    shop = Channel.objects.create(account=account, kind="sandbox", name="Shop")
    options = {
        "channels": [shop.pk],
        "exclude_external_fulfillment": False,
        "send_internal_notes": False,
        "send_full_quantities": True,
        "kit_lines": "both",
        "page_size": 500,
        "weight_units": "pounds",
        "custom_field1": "coupon_codes",
        "custom_field2": "channel",
        "custom_field3": "marketplace_order_id",
        "write_back": False,
    }

    answer = _create(api, {"name": "Only the shop", "options": options})

    assert answer["options"] == options


@pytest.mark.parametrize(
    ("options", "loc"),
    [
        ({"page_size": 0}, ["body", "body", "options", "page_size"]),
        ({"page_size": 501}, ["body", "body", "options", "page_size"]),
        ({"weight_units": "kg"}, ["body", "body", "options", "weight_units"]),
        ({"kit_lines": "kits"}, ["body", "body", "options", "kit_lines"]),
        ({"custom_field1": "secret"}, ["body", "body", "options", "custom_field1"]),
    ],
)
def test_bad_options_are_refused_and_nothing_created(
    api: ApiClient, options: dict[str, Any], loc: list[str]
) -> None:
    response = api.post("/integrations/shipstation", {"options": options})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
    assert ShipStationIntegration.objects.count() == 0


def test_another_accounts_channel_is_refused(
    api: ApiClient, make_account: Callable[[str], Account]
) -> None:
    foreign = Channel.objects.create(account=make_account("Other"), kind="sandbox", name="X")

    response = api.post("/integrations/shipstation", {"options": {"channels": [foreign.pk]}})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body", "options", "channels"]
    assert ShipStationIntegration.objects.count() == 0


@pytest.mark.parametrize("channel_id", [2**63, -(2**70), 0])
def test_a_channel_id_no_database_can_hold_is_refused_as_missing(
    api: ApiClient, channel_id: int
) -> None:
    response = api.post("/integrations/shipstation", {"options": {"channels": [channel_id]}})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body", "options", "channels"]
    assert response.json()["detail"][0]["msg"] == f"no channel {channel_id} in this account"
    assert ShipStationIntegration.objects.count() == 0


def test_reading_never_shows_the_password(api: ApiClient) -> None:
    created = _create(api)

    listed = api.get("/integrations/shipstation").json()
    one = api.get(f"/integrations/shipstation/{created['id']}").json()

    expected = {key: value for key, value in created.items() if key != "password"}
    expected["last_request_at"] = None
    assert listed == [expected]
    assert one == expected


def test_options_can_be_changed_later(api: ApiClient) -> None:
    created = _create(
        api, {"options": {"custom_field1": "coupon_codes", "custom_field3": "payment_method"}}
    )

    response = api.patch(
        f"/integrations/shipstation/{created['id']}",
        {"name": "Renamed", "options": {"page_size": 50, "custom_field2": "channel"}},
    )

    # Only the keys sent change: the other custom fields keep their sources.
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"
    assert response.json()["options"] == {
        **DEFAULT_OPTIONS,
        "page_size": 50,
        "custom_field1": "coupon_codes",
        "custom_field2": "channel",
        "custom_field3": "payment_method",
    }
    assert api.get(f"/integrations/shipstation/{created['id']}").json() == response.json()


def test_rotation_answers_a_new_password_and_the_old_works_for_the_overlap(
    api: ApiClient,
) -> None:
    created = _create(api)

    rotated = api.post(f"/integrations/shipstation/{created['id']}/rotate-password").json()

    assert rotated["password"] != created["password"]
    assert rotated["username"] == created["username"]
    old = Client().get(ENDPOINT, EXPORT, headers=basic(created["username"], created["password"]))
    new = Client().get(ENDPOINT, EXPORT, headers=basic(created["username"], rotated["password"]))
    assert (old.status_code, new.status_code) == (200, 200)
    changed = datetime.fromisoformat(rotated["password_changed_at"])
    until = datetime.fromisoformat(rotated["previous_password_valid_until"])
    assert until - changed == timedelta(hours=24)


def test_rotation_with_no_overlap_stops_the_old_password_at_once(api: ApiClient) -> None:
    created = _create(api)

    rotated = api.post(
        f"/integrations/shipstation/{created['id']}/rotate-password", {"overlap_hours": 0}
    ).json()

    old = Client().get(ENDPOINT, EXPORT, headers=basic(created["username"], created["password"]))
    new = Client().get(ENDPOINT, EXPORT, headers=basic(created["username"], rotated["password"]))
    assert (old.status_code, new.status_code) == (401, 200)
    assert rotated["previous_password_valid_until"] is None


def test_rotation_refuses_an_overlap_over_a_week(api: ApiClient) -> None:
    created = _create(api)

    response = api.post(
        f"/integrations/shipstation/{created['id']}/rotate-password", {"overlap_hours": 169}
    )

    assert response.status_code == 422
    stored = ShipStationIntegration.objects.get(pk=created["id"])
    assert stored.previous_password_hash == ""


def test_revoking_stops_the_credentials(api: ApiClient) -> None:
    created = _create(api)

    revoked = api.post(f"/integrations/shipstation/{created['id']}/revoke")
    again = api.post(f"/integrations/shipstation/{created['id']}/rotate-password")

    assert revoked.status_code == 200
    assert revoked.json()["active"] is False
    assert again.status_code == 422
    signed_in = Client().get(
        ENDPOINT, EXPORT, headers=basic(created["username"], created["password"])
    )
    assert signed_in.status_code == 401


def test_skipped_orders_are_listed_with_their_reasons(
    api: ApiClient, make_order: Callable[..., Order]
) -> None:
    created = _create(api)
    bad = make_order("NO-COUNTRY", ship_to=replace(SHIP_TO, country=""))
    make_order("FINE")
    content(Client().get(ENDPOINT, EXPORT, headers=basic(created["username"], created["password"])))

    skipped = api.get(f"/integrations/shipstation/{created['id']}/skipped").json()

    assert [(s["order_id"], s["order_number"], s["reason"]) for s in skipped] == [
        (bad.pk, "NO-COUNTRY", "ship-to country is missing")
    ]


def test_another_account_cannot_see_or_touch_an_integration(
    api: ApiClient, make_account: Callable[[str], Account]
) -> None:
    created = _create(api)
    intruder = ApiClient(create_token(make_account("Intruder"), "t").secret)

    answers = [
        intruder.get(f"/integrations/shipstation/{created['id']}").status_code,
        intruder.patch(f"/integrations/shipstation/{created['id']}", {"name": "x"}).status_code,
        intruder.post(f"/integrations/shipstation/{created['id']}/rotate-password").status_code,
        intruder.post(f"/integrations/shipstation/{created['id']}/revoke").status_code,
        intruder.get(f"/integrations/shipstation/{created['id']}/skipped").status_code,
    ]

    assert answers == [404, 404, 404, 404, 404]
    assert intruder.get("/integrations/shipstation").json() == []
    assert ShipStationIntegration.objects.get().name == "ShipStation"
    assert ShipStationIntegration.objects.get().revoked_at is None
