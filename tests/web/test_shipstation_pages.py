"""Integrations → Fulfillment integrations → ShipStation, through the Django test client."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.services import create_custom_status
from crossdock.hub.shipstation.errors import AuthenticationFailed
from crossdock.hub.shipstation.models import ShipStationIntegration
from crossdock.hub.shipstation.services import (
    IntegrationOptions,
    authenticate,
    create_integration,
    revoke_integration,
)

OPTIONS = {
    "name": "Main warehouse",
    "exclude_external_fulfillment": "on",
    "send_internal_notes": "on",
    "write_back": "on",
    "page_size": "100",
    "weight_units": "as_recorded",
    "kit_lines": "parent",
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

    posted = web.post(
        "/integrations/fulfillment/shipstation/new", {**OPTIONS, "channels": [str(shop.pk)]}
    )
    integration = ShipStationIntegration.objects.get(account=account)
    assert posted.status_code == 302
    assert posted["Location"] == f"/integrations/fulfillment/shipstation/{integration.pk}/"
    response = web.get(posted["Location"])

    html = response.content.decode()
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

    response = web.post(
        url, {**OPTIONS, "page_size": "250", "weight_units": "ounces", "kit_lines": "both"}
    )

    integration = ShipStationIntegration.objects.get()
    assert response.status_code == 302
    assert (
        integration.name,
        integration.page_size,
        integration.weight_units,
        integration.kit_lines,
    ) == ("Main warehouse", 250, "ounces", "both")
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


def test_rotating_asks_first_then_shows_the_new_password_once(
    web: Client, account: Account
) -> None:
    # given an integration whose password ShipStation uses
    issued = create_integration(account, "ShipStation", IntegrationOptions())
    integration = issued.integration
    url = f"/integrations/fulfillment/shipstation/{integration.pk}/rotate"

    # when the merchant opens Rotate…, then confirms
    question = web.get(url)
    unchanged = ShipStationIntegration.objects.get().password_hash
    posted = web.post(url)
    shown_once = web.get(posted["Location"])
    reloaded = web.get(posted["Location"])

    # then the question changed nothing, the answer redirects, the password shows once,
    # and both passwords work during the overlap
    assert question.status_code == 200
    assert "The current password keeps working for 24 hours" in question.content.decode()
    assert unchanged == integration.password_hash
    assert posted.status_code == 302
    new_password = shown(shown_once.content.decode(), "password")
    assert "no-store" in shown_once["Cache-Control"]
    assert new_password != issued.password
    assert new_password not in reloaded.content.decode()
    assert "Hidden — rotate to get a new one" in reloaded.content.decode()
    assert 'data-testid="previous-password"' in reloaded.content.decode()
    assert authenticate(integration.username, new_password, "127.0.0.1") == integration
    assert authenticate(integration.username, issued.password, "127.0.0.1") == integration


def test_rotating_can_stop_a_leaked_password_at_once(web: Client, account: Account) -> None:
    issued = create_integration(account, "ShipStation", IntegrationOptions())
    integration = issued.integration

    web.post(f"/integrations/fulfillment/shipstation/{integration.pk}/rotate", {"end_now": "1"})

    with pytest.raises(AuthenticationFailed):
        authenticate(integration.username, issued.password, "127.0.0.1")


def test_reloading_after_creating_makes_no_second_integration(
    web: Client, account: Account
) -> None:
    # given a created integration whose page the merchant saw
    posted = web.post("/integrations/fulfillment/shipstation/new", OPTIONS)
    first = web.get(posted["Location"])

    # when the page is reloaded
    reloaded = web.get(posted["Location"])

    # then there is still one integration, and the password is hidden
    password = shown(first.content.decode(), "password")
    assert ShipStationIntegration.objects.count() == 1
    assert password not in reloaded.content.decode()
    assert 'data-testid="password-hidden"' in reloaded.content.decode()


def test_revoking_asks_first_then_archives_the_integration(web: Client, account: Account) -> None:
    issued = create_integration(account, "ShipStation", IntegrationOptions())
    integration = issued.integration
    url = f"/integrations/fulfillment/shipstation/{integration.pk}/revoke"

    question = web.get(url)
    still_active = ShipStationIntegration.objects.get().revoked_at is None
    response = web.post(url, follow=True)

    html = response.content.decode()
    assert question.status_code == 200
    assert "This cannot be undone" in question.content.decode()
    assert still_active
    assert "is revoked: its username and password no longer work." in html
    assert "Rotate password" not in html
    assert 'data-testid="archived-note"' in html
    assert ShipStationIntegration.objects.get().revoked_at is not None
    with pytest.raises(AuthenticationFailed):
        authenticate(integration.username, issued.password, "127.0.0.1")


def test_revoked_integrations_are_listed_only_in_the_archive(web: Client, account: Account) -> None:
    # given one active and one revoked integration
    create_integration(account, "Live store", IntegrationOptions())
    gone = create_integration(account, "Old store", IntegrationOptions()).integration
    revoke_integration(account, gone.pk)

    # when the merchant opens the integrations page and the archive
    active = web.get("/integrations/fulfillment/").content.decode()
    archive = web.get("/integrations/fulfillment/archived/").content.decode()

    # then each lists its own
    assert "Live store" in active
    assert "Old store" not in active
    assert "Archived (1 revoked)" in active
    assert "Old store" in archive
    assert "Live store" not in archive


def test_an_archived_integration_is_read_only(web: Client, account: Account) -> None:
    gone = create_integration(account, "Old store", IntegrationOptions()).integration
    revoke_integration(account, gone.pk)
    url = f"/integrations/fulfillment/shipstation/{gone.pk}/"

    page = web.get(url).content.decode()
    response = web.post(url, {**OPTIONS, "page_size": "250"})

    assert "Update ShipStation integration" not in page
    assert "<fieldset disabled" in page
    assert response.status_code == 400
    assert ShipStationIntegration.objects.get().page_size == 100
    assert web.get(url + "rotate").status_code == 302
    assert ShipStationIntegration.objects.get().password_hash == gone.password_hash


def test_a_local_plain_http_endpoint_is_warned_about(web: Client, account: Account) -> None:
    integration = create_integration(account, "ShipStation", IntegrationOptions()).integration

    html = web.get(f"/integrations/fulfillment/shipstation/{integration.pk}/").content.decode()

    assert 'data-testid="endpoint-warning"' in html
    assert "testserver is a local or private address and it is plain http" in html
    assert "CROSSDOCK_PUBLIC_URL" in html


@override_settings(PUBLIC_URL="https://hub.example.com")
def test_a_public_https_endpoint_has_no_warning(web: Client, account: Account) -> None:
    integration = create_integration(account, "ShipStation", IntegrationOptions()).integration

    html = web.get(f"/integrations/fulfillment/shipstation/{integration.pk}/").content.decode()

    assert 'data-testid="endpoint-warning"' not in html


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
