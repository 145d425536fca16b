"""The sandbox marketplace's pages in a browser, reached from a hub channel's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.services import add_channel
from crossdock.sandbox import queries, services
from tests.fixtures.browser import Shoot, sign_in

pytestmark = pytest.mark.browser


def test_open_in_marketplace_then_simulate_buyers_and_see_what_arrived(
    page: Page, live_server: LiveServer, settings: Settings, shoot: Shoot
) -> None:
    # Given the sandbox is on and a hub channel is connected to a sandbox shop
    settings.SANDBOX_PAGES = True
    account = create_account("Demo Outfitters", "owner@outfitters.test", "browser-pass-123")
    made = services.create_shop("Nordic Crafts Market", "NC", currency="EUR")
    services.place_showcase_order(made.shop)
    channel = add_channel(
        account,
        "sandbox",
        "Nordic Crafts Market",
        {
            "base_url": queries.api_base_url(live_server.url),
            "api_token": made.token,
            "shop_url": queries.shop_page_url(live_server.url, made.shop.pk),
        },
    )
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    sign_in(page, "owner@outfitters.test", "browser-pass-123")

    # When the merchant opens the shop from the channel page and simulates two buyers
    page.goto(f"/channels/{channel.pk}/")
    page.get_by_role("link", name="Open in marketplace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nordic Crafts Market")
    page.get_by_label("Orders to place").fill("2")
    page.get_by_role("button", name="Place orders").click()

    # Then the orders are listed with their pictures, all served by this server.
    expect(page.get_by_role("status")).to_contain_text("Buyers placed 2 orders: NC-1002, NC-1003.")
    expect(page.get_by_role("cell", name="NC-1003", exact=True)).to_be_visible()
    pictures = page.locator("td img")
    assert pictures.count() >= 3
    assert all(image.evaluate("element => element.naturalWidth") > 0 for image in pictures.all())
    shoot(page, "sandbox-shop")
    page.get_by_role("link", name="Faults").click()
    expect(page.get_by_label("Errors (503)")).to_have_value("0.000")
    assert [url for url in requested if not url.startswith(live_server.url)] == []
