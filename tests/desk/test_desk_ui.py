"""The desk's web UI: sign-in, connect, settings, the orders grid, shipping, slips."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.test import Client

from crossdock.core.image_urls import DESK_PROXY_PATH, proxied_image_url
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments.models import Shipment
from crossdock.desk.stores.models import DeskStore
from crossdock.hub.accounts.services import create_account as create_hub_account
from crossdock.media_proxy import proxy_key
from tests.fixtures.desk import desk_client
from tests.fixtures.independent_store import MAPPING, IndependentStore


@pytest.fixture
def browser(desk_account: DeskAccount) -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


@pytest.fixture
def store(imported: DeskOrder) -> DeskStore:
    """Corner Shop, connected, with order 1001 imported."""
    return imported.store


def test_sign_in_is_required_and_needs_a_desk_seat(desk_account: DeskAccount) -> None:
    anonymous = Client()
    assert anonymous.get("/desk/").url == "/desk/login/?next=/desk/"  # type: ignore[attr-defined]
    page = anonymous.get("/desk/login/")
    assert b'<label for="id_username">' in page.content
    assert b"crossdock/app.css" in page.content

    signed_in = anonymous.post(
        "/desk/login/", {"username": "packer@parcelpals.test", "password": "packing-pass-1"}
    )
    assert signed_in.status_code == 302
    assert signed_in.url == "/desk/"  # type: ignore[attr-defined]

    create_hub_account("Hub Only", "hub@example.com", "hub-pass-123")
    hub_user = Client()
    assert hub_user.login(username="hub@example.com", password="hub-pass-123")
    assert hub_user.get("/desk/").url == "/desk/login/?next=/desk/"  # type: ignore[attr-defined]
    refused = hub_user.post(
        "/desk/login/", {"username": "hub@example.com", "password": "hub-pass-123"}
    )
    assert refused.status_code == 200
    assert "This login has no seat in a shipping desk account." in refused.content.decode()


def test_connecting_shows_tiles_then_a_form_with_errors_next_to_fields(
    browser: Client, independent_store: IndependentStore
) -> None:
    tiles = browser.get("/desk/stores/connect/").content.decode()
    assert "Crossdock" in tiles
    assert "Custom Store" in tiles

    # when the URL is not a URL, the message sits under the URL field and nothing is saved
    bad = browser.post(
        "/desk/stores/connect/custom/",
        {"name": "Corner", "url": "shop.example", "username": "u", "password": "p"},
    ).content.decode()
    assert 'id="id_url_errors"><li>enter a full http:// or https:// URL</li>' in bad
    # when the password is wrong, the store's 401 is shown under the password field
    refused = browser.post(
        "/desk/stores/connect/custom/",
        {"name": "Corner", "url": independent_store.url, "username": "shipper", "password": "x"},
    ).content.decode()
    assert 'id="id_password_errors"><li>The store refused the username or password' in refused
    assert DeskStore.objects.count() == 0

    # when everything is right, the merchant lands on the new store's settings page
    connected = browser.post(
        "/desk/stores/connect/custom/",
        {
            "name": "Corner",
            "url": independent_store.url,
            "username": "shipper",
            "password": independent_store.password,
        },
        follow=True,
    )
    store = DeskStore.objects.get()
    assert connected.redirect_chain == [(f"/desk/stores/{store.pk}/settings/", 302)]
    assert "Connected: HTTP 200" in connected.content.decode()
    assert store.password_encrypted != independent_store.password
    assert independent_store.password not in connected.content.decode()


def test_settings_sections_save_all_or_nothing(browser: Client, store: DeskStore) -> None:
    url = f"/desk/stores/{store.pk}/settings/"
    for tab in ("general", "branding", "notifications", "products", "statuses", "import"):
        assert browser.get(f"{url}?tab={tab}").status_code == 200

    # when one branding field is bad, the other is not saved either
    bad = browser.post(
        f"{url}?tab=branding",
        {
            "company_name": "Corner Shop Ltd",
            "brand_colour": "blue",
            "accent_colour": "#2f7d5b",
        },
    ).content.decode()
    assert 'id="id_brand_colour_errors"><li>a colour like #12314f</li>' in bad
    store.refresh_from_db()
    assert store.company_name == "Corner Shop"

    # a status string in two fields, and an unknown template token, are refused by field
    mapping = browser.post(
        f"{url}?tab=statuses",
        {f"status_mapping.{key}": value for key, value in {**MAPPING, "shipped": "Ready"}.items()},
    ).content.decode()
    assert "&quot;Ready&quot; is already mapped to Paid" in mapping
    template = browser.post(
        f"{url}?tab=notifications",
        {
            "email_subject": "Order [Order Number]",
            "email_body": "Hi",
            "notify_store": "never",
            "notify_store_hours": "2",
            "notify_store_time": "17:00",
        },
    ).content.decode()
    assert 'id="id_email_subject_errors"><li>unknown field replacement [Order Number]' in template
    store.refresh_from_db()
    assert (store.status_shipped, store.notify_store) == ("Complete", "immediately")

    # a good section saves
    saved = browser.post(
        f"{url}?tab=import",
        {"auto_import": "on", "import_interval_minutes": "5", "first_import_days": "14"},
    )
    assert saved.status_code == 302
    store.refresh_from_db()
    assert (store.import_interval_minutes, store.first_import_days) == (5, 14)

    # the merchant's time zone and a notice at a time of day in it
    general = browser.post(
        f"{url}?tab=general",
        {"name": "Corner Shop", "is_active": "on", "time_zone": "America/Chicago"},
    )
    timing = browser.post(
        f"{url}?tab=notifications",
        {
            "email_subject": "Order [Order #]",
            "email_body": "Hi",
            "notify_store": "at_time",
            "notify_store_hours": "2",
            "notify_store_time": "16:30",
        },
    )
    assert (general.status_code, timing.status_code) == (302, 302)
    store.refresh_from_db()
    assert (store.time_zone, store.notify_store, f"{store.notify_store_time:%H:%M}") == (
        "America/Chicago",
        "at_time",
        "16:30",
    )
    assert 'value="16:30"' in browser.get(f"{url}?tab=notifications").content.decode()


def test_grid_order_page_ship_form_and_slips(
    browser: Client, store: DeskStore, independent_store: IndependentStore
) -> None:
    order = DeskOrder.objects.get()
    grid = browser.get("/desk/?status=awaiting_shipment").content.decode()
    assert f'href="/desk/orders/{order.pk}/"' in grid
    # thumbnails come through the same-origin image proxy, never straight from the store
    thumbnail = proxied_image_url(
        "https://img.example/tee.jpg", proxy_key(), proxy_path=DESK_PROXY_PATH
    )
    assert f'src="{escape(thumbnail)}"' in grid
    assert "https://img.example" not in grid.replace("u=https%3A%2F%2Fimg.example", "")
    assert "Awaiting shipment" in grid

    page = browser.get(f"/desk/orders/{order.pk}/").content.decode()
    assert f'src="{escape(thumbnail)}"' in page
    assert 'src="https://img.example' not in page
    for detail in (
        "Royal Mail Tracked 24",
        "PayPal",
        "Forest green",
        "A-01",
        "Coupon SPRING",
        "Happy birthday!",
        "Leave with the neighbour",
        "VIP &lt;customer&gt;",
    ):
        assert detail in page, detail

    # when the packer ships one tee only
    tee, mug = (line for line in order.lines.all() if not line.adjustment)
    form = {
        "carrier": "USPS",
        "tracking_number": "9400111899223100000077",
        "ship_date": "2026-03-02",
        f"line_{tee.pk}": "1",
        f"line_{mug.pk}": "0",
    }
    shipped = browser.post(f"/desk/orders/{order.pk}/ship/", form)
    assert shipped.status_code == 302
    shipment = Shipment.objects.get()
    assert [(item.line_id, item.quantity) for item in shipment.lines.all()] == [(tee.pk, 1)]
    assert shipment.notice.state == "pending"

    # a bad quantity is refused next to its field
    too_many = browser.post(
        f"/desk/orders/{order.pk}/ship/", {**form, "tracking_number": "X2", f"line_{tee.pk}": "5"}
    ).content.decode()
    assert f'id="id_line_{tee.pk}_errors">' in too_many
    assert Shipment.objects.count() == 1

    # the slip is sorted for picking, shows the gift message and no prices on a gift order
    slip = browser.get(f"/desk/orders/{order.pk}/packing-slip/").content.decode()
    assert slip.index("A-01") < slip.index("Camp mug")
    assert "Happy birthday! ]]&gt; from us" in slip
    assert "20.00" not in slip
    pdf = browser.get(f"/desk/orders/{order.pk}/packing-slip.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    # the shipments page lists it with its notice state; resend and void from the order page
    listed = browser.get("/desk/shipments/?notice=pending").content.decode()
    assert "9400111899223100000077" in listed
    assert "Pending" in listed
    assert browser.post(f"/desk/shipments/{shipment.pk}/resend/").status_code == 302
    assert (
        browser.post(f"/desk/shipments/{shipment.pk}/void/", {"confirm": "void"}).status_code == 302
    )
    shipment.refresh_from_db()
    assert shipment.voided_at is not None

    history = browser.get(f"/desk/stores/{store.pk}/imports/").content.decode()
    assert "Succeeded" in history


def test_a_store_in_error_shows_on_the_grid(browser: Client, store: DeskStore) -> None:
    DeskStore.objects.filter(pk=store.pk).update(
        connection="error", last_error="page 1 of 1: The store answered HTTP 500."
    )

    grid = browser.get("/desk/").content.decode()

    assert "Corner Shop is in error:" in grid
    assert "The store answered HTTP 500." in grid


def test_void_asks_first_and_says_the_hub_and_marketplace_keep_the_shipment(
    browser: Client, store: DeskStore
) -> None:
    # given a shipped order
    order = DeskOrder.objects.get(order_number="1001")
    form = {"carrier": "USPS", "tracking_number": "9400111899223100000088"}
    form["ship_date"] = "2026-03-02"
    for line in order.lines.filter(adjustment=False):
        form[f"line_{line.pk}"] = str(line.quantity)
    shipped = browser.post(f"/desk/orders/{order.pk}/ship/", form)
    assert shipped.status_code == 302
    shipment = Shipment.objects.get()
    void_url = f"/desk/shipments/{shipment.pk}/void/"

    # the order page links to the confirmation; it has no one-click void form
    page = browser.get(f"/desk/orders/{order.pk}/").content.decode()
    assert f'<a class="button button-small button-danger" href="{void_url}">Void…</a>' in page
    assert f'action="{void_url}"' not in page

    # when the packer opens it, the page explains and nothing is voided yet
    asked = browser.get(void_url)
    assert asked.status_code == 200
    text = asked.content.decode()
    assert (
        "Voiding cancels the label here; the hub and the marketplace keep the shipment and its "
        "tracking — correct it there." in text
    )
    assert '<input type="hidden" name="confirm" value="void">' in text
    # a bare POST (the old one-click form) only asks again
    assert browser.post(void_url).status_code == 200
    shipment.refresh_from_db()
    assert shipment.voided_at is None
    assert order.lines.filter(quantity_shipped__gt=0).count() == 2

    # when the packer confirms, it is voided and the browser goes back to the order (PRG)
    confirmed = browser.post(void_url, {"confirm": "void"})
    assert confirmed.status_code == 302
    assert confirmed.url == f"/desk/orders/{order.pk}/"  # type: ignore[attr-defined]
    shipment.refresh_from_db()
    assert shipment.voided_at is not None
    assert order.lines.filter(quantity_shipped__gt=0).count() == 0

    # a second visit says it is already voided instead of asking again
    again = browser.get(void_url)
    assert again.status_code == 302
    assert "is already voided" in browser.get(again.url).content.decode()


def test_desk_pages_show_carrier_names_tracking_links_and_the_shared_formats(
    browser: Client, store: DeskStore
) -> None:
    order = DeskOrder.objects.get()
    tee, mug = (line for line in order.lines.all() if not line.adjustment)
    form = {
        "carrier": "RoyalMail",
        "tracking_number": "AB123456789GB",
        "ship_date": "2026-03-02",
        f"line_{tee.pk}": "1",
        f"line_{mug.pk}": "0",
    }
    assert browser.post(f"/desk/orders/{order.pk}/ship/", form).status_code == 302
    link = (
        '<a href="https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB" '
        'rel="noopener noreferrer">AB123456789GB</a>'
    )

    page = browser.get(f"/desk/orders/{order.pk}/").content.decode()
    listed = browser.get("/desk/shipments/").content.decode()

    for html in (page, listed):
        assert "Royal Mail" in html
        assert link in html
        assert ">RoyalMail" not in html
        assert "2 Mar 2026" in html
        assert "03/02/2026" not in html
    assert "United Kingdom</address>" in page
    assert "<dt>Payment method</dt><dd>PayPal</dd>" in page
    assert "<dt>Total</dt><dd><strong>52.40 GBP</strong></dd>" in page
    assert '<td class="num nowrap">20.00 GBP</td>' in page
    assert re.search(r"placed \d{1,2} [A-Z][a-z]{2} 20\d\d, \d\d:\d\d UTC ·", page)
    assert '<td class="num nowrap">300 g</td>' in page
    assert '<td class="num nowrap">6 oz</td>' in page
