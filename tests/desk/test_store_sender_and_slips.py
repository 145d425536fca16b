"""Per-store buyer e-mail sender and BCC, the ship-from block and packing-slip options."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from reportlab.platypus import Paragraph, Table

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments.emails import sender
from crossdock.desk.shipments.slips import render_slip_pdf, slip_lines, slip_story
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import connect_store
from crossdock.platform.secrets import STORE_PASSWORDS
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import desk_client
from tests.fixtures.independent_store import IndependentStore
from tests.fixtures.tasks import run_tasks


@pytest.fixture
def browser(desk_account: DeskAccount) -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


def _pdf_texts(order: DeskOrder) -> list[str]:
    return [part.getPlainText() for part in slip_story(order) if isinstance(part, Paragraph)]


def test_the_sender_falls_back_part_by_part_to_the_desks_own() -> None:
    assert sender("", "", "Desk <desk@example.com>") == "Desk <desk@example.com>"
    assert sender("Corner Shop", "", "desk@example.com") == "Corner Shop <desk@example.com>"
    assert sender("", "shop@corner.test", "Desk <desk@example.com>") == "Desk <shop@corner.test>"
    assert sender("", "shop@corner.test", "desk@example.com") == "shop@corner.test"
    assert (
        sender("Corner, Shop", "shop@corner.test", "x@y.z") == '"Corner, Shop" <shop@corner.test>'
    )


def test_the_buyer_email_uses_the_stores_sender_and_bcc(
    desk_api: DeskApiClient, imported: DeskOrder
) -> None:
    store_url = f"/stores/{imported.store_id}"

    # when a bad sender name and BCC come with a good address, nothing is saved
    bad = desk_api.patch(
        store_url,
        {
            "email_from_name": "Corner\nBcc: everyone@example.com",
            "email_from_address": "shop@corner.test",
            "email_bcc": "not an address",
        },
    )
    assert bad.status_code == 422
    assert desk_api.get(store_url).json()["email_from_address"] == ""

    # when the sender and BCC are set
    good = desk_api.patch(
        store_url,
        {
            "email_from_name": " Corner Shop ",
            "email_from_address": "shop@corner.test",
            "email_bcc": "records@corner.test",
        },
    )
    assert good.status_code == 200, good.content
    read = desk_api.get(store_url).json()
    assert (read["email_from_name"], read["email_from_address"], read["email_bcc"]) == (
        "Corner Shop",
        "shop@corner.test",
        "records@corner.test",
    )

    # then the buyer's e-mail comes from the store, with a blind copy
    shipped = desk_api.post(
        f"/orders/{imported.pk}/shipments",
        {
            "carrier": "USPS",
            "tracking_number": "9400",
            "ship_date": "2026-03-02",
            "notify_buyer": True,
        },
    )
    assert shipped.status_code == 201, shipped.content
    run_tasks()
    (email,) = mail.outbox
    assert email.from_email == "Corner Shop <shop@corner.test>"
    assert email.to == ["buyer@example.com"]
    assert email.bcc == ["records@corner.test"]
    assert "records@corner.test" not in str(email.message())


def test_the_ship_from_and_return_addresses_print_on_both_slips(
    browser: Client, imported: DeskOrder
) -> None:
    settings_url = f"/desk/stores/{imported.store_id}/settings/?tab=branding"
    branding = {"company_name": "Corner Shop", "brand_colour": "#12314f"}
    branding["accent_colour"] = "#2f7d5b"

    # when the ship-from address comes with a bad field, nothing is saved
    bad = browser.post(
        settings_url, {**branding, "ship_from_address": "Unit 4\nLeeds LS1 1AA", "website": "x"}
    )
    assert bad.status_code == 200
    assert 'id="id_website_errors"><li>enter a full http:// or https:// URL</li>' in (
        bad.content.decode()
    )
    imported.store.refresh_from_db()
    assert imported.store.ship_from_address == ""

    # when only a ship-from address is set, returns go there too, on both slips
    saved = browser.post(settings_url, {**branding, "ship_from_address": "Unit 4\nLeeds LS1 1AA"})
    assert saved.status_code == 302
    order = DeskOrder.objects.select_related("store").get(pk=imported.pk)
    html = browser.get(f"/desk/orders/{order.pk}/packing-slip/").content.decode()
    assert (
        '<address class="ship-from" aria-label="Ships from" dir="auto">'
        "Unit 4<br>Leeds LS1 1AA</address>" in html
    )
    assert '<h3>Returns</h3><address dir="auto">Unit 4<br>Leeds LS1 1AA</address>' in html
    texts = _pdf_texts(order)
    assert "Ships fromUnit 4Leeds LS1 1AA" in texts
    assert "ReturnsUnit 4Leeds LS1 1AA" in texts

    # when a return address is set, it is the one printed for returns, on both slips
    browser.post(
        settings_url,
        {
            **branding,
            "ship_from_address": "Unit 4\nLeeds LS1 1AA",
            "return_address": "Returns Dept\nYork",
        },
    )
    order = DeskOrder.objects.select_related("store").get(pk=imported.pk)
    html = browser.get(f"/desk/orders/{order.pk}/packing-slip/").content.decode()
    assert '<h3>Returns</h3><address dir="auto">Returns Dept<br>York</address>' in html
    texts = _pdf_texts(order)
    assert "ReturnsReturns DeptYork" in texts
    assert "Ships fromUnit 4Leeds LS1 1AA" in texts
    assert render_slip_pdf(order).startswith(b"%PDF")


def test_settings_are_copied_from_another_store_but_not_its_identity(
    desk_api: DeskApiClient,
    browser: Client,
    imported: DeskOrder,
    desk_account: DeskAccount,
    independent_store: IndependentStore,
) -> None:
    source = imported.store
    target, _ = connect_store(
        desk_account,
        kind="crossdock",
        name="Hub Shop",
        url=f"{independent_store.url}?hub=1",
        username=independent_store.username,
        password=independent_store.password,
    )
    changed = desk_api.patch(
        f"/stores/{source.pk}",
        {
            "time_zone": "Europe/London",
            "company_name": "Corner Shop Ltd",
            "ship_from_address": "Unit 4\nLeeds",
            "email_buyer": True,
            "email_bcc": "records@corner.test",
            "notify_store": "after_hours",
            "notify_store_hours": 6,
            "weight_source": "desk",
            "import_interval_minutes": 45,
        },
    )
    assert changed.status_code == 200, changed.content
    before = desk_api.get(f"/stores/{target.pk}").json()

    # when the copy names the store itself, or a store of another desk account, nothing changes
    other = DeskAccount.objects.create(name="Elsewhere")
    foreign = DeskStore.objects.create(
        account=other, kind="custom", name="Theirs", url="https://theirs.test/", username="u"
    )
    for wrong in (target.pk, foreign.pk):
        refused = desk_api.post(f"/stores/{target.pk}/copy-settings", {"from_store_id": wrong})
        assert refused.status_code == 422
    assert desk_api.get(f"/stores/{target.pk}").json() == before

    # when the settings are copied
    copied = desk_api.post(f"/stores/{target.pk}/copy-settings", {"from_store_id": source.pk})

    # then every setting is the source's, the mapping included; name, URL, user, kind stay
    assert copied.status_code == 200, copied.content
    after = copied.json()
    wanted = desk_api.get(f"/stores/{source.pk}").json()
    own = {"id", "kind", "name", "url", "username", "connection", "last_error", "import_mark"}
    own |= {"next_import_at", "last_import_at"}
    assert {key: value for key, value in after.items() if key not in own} == {
        key: value for key, value in wanted.items() if key not in own
    }
    assert {key: after[key] for key in own} == {key: before[key] for key in own} | {
        "next_import_at": after["next_import_at"]
    }
    assert after["status_mapping"] == wanted["status_mapping"] != before["status_mapping"]
    target.refresh_from_db()
    assert STORE_PASSWORDS.decrypt(target.password_encrypted) == independent_store.password
    assert target.import_mark is None

    # and the settings page offers the other stores, and copies too
    page = browser.get(f"/desk/stores/{source.pk}/settings/?tab=copy").content.decode()
    assert f'<option value="{target.pk}">Hub Shop</option>' in page
    assert f'<option value="{source.pk}">' not in page
    desk_api.patch(f"/stores/{target.pk}", {"company_name": "Hub Shop Ltd"})
    saved = browser.post(
        f"/desk/stores/{source.pk}/settings/?tab=copy", {"from_store": str(target.pk)}
    )
    assert saved.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.company_name) == ("Corner Shop", "Hub Shop Ltd")


def _cell_text(cell: object) -> str:
    """A cell's text; a cell of several paragraphs (each field its own) joined by " | "."""
    if isinstance(cell, Paragraph):
        return str(cell.getPlainText())
    if isinstance(cell, list):
        return " | ".join(_cell_text(part) for part in cell)
    return str(cell)


