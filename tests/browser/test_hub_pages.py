"""The hub in a real browser: sign in, dashboard, orders (search, filters), the order page and
its actions, custom statuses, settings; keyboard use and a tablet-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from crossdock.hub.orders.models import Order
from tests.fixtures.browser import EMAIL, PASSWORD, TABLET, Shoot, merchant_with_orders, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_then_find_and_work_an_order(page: Page, shoot: Shoot) -> None:
    merchant_with_orders()

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    shoot(page, "hub-sign-in")
    sign_in(page, EMAIL, PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Outfitters")
    expect(page.get_by_test_id("tile-to-ship")).to_contain_text("10")
    shoot(page, "hub-dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    expect(page.locator("#order-count")).to_have_text("12 orders")
    shoot(page, "hub-orders")

    # Typing in the search box narrows the list in place (htmx), and the URL follows.
    page.get_by_label("Search").fill("hopper")
    expect(page.locator("#order-count")).to_have_text("2 orders match these filters")
    expect(page).to_have_url(re.compile(r"/orders/\?q=hopper$"))
    page.get_by_label("Status", exact=True).select_option("on_hold")
    expect(page.locator("#order-count")).to_have_text("1 order matches these filters")
    expect(page).to_have_url(re.compile(r"/orders/\?q=hopper&status=on_hold$"))

    page.get_by_role("link", name="DEMO-1008").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Order DEMO-1008")
    expect(page.get_by_text("Size: L")).to_be_visible()
    page.get_by_role("button", name="Release hold").click()
    expect(page.get_by_role("status")).to_contain_text("Hold released.")
    expect(page.locator(".page-head .badge").first).to_have_text("Paid")

    # A bad address is refused next to its field, and nothing is saved.
    page.get_by_text("Edit address").click()
    page.get_by_label("Country").select_option(label="Ireland")
    page.get_by_label("City").fill("")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator("#id_city_error")).to_have_text("This field is required.")
    expect(page.get_by_label("City")).to_have_attribute("aria-invalid", "true")
    shoot(page, "hub-order-address-errors")
    assert Order.objects.get(number="DEMO-1008").ship_to_country == "US"

    # The country is chosen by name: Ireland is kept as IE (a typed "Ir" once made it Iran).
    expect(page.get_by_label("Country")).to_have_value("IE")
    page.get_by_label("Country").select_option(label="United States")
    page.get_by_label("City").fill("Brooklyn")
    page.get_by_role("button", name="Save address").click()
    expect(page.get_by_role("status")).to_contain_text("Ship-to address saved.")
    order = Order.objects.get(number="DEMO-1008")
    assert (order.ship_to_city, order.ship_to_country) == ("Brooklyn", "US")
    page.get_by_role("heading", name="History").scroll_into_view_if_needed()
    expect(page.get_by_text("Ship-to address changed")).to_be_visible()


def test_the_order_page_shows_every_part_of_an_order(page: Page, shoot: Shoot) -> None:
    merchant_with_orders()
    order = Order.objects.get(number="DEMO-1002")
    sign_in(page, EMAIL, PASSWORD)

    page.goto(f"/orders/{order.pk}/")

    for text in ["Gift", "Happy birthday! Love, M. 🎁", "Credit card", "Express", "A-04-01"]:
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    images = page.locator("img.thumb")
    expect(images).to_have_count(order.lines.count())
    shoot(page, "hub-order")


def test_custom_statuses_and_settings(page: Page, shoot: Shoot) -> None:
    merchant_with_orders()
    sign_in(page, EMAIL, PASSWORD)

    page.get_by_role("link", name="Custom statuses").click()
    new = page.get_by_role("region", name="New custom status")
    new.get_by_label("Name").fill("Gift wrap, then ship")
    new.get_by_role("button", name="Create custom status").click()
    expect(page.locator("#id_name_error")).to_contain_text("A comma would split the name")
    new.get_by_label("Name").fill("Gift wrap")
    new.get_by_label("Standard status").select_option("paid")
    new.get_by_role("button", name="Create custom status").click()
    expect(page.get_by_role("status")).to_contain_text("Custom status “Gift wrap” created.")
    shoot(page, "hub-custom-statuses")

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Token name").fill("warehouse script")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("issued-token").input_value()
    assert re.fullmatch(r"cdk_[0-9a-f]{12}_\S+", token)
    shoot(page, "hub-settings-token")
    page.get_by_role("button", name="Revoke token warehouse script").click()
    expect(page.get_by_role("status")).to_contain_text("Token revoked")
    expect(page.get_by_test_id("issued-token")).to_have_count(0)


def test_the_keyboard_reaches_the_skip_link_first_and_it_jumps_to_the_content(
    page: Page,
) -> None:
    merchant_with_orders()
    sign_in(page, EMAIL, PASSWORD)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main#main")).to_be_focused()


def test_a_keyboard_focused_tile_shows_a_dark_ring_inside_an_amber_one(page: Page) -> None:
    merchant_with_orders()
    sign_in(page, EMAIL, PASSWORD)
    tile = page.get_by_test_id("tile-to-ship")

    # Tab from the element just before the tile: focus by keyboard, as :focus-visible needs.
    page.get_by_role("link", name="All orders").focus()
    page.keyboard.press("Tab")

    expect(tile).to_be_focused()
    expect(tile).to_have_css("outline-color", "rgb(242, 169, 0)")
    expect(tile).to_have_css("box-shadow", "rgb(23, 32, 42) 0px 0px 0px 2px")


def test_the_order_list_fits_a_tablet(page: Page, shoot: Shoot) -> None:
    merchant_with_orders()
    page.set_viewport_size(TABLET)
    sign_in(page, EMAIL, PASSWORD)

    page.goto("/orders/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= TABLET["width"]
    shoot(page, "hub-orders-tablet")


UNLABELLED_CONTROLS = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter((el) => {
    const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim());
    return !named;
  })
  .map((el) => el.outerHTML.slice(0, 120))
"""


def test_every_main_page_has_one_heading_a_main_landmark_and_labelled_controls(
    page: Page,
) -> None:
    merchant_with_orders()
    order = Order.objects.get(number="DEMO-1003")
    sign_in(page, EMAIL, PASSWORD)

    for path in [
        "/",
        "/orders/",
        f"/orders/{order.pk}/",
        "/channels/",
        "/channels/connect/sandbox",
        "/channels/carriers/",
        "/channels/write-backs/",
        "/integrations/fulfillment/",
        "/integrations/fulfillment/shipstation/new",
        "/custom-statuses/",
        "/settings/",
    ]:
        page.goto(path)
        expect(page.locator("h1"), path).to_have_count(1)
        expect(page.get_by_role("main"), path).to_have_count(1)
        assert page.evaluate(UNLABELLED_CONTROLS) == [], path
