"""The whole product in a real browser, over loopback only.

A merchant signs in to the hub and creates the ShipStation integration through the
Integrations menu; a packer signs in to the shipping desk in a second tab of the same
browser (the hub and the desk keep separate sessions, so one browser holds both sign-ins
as two different users), connects a "Crossdock" store with the credentials read off the hub's
page and lands on the store settings, pastes the status strings, imports, and ships an
order. The desk's ship notice reaches the hub, the hub writes the tracking back to the
sandbox marketplace the order came from, and the hub's order page shows it all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.hub.channels.services import add_channel
from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.tasks import request_sync
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxShipment
from tests.fixtures.browser import (
    EMAIL,
    PASSWORD,
    PHONE,
    Shoot,
    merchant_with_orders,
    overflow,
    sign_in,
)
from tests.fixtures.tasks import run_queued_tasks

pytestmark = pytest.mark.browser

PACKER = "packer@parcelpals.test"
PACKER_PASSWORD = "packing-pass-1"
TRACKING = "9405511899223197428490"


@pytest.fixture
def desk(context: BrowserContext) -> Iterator[Page]:
    """A second tab in the hub's browser: same cookies, the desk's own sign-in."""
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    tab.close()


def policy_violations(tab: Page) -> list[str]:
    """Collects the console's Content-Security-Policy complaints for ``tab``."""
    found: list[str] = []
    tab.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_hub_to_desk_and_back(
    page: Page, desk: Page, live_server: LiveServer, shoot: Shoot
) -> None:
    # Given a merchant whose marketplace orders are in the hub, and a packer with a desk.
    account = merchant_with_orders()
    shop = sandbox.create_shop("Nordic Crafts", "NC")
    sandbox.generate_orders(shop.shop, 3)
    channel = add_channel(
        account,
        "sandbox",
        "Nordic Crafts",
        {"base_url": f"{live_server.url}/sandbox/api/v1", "api_token": shop.token},
    )
    request_sync(account, channel.pk)
    run_queued_tasks()
    order = Order.objects.filter(channel=channel, status="paid").order_by("number").first()
    assert order is not None
    create_desk_account("Parcel Pals", PACKER, PACKER_PASSWORD)

    hub_violations, desk_violations = policy_violations(page), policy_violations(desk)

    # The merchant creates the ShipStation integration and reads the credentials.
    sign_in(page, EMAIL, PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Integrations", exact=True).click()
    nav.get_by_role("link", name="Fulfillment integrations").click()
    page.get_by_test_id("tile-shipstation").click()
    page.get_by_role("button", name="Create ShipStation integration").click()
    url = page.get_by_test_id("endpoint-url").input_value()
    username = page.get_by_test_id("username").input_value()
    password = page.get_by_test_id("password").input_value()
    statuses = {
        key: page.get_by_test_id(f"status-{key}").input_value()
        for key in ("unpaid", "paid", "shipped", "cancelled", "on_hold")
    }

    # The packer connects a Crossdock store with them and lands on its settings.
    desk.goto("/desk/")
    desk.get_by_label("Username").fill(PACKER)
    desk.get_by_label("Password").fill(PACKER_PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    # Signing in to the desk left the hub tab signed in as the merchant.
    page.reload()
    expect(page.locator(".topbar-user")).to_contain_text(EMAIL)
    desk.get_by_role("navigation", name="Desk").get_by_role("link", name="Stores").click()
    desk.goto("/desk/stores/connect/")
    shoot(desk, "desk-store-tiles")
    desk.get_by_role("main").get_by_role("link", name=re.compile("^Crossdock")).click()
    desk.get_by_label("Store name").fill("Demo Outfitters")
    desk.get_by_label("Store URL").fill(url)
    desk.get_by_label("Username").fill(username)
    desk.get_by_label("Password").fill(password)
    shoot(desk, "desk-connect")
    desk.get_by_role("button", name="Test and connect").click()
    expect(desk).to_have_url(re.compile(r"/desk/stores/\d+/settings/$"))
    expect(desk.get_by_role("heading", level=1)).to_have_text("Demo Outfitters")
    shoot(desk, "desk-store-settings")

    desk.get_by_role("link", name="Status mapping").click()
    for key, label in [
        ("unpaid", "Unpaid"),
        ("paid", "Paid"),
        ("shipped", "Shipped"),
        ("cancelled", "Cancelled"),
        ("on_hold", "On-Hold"),
    ]:
        desk.get_by_label(label, exact=True).fill(statuses[key])
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.get_by_role("status").first).to_contain_text("Status mapping settings saved.")

    # Import, then ship the marketplace order.
    desk.get_by_role("button", name="Import now").click()
    expect(desk.get_by_role("status").first).to_contain_text("Import from Demo Outfitters queued")
    run_queued_tasks()
    # The history page polls (htmx) while the import is queued: the run appears by itself.
    expect(desk.get_by_text("Succeeded").first).to_be_visible(timeout=15_000)
    shoot(desk, "desk-import-history")
    desk.get_by_role("navigation", name="Desk").get_by_role("link", name="Orders").click()
    shoot(desk, "desk-orders")
    desk.get_by_role("link", name=order.number, exact=True).click()
    shoot(desk, "desk-order")
    desk.get_by_role("link", name="Ship", exact=True).click()
    desk.get_by_role("combobox", name="Carrier").select_option("USPS")
    desk.get_by_label("Service").fill("Priority Mail")
    desk.get_by_label("Tracking number").fill(TRACKING)
    shoot(desk, "desk-ship")
    desk.get_by_role("button", name="Ship", exact=True).click()
    expect(desk.get_by_role("status").first).to_contain_text("recorded")

    # The notice goes to the hub, the hub writes the tracking back to the marketplace.
    run_queued_tasks()
    run_queued_tasks()
    fulfillment = Fulfillment.objects.get(order=order)
    assert (fulfillment.source, fulfillment.tracking_number) == ("shipstation", TRACKING)
    assert WriteBack.objects.get(fulfillment=fulfillment).state == "accepted"
    assert SandboxShipment.objects.filter(order__number=order.number).count() == 1

    # The merchant sees the order shipped, with its tracking and the write-back accepted.
    page.goto(f"/orders/{order.pk}/")
    expect(page.locator(".page-head .badge").first).to_have_text("Shipped")
    shipments = page.get_by_role("region", name="Shipments")
    expect(shipments.get_by_text(TRACKING)).to_be_visible()
    expect(shipments.locator(".badge-accepted")).to_have_text("Accepted")
    shoot(page, "hub-order-shipped")
    desk.reload()
    shoot(desk, "desk-order-shipped")
    desk_order_url = desk.url

    # One browser, two users: both tabs are still signed in, each as its own user.
    expect(page.locator(".topbar-user")).to_contain_text(EMAIL)
    expect(desk.locator(".topbar-user")).to_contain_text(PACKER)
    expect(desk).to_have_url(re.compile(r"/desk/orders/\d+/$"))
    assert hub_violations == []
    assert desk_violations == []

    # On a phone, both faces fit the screen: nothing scrolls sideways.
    for tab, pages in (
        (
            page,
            [
                ("/", "hub-dashboard-phone"),
                ("/orders/", "hub-orders-phone"),
                (f"/orders/{order.pk}/", "hub-order-phone"),
            ],
        ),
        (desk, [("/desk/", "desk-orders-phone"), (desk_order_url, "desk-order-phone")]),
    ):
        tab.set_viewport_size(PHONE)
        for path, name in pages:
            answer = tab.goto(path)
            assert answer is not None, path
            assert answer.status == 200, path
            assert overflow(tab) == 0, f"{path} is wider than a phone"
            shoot(tab, name)