def _pdf_table(order: DeskOrder) -> list[list[str]]:
    (table,) = [part for part in slip_story(order) if isinstance(part, Table)]
    # reportlab keeps a table's cells in _cellvalues only
    return [[_cell_text(cell) for cell in row] for row in table._cellvalues]


def test_slip_lines_sort_by_location_sku_or_name_and_leave_out_adjustments(
    imported: DeskOrder,
) -> None:
    lines = list(imported.lines.all())

    def skus(sort: str) -> list[str]:
        return [line.sku for line in slip_lines(lines, sort)]

    assert skus("location") == ["TEE-M", "MUG"]
    assert skus("sku") == ["MUG", "TEE-M"]
    assert [line.name for line in slip_lines(lines, "name")] == ["Camp mug", "Organic tee"]


def test_packing_slip_options_apply_to_both_slips(browser: Client, imported: DeskOrder) -> None:
    settings_url = f"/desk/stores/{imported.store_id}/settings/?tab=slips"
    slip_url = f"/desk/orders/{imported.pk}/packing-slip/"

    # given the defaults: picking order, SKUs shown, and no prices on this gift order
    assert imported.store.slip_sort == "location"
    html = browser.get(slip_url).content.decode()
    assert html.index("Organic tee") < html.index("Camp mug")
    assert '<small><bdi class="sku">TEE-M</bdi></small>' in html
    assert ">Price</th>" not in html
    assert _pdf_table(imported)[0] == ["Location", "SKU", "Item", "Qty"]

    # when a bad sort comes with good switches, nothing is saved
    bad = browser.post(settings_url, {"slip_sort": "price", "slip_show_prices": "on"})
    assert bad.status_code == 200
    assert 'id="id_slip_sort_errors"' in bad.content.decode()
    imported.store.refresh_from_db()
    assert (imported.store.slip_sort, imported.store.slip_show_skus) == ("location", True)

    # when the slip sorts by name, shows prices and hides SKUs
    saved = browser.post(settings_url, {"slip_sort": "name", "slip_show_prices": "on"})
    assert saved.status_code == 302
    order = DeskOrder.objects.select_related("store").get(pk=imported.pk)

    # then a gift order still shows no prices
    html = browser.get(slip_url).content.decode()
    assert html.index("Camp mug") < html.index("Organic tee")
    assert '<small><bdi class="sku">TEE-M</bdi></small>' not in html
    assert ">Price</th>" not in html
    assert _pdf_table(order) == [
        ["Location", "Item", "Qty"],
        ["", "Camp mug", "1"],
        ["A-01", "Organic tee | Size: M | Colour: Forest green", "2"],
    ]

    # and an order that is not a gift shows them
    DeskOrder.objects.filter(pk=order.pk).update(gift=False)
    order = DeskOrder.objects.select_related("store").get(pk=order.pk)
    html = browser.get(slip_url).content.decode()
    assert ">Price</th>" in html
    assert '<td class="num">20.00</td>' in html
    assert _pdf_table(order) == [
        ["Location", "Item", "Qty", "Price"],
        ["", "Camp mug", "1", "10.00"],
        ["A-01", "Organic tee | Size: M | Colour: Forest green", "2", "20.00"],
    ]

    # and the store can turn prices off for every order
    browser.post(settings_url, {"slip_sort": "sku", "slip_show_skus": "on"})
    order = DeskOrder.objects.select_related("store").get(pk=order.pk)
    assert _pdf_table(order) == [
        ["Location", "SKU", "Item", "Qty"],
        ["", "MUG", "Camp mug", "1"],
        ["A-01", "TEE-M", "Organic tee | Size: M | Colour: Forest green", "2"],
    ]
    assert ">Price</th>" not in browser.get(slip_url).content.decode()
