"""In a real browser: the ShipStation integration made through the Integrations menu (its
credentials read off the page open the Custom Store endpoint), and a sandbox marketplace
connected, synced and inspected on the Channels pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lxml import etree
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from crossdock.customstore.dates import format_wire_datetime
from crossdock.hub.orders.models import Order
from crossdock.sandbox import services as sandbox
from tests.fixtures.browser import EMAIL, PASSWORD, Shoot, merchant_with_orders, sign_in
from tests.fixtures.tasks import run_queued_tasks

pytestmark = pytest.mark.browser


def export(url: str, username: str, password: str) -> httpx.Response:
    """What ShipStation asks the Custom Store endpoint: orders changed in the last hour."""
    now = datetime.now(UTC)
    return httpx.get(
        url,
        params={
            "action": "export",
            "start_date": format_wire_datetime(now - timedelta(hours=1)),
            "end_date": format_wire_datetime(now + timedelta(minutes=5)),
        },
        auth=(username, password),
        headers={"Connection": "close"},
        timeout=10,
    )


def open_fulfillment_integrations(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Integrations", exact=True).click()
    nav.get_by_role("link", name="Fulfillment integrations").click()


def test_create_the_shipstation_integration_through_the_integrations_menu(
    page: Page, context: BrowserContext, live_server: LiveServer, shoot: Shoot
) -> None:
    merchant_with_orders()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, EMAIL, PASSWORD)

    open_fulfillment_integrations(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fulfillment integrations")
    shoot(page, "hub-fulfillment-integrations")
    page.get_by_test_id("tile-shipstation").click()
    page.get_by_label("Custom field 1").select_option("coupon_codes")
    shoot(page, "hub-shipstation-options")
    page.get_by_role("button", name="Create ShipStation integration").click()

    url = page.get_by_test_id("endpoint-url").input_value()
    username = page.get_by_test_id("username").input_value()
    password = page.get_by_test_id("password").input_value()
    assert url == f"{live_server.url}/shipstation/custom-store"
    expect(page.get_by_test_id("status-paid")).to_have_value("paid,partially_shipped,Ready to pack")
    expect(page.get_by_test_id("status-on_hold")).to_have_value("on_hold,Awaiting engraving")
    shoot(page, "hub-shipstation-credentials")

    page.get_by_role("button", name="Copy the password").click()
    assert page.evaluate("navigator.clipboard.readText()") == password

    exported = export(url, username, password)
    assert exported.status_code == 200
    orders = etree.fromstring(exported.content).findall("Order")
    assert len(orders) == 12
    coupons = {order.findtext("OrderNumber"): order.findtext("CustomField1") for order in orders}
    assert coupons["DEMO-1001"] == "WELCOME10"

    # Options change; the password is never shown again, only replaced.
    page.get_by_label("Orders per export page").fill("0")
    page.get_by_role("button", name="Update ShipStation integration").click()
    expect(page.locator("#id_page_size_error")).to_have_text(
        "Ensure this value is greater than or equal to 1."
    )
    page.get_by_label("Orders per export page").fill("50")
    page.get_by_role("button", name="Update ShipStation integration").click()
    expect(page.get_by_role("status")).to_contain_text("ShipStation integration updated.")
    expect(page.get_by_test_id("password")).to_have_count(0)

    # Rotation asks first; the previous password keeps working for the overlap.
    page.get_by_role("link", name="Rotate password…").click()
    shoot(page, "hub-shipstation-rotate-confirm")
    page.get_by_role("button", name="Rotate password").click()
    rotated = page.get_by_test_id("password").input_value()
    assert rotated != password
    assert export(url, username, password).status_code == 200
    assert export(url, username, rotated).status_code == 200
    page.reload()
    expect(page.get_by_test_id("password")).to_have_count(0)
    expect(page.get_by_test_id("password-hidden")).to_contain_text("Hidden — rotate")

    page.get_by_role("link", name="Revoke…").click()
    page.get_by_role("button", name="Revoke integration").click()
    expect(page.get_by_role("status")).to_contain_text("is revoked")
    shoot(page, "hub-shipstation-archived")
    assert export(url, username, rotated).status_code == 401


def test_connect_a_marketplace_sync_it_and_see_its_health(
    page: Page, live_server: LiveServer, shoot: Shoot
) -> None:
    merchant_with_orders()
    shop = sandbox.create_shop("Nordic Crafts", "NC")
    sandbox.generate_orders(shop.shop, 4)
    sign_in(page, EMAIL, PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Channels").click()
    page.get_by_role("link", name="Sandbox marketplace").click()
    page.get_by_label("Name").fill("Nordic Crafts")
    page.get_by_label("API base URL").fill("not a url")
    page.get_by_role("button", name="Connect channel").click()
    expect(page.locator("#id_setting_base_url_error")).to_have_text("Enter a valid URL.")
    expect(page.locator("#id_setting_api_token_error")).to_have_text("This field is required.")
    shoot(page, "hub-channel-connect-errors")

    page.get_by_label("API base URL").fill(f"{live_server.url}/sandbox/api/v1")
    page.get_by_label("API token").fill(shop.token)
    page.get_by_role("button", name="Connect channel").click()
    expect(page.get_by_role("status")).to_contain_text("Nordic Crafts connected.")

    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("status")).to_contain_text("Sync of Nordic Crafts queued")
    run_queued_tasks()
    page.reload()
    expect(page.locator(".page-head .badge")).to_have_text("Healthy")
    expect(page.get_by_role("region", name="Recent syncs").locator("tbody tr")).to_have_count(1)
    assert Order.objects.filter(channel__name="Nordic Crafts").count() == 4
    shoot(page, "hub-channel")

    page.get_by_role("link", name="Channels", exact=True).first.click()
    shoot(page, "hub-channels")
    page.get_by_role("link", name="Carrier mapping").click()
    shoot(page, "hub-carrier-mapping")
