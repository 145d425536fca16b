"""The catalog in a real browser: products and low stock, a product's page and a stock count,
the CSV import report, listings and a listing's computation, a channel's connect-time choice;
at desktop and phone widths, never wider than the screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from crossdock.core.actors import Actor, ActorKind
from crossdock.core.stock import Rule
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account
from crossdock.hub.catalog.models import Listing, StockPush
from crossdock.hub.catalog.services import (
    create_product,
    create_source,
    receive,
    set_channel_sources,
    set_recipe,
    set_stock_rule,
)
from crossdock.hub.channels.services import add_channel
from crossdock.hub.orders.services import create_order
from tests.fixtures.browser import PHONE, Shoot, overflow, sign_in
from tests.fixtures.catalog import order_data

pytestmark = pytest.mark.browser

EMAIL = "owner@catalog.test"
PASSWORD = "browser-pass-123"
CLERK = Actor(ActorKind.SYSTEM, "browser-tests")


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A page with room for a loaded machine (2 CPUs shared by many test runs)."""
    made = context.new_page()
    made.set_default_timeout(30_000)
    expect.set_options(timeout=15_000)
    return made


def merchant_with_catalog() -> Account:
    """Mugs and lids in a warehouse, a gift-set kit, a shop with linked and unlinked listings."""
    account = create_account("Catalog Goods", EMAIL, PASSWORD)
    main = create_source(account, "Main warehouse")
    create_source(account, "Overflow")
    for sku, name, on_hand, threshold in [
        ("MUG-BLUE", "Blue enamel mug, 350 ml", 3, 5),
        ("MUG-RED", "Red enamel mug, 350 ml", 40, 5),
        ("LID-BAMBOO", "Bamboo lid", 25, None),
    ]:
        create_product(account, sku, name, low_stock_threshold=threshold, bin_location="A-01")
        receive(account, sku, main, on_hand, CLERK, "Opening stock")
    gift = create_product(account, "GIFT-SET", "Gift set: two mugs and a lid")
    set_recipe(account, gift.pk, {"MUG-RED": 2, "LID-BAMBOO": 1})
    shop = add_channel(
        account, "sandbox", "Corner Shop", {"base_url": "http://127.0.0.1:9/api", "api_token": "t"}
    )
    set_channel_sources(shop, [main])
    set_stock_rule(shop, Rule(percent=50, maximum=15))
    for sku, product_sku, read in [("MUG-RED", "MUG-RED", 30), ("GIFT-SET", "GIFT-SET", 9)]:
        row = Listing.objects.create(
            account=account,
            channel=shop,
            product=account.products.get(sku=product_sku),
            sku=sku,
            external_id=f"cs-{sku}",
            title=f"{sku} listing",
            quantity_read=read,
        )
        StockPush.objects.create(account=account, channel=shop, listing=row)
    orphan = Listing.objects.create(
        account=account,
        channel=shop,
        sku="MUG-GREEN",
        external_id="cs-MUG-GREEN",
        title="Green enamel mug",
        status="error",
        status_reason="The channel refused the quantity: listing is archived",
    )
    StockPush.objects.create(account=account, channel=shop, listing=orphan)
    return account


def test_products_stock_and_low_stock_at_desktop_width(page: Page, shoot: Shoot) -> None:
    merchant_with_catalog()
    sign_in(page, EMAIL, PASSWORD)

    expect(page.get_by_test_id("tile-low-stock")).to_contain_text("1")
    page.get_by_test_id("tile-low-stock").click()
    expect(page.locator("#product-count")).to_have_text("1 product matches these filters")
    shoot(page, "hub-products-low-stock")

    page.goto("/products/")
    expect(page.locator("#product-count")).to_have_text("4 products")
    page.get_by_label("Search").fill("mug")
    expect(page.locator("#product-count")).to_have_text("3 products match these filters")
    shoot(page, "hub-products")

    page.get_by_role("link", name="MUG-BLUE").click()
    expect(page.get_by_test_id("available")).to_have_text("3 available")
    page.locator("#id_action").select_option("count")
    page.locator("#id_quantity").fill("12")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status")).to_contain_text(
        "MUG-BLUE at Main warehouse: +9 → 12 on hand."
    )
    expect(page.get_by_test_id("available")).to_have_text("12 available")
    expect(page.get_by_role("cell", name="Count", exact=True)).to_be_visible()
    shoot(page, "hub-product")

    page.locator("#id_transfer-from_source").select_option(label="Main warehouse")
    page.locator("#id_transfer-to_source").select_option(label="Overflow")
    page.locator("#id_transfer-quantity").fill("5")
    page.get_by_role("button", name="Transfer").click()
    expect(page.get_by_role("status")).to_contain_text(
        "MUG-BLUE: 5 moved from Main warehouse (7 left) to Overflow (5 on hand)."
    )

    page.goto("/products/")
    page.get_by_role("link", name="GIFT-SET").click()
    expect(page.get_by_role("heading", name="Kit recipe")).to_be_visible()
    expect(page.get_by_test_id("available")).to_have_text("20 available")


