"""A store error with one very long word (a URL path) wraps instead of widening the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from crossdock.desk.accounts.services import create_account
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import add_unverified_store
from tests.fixtures.browser import TABLET

pytestmark = pytest.mark.browser

LONG_PATH = "https://shop.example/" + "verylongpathsegment" * 20


def test_a_long_store_error_wraps_on_the_settings_page(page: Page) -> None:
    # given a store whose last error names a long URL with no space in it
    account = create_account("Parcel Pals", "packer@parcelpals.test", "packing-pass-1")
    store = add_unverified_store(
        account,
        kind="custom",
        name="Corner Shop",
        url="http://127.0.0.1:9/feed",
        username="shipper",
        password="s3cret-pass",
    )
    error = f"page 1 of 1: The URL redirects (HTTP 301) to {LONG_PATH}: enter the final URL"
    DeskStore.objects.filter(pk=store.pk).update(connection="error", last_error=error)

    # when the packer opens its settings on a tablet
    page.set_viewport_size(TABLET)
    page.goto("/desk/")
    page.get_by_label("Username").fill("packer@parcelpals.test")
    page.get_by_label("Password").fill("packing-pass-1")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/desk/stores/{store.pk}/settings/")

    # then the error is shown whole, wrapped inside its box, on a page no wider than the screen
    alert = page.get_by_role("alert").first
    assert LONG_PATH in alert.inner_text()
    assert alert.evaluate("(box) => box.scrollWidth <= box.clientWidth") is True
    main_width = page.get_by_role("main").evaluate("(main) => main.clientWidth")
    assert alert.evaluate("(box) => box.getBoundingClientRect().width") <= main_width
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
