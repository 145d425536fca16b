"""Integrations → Fulfillment integrations → ShipStation, through the Django test client."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.services import create_custom_status
from crossdock.hub.shipstation.errors import AuthenticationFailed
from crossdock.hub.shipstation.models import ShipStationIntegration
from crossdock.hub.shipstation.services import (
    IntegrationOptions,
    authenticate,
    create_integration,
)

OPTIONS = {
    "name": "Main warehouse",
    "exclude_external_fulfillment": "on",
    "send_internal_notes": "on",
    "write_back": "on",
    "page_size": "100",
    "weight_units": "as_recorded",
    "custom_field1": "coupon_codes",
    "custom_field2": "none",
    "custom_field3": "none",
}


def shown(html: str, test_id: str) -> str:
    found = re.search(rf'value="([^"]*)" data-testid="{test_id}"', html)
    assert found is not None, test_id
    return found.group(1)


def test_the_menu_leads_to_the_shipstation_tile(web: Client) -> None:
    dashboard = web.get("/").content.decode()
    page = web.get("/integrations/fulfillment/").content.decode()

    assert 'href="/integrations/fulfillment/"' in dashboard
    assert 'href="/integrations/fulfillment/shipstation/new"' in page
    assert (
        "Create ShipStation integration"
        in web.get("/integrations/fulfillment/shipstation/new").content.decode()
    )


def test_creating_shows_url_username_password_once_and_the_status_strings(
    web: Client, account: Account
) -> None:
    create_custom_status(account, "Ready to pack", "paid")
    shop = Channel.objects.create(account=account, kind="sandbox", name="Shop")

    response = web.post(
        "/integrations/fulfillment/shipstation/new", {**OPTIONS, "channels": [str(shop.pk)]}
    )

    html = response.content.decode()
    integration = ShipStationIntegration.objects.get(account=account)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert shown(html, "endpoint-url") == "http://testserver/shipstation/custom-store"
    assert shown(html, "username") == integration.username
    password = shown(html, "password")
    assert authenticate(integration.username, password, "127.0.0.1") == integration
    assert shown(html, "status-paid") == "paid,partially_shipped,Ready to pack"
    assert shown(html, "status-on_hold") == "on_hold"
    assert shown(html, "status-unpaid") == "unpaid"
    assert shown(html, "status-shipped") == "shipped"
    assert shown(html, "status-cancelled") == "cancelled"
    assert (integration.name, integration.custom_field1, integration.page_size) == (
        "Main warehouse",
        "coupon_codes",
        100,
    )
    assert list(integration.channels.all()) == [shop]
    again = web.get(f"/integrations/fulfillment/shipstation/{integration.pk}/").content.decode()
    assert password not in again
    assert 'data-testid="password"' not in again


def test_bad_options_are_refused_next_to_the_fields_and_nothing_is_created(
    web: Client, account: Account, make_account: Callable[[str], Account]
) -> None:
    theirs = Channel.objects.create(account=make_account("Other"), kind="sandbox", name="X")

    response = web.post(
        "/integrations/fulfillment/shipstation/new",
        {
            **OPTIONS,
            "name": " ",
            "page_size": "501",
            "weight_units": "stones",
            "channels": [str(theirs.pk)],
        },
    )

    assert response.status_code == 400
    errors: dict[str, Any] = response.context["form"].errors
    assert errors == {
        "name": ["This field is required."],
        "page_size": ["Ensure this value is less than or equal to 500."],
        "weight_units": ["Select a valid choice. stones is not one of the available choices."],
        "channels": [f"Select a valid choice. {theirs.pk} is not one of the available choices."],
    }
    assert ShipStationIntegration.objects.count() == 0


def test_update_saves_the_options_and_keeps_the_credentials(web: Client, account: Account) -> None:
    issued = create_integration(account, "ShipStation", IntegrationOptions())
    url = f"/integrations/fulfillment/shipstation/{issued.integration.pk}/"

    response = web.post(url, {**OPTIONS, "page_size": "250", "weight_units": "ounces"})

    integration = ShipStationIntegration.objects.get()
    assert response.status_code == 302
    assert (integration.name, integration.page_size, integration.weight_units) == (
        "Main warehouse",
        250,
        "ounces",
    )
    assert authenticate(integration.username, issued.password, "127.0.0.1") == integration


def test_a_bad_update_is_refused_and_nothing_changes(web: Client, account: Account) -> None:
    issued = create_integration(account, "ShipStation", IntegrationOptions())
    url = f"/integrations/fulfillment/shipstation/{issued.integration.pk}/"

    response = web.post(url, {**OPTIONS, "page_size": "0"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "page_size": ["Ensure this value is greater than or equal to 1."]
    }
    integration = ShipStationIntegration.objects.get()
    assert (integration.name, integration.page_size) == ("ShipStation", 100)


def test_rotating_shows_a_new_password_and_the_old_one_stops(web: Client, account: Account) -> None:
    issued = create_integration(account, "ShipStation", IntegrationOptions())
    integration = issued.integration

    response = web.post(f"/integrations/fulfillment/shipstation/{integration.pk}/rotate")

    new_password = shown(response.content.decode(), "password")
    assert new_password != issued.password
    assert authenticate(integration.username, new_password, "127.0.0.1") == integration
    with pytest.raises(AuthenticationFailed):
        authenticate(integration.username, issued.password, "127.0.0.1")


def test_revoking_stops_the_credentials(web: Client, account: Account) -> None:
    issued = create_integration(account, "ShipStation", IntegrationOptions())
    integration = issued.integration

    response = web.post(
        f"/integrations/fulfillment/shipstation/{integration.pk}/revoke", follow=True
    )

    html = response.content.decode()
    assert "is revoked: its username and password no longer work." in html
    assert "Rotate password" not in html
    assert ShipStationIntegration.objects.get().revoked_at is not None


def test_another_accounts_integration_is_not_found(
    web: Client, make_account: Callable[[str], Account]
) -> None:
    theirs = create_integration(make_account("Other"), "Theirs", IntegrationOptions())
    base = f"/integrations/fulfillment/shipstation/{theirs.integration.pk}/"

    assert web.get(base).status_code == 404
    assert web.post(base, OPTIONS).status_code == 404
    assert web.post(base + "rotate").status_code == 404
    assert web.post(base + "revoke").status_code == 404
    assert ShipStationIntegration.objects.get().revoked_at is None