def test_csv_import_report_then_apply(page: Page, shoot: Shoot, tmp_path: Path) -> None:
    merchant_with_catalog()
    sign_in(page, EMAIL, PASSWORD)
    broken = tmp_path / "stock.csv"
    broken.write_text("sku,source,quantity\nMUG-RED,Main warehouse,-4\nGHOST,Main warehouse,1\n")
    fixed = tmp_path / "stock-fixed.csv"
    fixed.write_text("sku,source,quantity\nMUG-RED,Main warehouse,44\n")

    page.goto("/products/import/")
    page.get_by_label("CSV file").set_input_files(str(broken))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("report-summary")).to_have_text(
        "2 problems in 2 rows. Fix them in the file and upload it again."
    )
    expect(page.get_by_test_id("row-error")).to_have_count(2)
    shoot(page, "hub-import-report-problems")

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("CSV file").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Apply 1 row").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 1 row: 0 created, 1 updated.")


def test_listings_and_the_connect_time_choice(page: Page, shoot: Shoot) -> None:
    account = merchant_with_catalog()
    sign_in(page, EMAIL, PASSWORD)

    page.goto("/listings/")
    expect(page.get_by_text("listing is archived")).to_be_visible()
    shoot(page, "hub-listings")
    page.get_by_role("link", name="MUG-RED").first.click()
    expect(page.get_by_test_id("result")).to_have_text("15")
    expect(page.get_by_text("50% of 40 rounded down: 20")).to_be_visible()
    shoot(page, "hub-listing")

    page.goto(f"/channels/{account.channels.get(name='Corner Shop').pk}/stock/")
    expect(page.get_by_test_id("difference")).to_have_count(2)
    shoot(page, "hub-channel-stock")
    page.get_by_label("The hub's quantities win: push them to the channel").check()
    page.get_by_role("button", name="Continue…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Push the hub's quantities to Corner Shop?"
    )
    page.get_by_role("button", name="Push the hub's quantities").click()
    expect(page.get_by_test_id("winner")).to_contain_text("Hub quantities win")


@pytest.mark.parametrize(
    "path",
    ["/products/", "/products/import/", "/listings/", "/inventory-sources/", "/listings/drift/"],
)
def test_catalog_pages_fit_a_phone(page: Page, shoot: Shoot, path: str) -> None:
    account = merchant_with_catalog()
    page.set_viewport_size(PHONE)
    sign_in(page, EMAIL, PASSWORD)

    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    assert overflow(page) == 0
    name = re.sub(r"[^a-z]+", "-", path).strip("-")
    shoot(page, f"hub-phone-{name}")
    product = account.products.get(sku="MUG-BLUE")
    page.goto(f"/products/{product.pk}/")
    assert overflow(page) == 0


def test_a_product_page_lists_its_short_orders_and_fits_a_phone(page: Page, shoot: Shoot) -> None:
    # given 3 blue mugs and an order for 5: 3 held, 2 short
    account = merchant_with_catalog()
    order = create_order(account, order_data("SHORT-1", {"MUG-BLUE": 5}), CLERK)
    product = account.products.get(sku="MUG-BLUE")
    page.set_viewport_size(PHONE)
    sign_in(page, EMAIL, PASSWORD)

    # when the merchant opens the mug's page
    page.goto(f"/products/{product.pk}/")

    # then the short order is listed with the units it still wants, and links to the order
    shortages = page.get_by_test_id("shortages")
    expect(page.get_by_role("heading", name="Orders short of stock")).to_be_visible()
    expect(shortages.get_by_role("row")).to_have_count(2)
    expect(shortages.get_by_role("row").nth(1)).to_contain_text("SHORT-1")
    expect(shortages.get_by_role("row").nth(1).get_by_role("cell").nth(2)).to_have_text("2")
    assert shortages.get_by_role("link", name="SHORT-1").get_attribute("href") == (
        f"/orders/{order.pk}/"
    )
    assert overflow(page) == 0
    shoot(page, "hub-phone-product-shortages")
