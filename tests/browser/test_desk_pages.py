"""Desk pages in a real browser: the store's Notifications tab shows only the fields of the
chosen "tell the store" option, through a static script (no inline handlers)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account
from crossdock.desk.stores.crypto import encrypt_secret
from crossdock.desk.stores.models import DeskStore

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
        password_encrypted=encrypt_secret("store-pass"),
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
