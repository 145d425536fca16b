"""Desk pages in a real browser: the store's Notifications tab shows only the fields of the
chosen "tell the store" option, through a static script (no inline handlers); the HTML
packing slip keeps a 200-character item name inside the page, on screen and on paper."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine
from crossdock.desk.stores.models import DeskStore
from crossdock.platform.secrets import STORE_PASSWORDS

pytestmark = pytest.mark.browser

PACKER = "packer@parcelpals.test"
PACKER_PASSWORD = "packing-pass-1"


def _store(account: DeskAccount) -> DeskStore:
    return DeskStore.objects.create(
        account=account,
        kind=DeskStore.Kind.CUSTOM,
        name="Corner Shop",
        url="http://127.0.0.1:9/shipstation/",
        username="shipper",
        password_encrypted=STORE_PASSWORDS.encrypt("store-pass"),
    )


def _sign_in(page: Page) -> None:
    page.goto("/desk/login/")
    page.get_by_label("Username").fill(PACKER)
    page.get_by_label("Password").fill(PACKER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_notifications_show_only_the_fields_of_the_chosen_option(page: Page) -> None:
    # given a store that tells the store immediately
    store = _store(create_account("Parcel Pals", PACKER, PACKER_PASSWORD))
    _sign_in(page)
    page.goto(f"/desk/stores/{store.pk}/settings/?tab=notifications")
    hours = page.get_by_label("Hours after the label (with the hours option)")
    at_time = page.get_by_label("Time of day on the ship date (with the time-of-day option)")
    option = page.get_by_label("Tell the store about shipments")
    expect(hours).to_be_hidden()
    expect(at_time).to_be_hidden()

    # when the hours option is chosen, only the hours field shows
    option.select_option("after_hours")
    expect(hours).to_be_visible()
    expect(at_time).to_be_hidden()

    # when the time-of-day option is chosen, only the time field shows
    option.select_option("at_time")
    expect(hours).to_be_hidden()
    expect(at_time).to_be_visible()
    option.select_option("never")
    expect(hours).to_be_hidden()
    expect(at_time).to_be_hidden()

    # and saving with a hidden field keeps its value: the form still posts every field
    option.select_option("after_hours")
    hours.fill("5")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")
    store.refresh_from_db()
    assert (store.notify_store, store.notify_store_hours) == ("after_hours", 5)
    expect(page.get_by_label("Hours after the label (with the hours option)")).to_be_visible()
    expect(
        page.get_by_label("Time of day on the ship date (with the time-of-day option)")
    ).to_be_hidden()


def test_without_javascript_every_notification_field_shows_labelled_by_its_option(
    browser: Browser, live_server: LiveServer, transactional_db: None
) -> None:
    # given a browser with scripts off
    store = _store(create_account("Parcel Pals", PACKER, PACKER_PASSWORD))
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    _sign_in(page)

    # when the Notifications tab opens, both option fields show, each naming its option
    page.goto(f"/desk/stores/{store.pk}/settings/?tab=notifications")
    expect(page.get_by_label("Hours after the label (with the hours option)")).to_be_visible()
    expect(
        page.get_by_label("Time of day on the ship date (with the time-of-day option)")
    ).to_be_visible()
    context.close()


def _order_with_a_long_name(store: DeskStore) -> DeskOrder:
    placed = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    order = DeskOrder.objects.create(
        account=store.account,
        store=store,
        key="1001",
        order_number="1001",
        store_status="paid",
        status="awaiting_shipment",
        order_date=placed,
        last_modified=placed,
        order_total=Decimal("20.00"),
        ship_to={"name": "Ada", "address1": "1 Road", "city": "London", "country": "GB"},
        digest="0" * 64,
    )
    DeskOrderLine.objects.create(
        order=order,
        line_key="1",
        position=0,
        sku="SKU-" + "9" * 60,
        name="Extraordinarily" * 13 + "Long",
        quantity=2,
        unit_price=Decimal("10.00"),
        location="AISLE-" + "7" * 60,
    )
    return order


def test_a_long_item_name_stays_inside_the_packing_slip_on_screen_and_on_paper(
    page: Page,
) -> None:
    # given an order whose item has a 199-character name and long SKU and location
    store = _store(create_account("Parcel Pals", PACKER, PACKER_PASSWORD))
    order = _order_with_a_long_name(store)
    _sign_in(page)

    sizes: list[tuple[Literal["screen", "print"], int]] = [("screen", 1366), ("print", 816)]
    for media, width in sizes:  # 816 px: letter paper's width
        # when the slip opens at that width
        page.set_viewport_size({"width": width, "height": 1000})
        page.emulate_media(media=media)
        page.goto(f"/desk/orders/{order.pk}/packing-slip/")

        # then nothing is wider than the page, and the Qty column is on it
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, media
        qty = page.get_by_role("columnheader", name="Qty").bounding_box()
        assert qty is not None
        assert qty["x"] + qty["width"] <= width, media
