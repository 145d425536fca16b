"""The catalog pages through their real entry points: products, stock changes, CSV import,
listings, sources, a channel's rule and connect-time choice, low stock, drift, cancellation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.models import (
    ChannelSource,
    ChannelStock,
    DriftRecord,
    Listing,
    OrderReservation,
    Product,
    StockLevel,
    StockMovement,
    StockRule,
)
from crossdock.hub.catalog.services import set_channel_sources, update_product
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.services import create_order
from tests.fixtures.catalog import CLERK, level, listing, stocked, warehouse
from tests.fixtures.catalog import order_data as stock_order
from tests.fixtures.orders import make_order

pytestmark = pytest.mark.django_db


def shop(account: Account, name: str) -> Channel:
    """A sandbox channel nothing will call (these tests never push)."""
    return add_channel(
        account, "sandbox", name, {"base_url": "http://127.0.0.1:9/api", "api_token": "tok-1"}
    )


def _html(response: Any) -> str:
    return str(response.content.decode())


def test_the_product_list_searches_and_flags_low_stock(web: Client, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 2)
    stocked(account, "LID-1", source, 40)
    update_product(account, mug.pk, low_stock_threshold=5)

    everything = _html(web.get("/products/"))
    found = _html(web.get("/products/", {"q": "lid"}))
    low = _html(web.get("/products/", {"low_stock": "on"}))

    assert "MUG-1" in everything
    assert "LID-1" in everything
    assert "LID-1" in found
    assert "MUG-1" not in found
    assert "MUG-1" in low
    assert "LID-1" not in low
    assert 'data-testid="low-stock"' in low


def test_the_dashboard_counts_and_lists_low_stock(web: Client, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 2)
    stocked(account, "LID-1", source, 40)
    update_product(account, mug.pk, low_stock_threshold=2)

    html = _html(web.get("/"))

    tile = re.search(r'data-testid="tile-low-stock">.*?tile-figure">(\d+)<', html, re.S)
    assert tile is not None
    assert tile.group(1) == "1"
    assert html.count('data-testid="low-stock-row"') == 1


def test_a_stock_adjustment_is_recorded_and_redirects(web: Client, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)

    response = web.post(
        f"/products/{mug.pk}/stock",
        {"source": source.pk, "action": "adjust", "quantity": "-3", "reason": "Broken in transit"},
    )

    assert response.status_code == 302
    assert level(mug, source) == (7, 0)
    movement = StockMovement.objects.filter(product=mug).order_by("-id").first()
    assert movement is not None
    assert (movement.kind, movement.on_hand_delta, movement.reason, movement.actor) == (
        "adjustment",
        -3,
        "Broken in transit",
        "user:acme@example.com",
    )
    page = _html(web.get(f"/products/{mug.pk}/"))
    assert "Broken in transit" in page


def test_an_adjustment_without_a_reason_changes_nothing(web: Client, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)
    before = StockMovement.objects.count()

    response = web.post(
        f"/products/{mug.pk}/stock",
        {"source": source.pk, "action": "adjust", "quantity": "-3", "reason": ""},
    )

    assert response.status_code == 400
    assert "Say why the stock changed" in _html(response)
    assert level(mug, source) == (10, 0)
    assert StockMovement.objects.count() == before


def test_a_count_sets_on_hand(web: Client, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)

    web.post(f"/products/{mug.pk}/stock", {"source": source.pk, "action": "count", "quantity": "4"})

    assert level(mug, source) == (4, 0)


def test_a_transfer_moves_stock_and_redirects_to_the_product(web: Client, account: Account) -> None:
    # given 10 mugs at the main warehouse and a back room
    main = warehouse(account)
    back = warehouse(account, "Back room")
    mug = stocked(account, "MUG-1", main, 10)
    assert 'data-testid="transfer-form"' in _html(web.get(f"/products/{mug.pk}/"))

    # when 4 are transferred from the product page
    response = web.post(
        f"/products/{mug.pk}/transfer",
        {
            "transfer-from_source": main.pk,
            "transfer-to_source": back.pk,
            "transfer-quantity": "4",
            "transfer-reason": "Restock",
        },
    )

    # then the page redirects (PRG) and both levels moved, with the reason in the ledger
    assert response.status_code == 302
    assert response["Location"] == f"/products/{mug.pk}/"
    assert (level(mug, main), level(mug, back)) == ((6, 0), (4, 0))
    assert list(
        StockMovement.objects.filter(kind="transfer")
        .order_by("id")
        .values_list("source__name", "on_hand_delta", "reason")
    ) == [("Main warehouse", -4, "Restock"), ("Back room", 4, "Restock")]


@pytest.mark.parametrize(
    ("origin", "target", "quantity", "message"),
    [
        ("main", "main", "1", "must differ from the source it comes from"),
        ("main", "unknown", "1", "Select a valid choice."),
        ("main", "back", "11", "only 10 available at Main warehouse"),
        ("main", "back", "0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_a_bad_transfer_is_shown_on_the_page_and_moves_nothing(
    web: Client, account: Account, origin: str, target: str, quantity: str, message: str
) -> None:
    main = warehouse(account)
    back = warehouse(account, "Back room")
    mug = stocked(account, "MUG-1", main, 10)
    before = StockMovement.objects.count()
    ids = {"main": main.pk, "back": back.pk, "unknown": 999_999}

    response = web.post(
        f"/products/{mug.pk}/transfer",
        {
            "transfer-from_source": ids[origin],
            "transfer-to_source": ids[target],
            "transfer-quantity": quantity,
        },
    )

    assert response.status_code == 400
    assert message in _html(response)
    assert StockMovement.objects.count() == before
    assert (level(mug, main), level(mug, back)) == ((10, 0), (0, 0))


def test_another_accounts_product_is_not_found(
    web: Client, make_account: Callable[[str], Account]
) -> None:
    other = make_account("Other")
    theirs = stocked(other, "X-1", warehouse(other), 5)

    assert web.get(f"/products/{theirs.pk}/").status_code == 404
    assert (
        web.post(f"/products/{theirs.pk}/settings", {"low_stock_threshold": "1"}).status_code == 404
    )
    assert Product.objects.get(pk=theirs.pk).low_stock_threshold is None


def test_csv_import_checks_reports_then_applies(web: Client, account: Account) -> None:
    warehouse(account)
    upload = SimpleUploadedFile("p.csv", b"sku,name,low_stock_threshold\nMUG-1,Mug,3\nLID-1,Lid,\n")

    uploaded = web.post("/products/import/", {"file": upload, "kind": ""})

    assert uploaded.status_code == 302
    report_url = uploaded["Location"]
    report = web.get(report_url)
    assert report.status_code == 200
    assert "2 rows, no problems." in _html(report)
    assert not Product.objects.exists()
    applied = web.post(report_url)
    assert applied.status_code == 302
    assert sorted(Product.objects.values_list("sku", "low_stock_threshold")) == [
        ("LID-1", None),
        ("MUG-1", 3),
    ]
    assert web.get(report_url).status_code == 404


def test_a_malformed_csv_is_reported_by_row_and_column_and_cannot_be_applied(
    web: Client, account: Account
) -> None:
    source = warehouse(account)
    stocked(account, "MUG-1", source, 5)
    before = (Product.objects.count(), StockLevel.objects.count(), StockMovement.objects.count())
    upload = SimpleUploadedFile(
        "q.csv", b"sku,source,quantity\nMUG-1,Main warehouse,-1\nGHOST,Main warehouse,2\n"
    )

    report_url = web.post("/products/import/", {"file": upload})["Location"]
    report = web.get(report_url)
    applied = web.post(report_url, follow=True)

    html = _html(report)
    assert report.status_code == 422
    assert html.count('data-testid="row-error"') == 2
    assert "must not be negative, got -1" in html
    assert "unknown SKU GHOST" in html
    assert "Nothing was imported" in _html(applied)
    after = (Product.objects.count(), StockLevel.objects.count(), StockMovement.objects.count())
    assert after == before


def test_a_file_that_is_not_utf8_is_refused_at_upload(web: Client, account: Account) -> None:
    upload = SimpleUploadedFile("p.csv", "sku,name\nMUG,Tassé\n".encode("utf-16"))

    response = web.post("/products/import/", {"file": upload})

    assert response.status_code == 400
    assert "UTF-16" in _html(response)


def test_the_export_downloads_formula_safe_csv(web: Client, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 5)
    update_product(account, mug.pk, name="=cmd|' /C calc'!A0")

    response = web.get("/products/export", {"kind": "products"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _html(response).splitlines()[1].startswith("MUG-1,'=cmd|' /C calc'!A0,")


def test_listings_link_unlink_after_confirming_and_create_a_product(
    web: Client, account: Account
) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 5)
    channel = shop(account, "Shop")
    row = listing(channel, None, "mug-blue")
    other = listing(channel, None, "NEW-1")

    unlinked = _html(web.get("/listings/", {"linked": "no"}))
    assert "mug-blue" in unlinked
    assert "Unlinked" in unlinked

    assert web.post(f"/listings/{row.pk}/link", {"sku": "MUG-1"}).status_code == 302
    assert Listing.objects.get(pk=row.pk).product_id == mug.pk

    question = web.get(f"/listings/{row.pk}/unlink")
    assert "Unlink mug-blue on Shop?" in _html(question)
    assert Listing.objects.get(pk=row.pk).product_id == mug.pk
    web.post(f"/listings/{row.pk}/unlink")
    assert Listing.objects.get(pk=row.pk).product_id is None

    created = web.post(f"/listings/{other.pk}/product")
    product = Product.objects.get(account=account, sku="NEW-1")
    assert created["Location"] == f"/products/{product.pk}/"
    assert Listing.objects.get(pk=other.pk).product_id == product.pk


def test_linking_to_an_unknown_sku_is_refused_next_to_the_field(
    web: Client, account: Account
) -> None:
    channel = shop(account, "Shop")
    row = listing(channel, None, "mug-blue")

    response = web.post(f"/listings/{row.pk}/link", {"sku": "GHOST"})

    assert response.status_code == 400
    assert "No product has the SKU GHOST." in _html(response)
    assert Listing.objects.get(pk=row.pk).product_id is None


def test_a_listing_page_shows_its_computation_and_error_reason(
    web: Client, account: Account
) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)
    channel = shop(account, "Shop")
    set_channel_sources(channel, [source])
    web.post(f"/channels/{channel.pk}/stock/rule", {"percent": "50", "maximum": "4"})
    row = listing(channel, mug, "MUG-1")
    Listing.objects.filter(pk=row.pk).update(status="error", status_reason="SKU is archived")

    html = _html(web.get(f"/listings/{row.pk}/"))

    assert "50% of 10 rounded down: 5" in html
    assert '<strong data-testid="result">4</strong>' in html
    assert "SKU is archived" in html
    assert "SKU is archived" in _html(web.get("/listings/", {"status": "error"}))


def test_sources_and_a_channels_ordered_sources_and_rule(web: Client, account: Account) -> None:
    channel = shop(account, "Shop")

    assert web.post("/inventory-sources/", {"name": "Main", "kind": "warehouse"}).status_code == 302
    assert web.post("/inventory-sources/", {"name": "3PL East", "kind": "3pl"}).status_code == 302
    main = account.inventory_sources.get(name="Main")
    east = account.inventory_sources.get(name="3PL East")
    saved = web.post(
        f"/channels/{channel.pk}/stock/sources",
        {f"source_{east.pk}": "1", f"source_{main.pk}": "2"},
    )
    refused = web.post(f"/channels/{channel.pk}/stock/rule", {"percent": "150"})

    assert saved.status_code == 302
    assert list(
        ChannelSource.objects.filter(channel=channel)
        .order_by("position")
        .values_list("source__name", flat=True)
    ) == ["3PL East", "Main"]
    assert refused.status_code == 400
    assert not StockRule.objects.filter(channel=channel).exists()


def test_a_marketplace_source_needs_its_channel(web: Client, account: Account) -> None:
    response = web.post("/inventory-sources/", {"name": "FBA", "kind": "marketplace"})

    assert response.status_code == 400
    assert "Choose the channel whose listings report this stock." in _html(response)
    assert not account.inventory_sources.exists()


def test_the_connect_time_choice_shows_differences_and_asks_before_deciding(
    web: Client, account: Account
) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)
    channel = shop(account, "Shop")
    set_channel_sources(channel, [source])
    row = listing(channel, mug, "MUG-1")
    Listing.objects.filter(pk=row.pk).update(quantity_read=3)

    page = _html(web.get(f"/channels/{channel.pk}/stock/"))
    question = web.post(f"/channels/{channel.pk}/stock/decide", {"winner": "channel"})

    assert "Nothing is pushed to Shop until you choose" in page
    assert page.count('data-testid="difference"') == 1
    assert "Take Shop's quantities?" in _html(question)
    assert ChannelStock.objects.get(channel=channel).winner == ""
    assert level(mug, source) == (10, 0)

    web.post(f"/channels/{channel.pk}/stock/decide", {"winner": "channel", "confirmed": "1"})

    assert ChannelStock.objects.get(channel=channel).winner == "channel"
    assert level(mug, source) == (3, 0)


def test_the_drift_report_lists_what_reconciliation_found(web: Client, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)
    channel = shop(account, "Shop")
    row = listing(channel, mug, "MUG-1")
    DriftRecord.objects.create(
        account=account,
        channel=channel,
        listing=row,
        product=mug,
        sku="MUG-1",
        expected=10,
        found=7,
        action=DriftRecord.Action.HEALED,
    )

    html = _html(web.get("/listings/drift/"))

    assert html.count('data-testid="drift-row"') == 1
    assert "Push queued" in html


def test_cancelling_in_the_hub_asks_whether_to_return_stock(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")

    unanswered = web.post(f"/orders/{order.pk}/cancel", {"reason": "Buyer asked"})

    assert unanswered.status_code == 400
    assert "Say whether the order&#x27;s stock goes back on the shelf." in _html(unanswered)
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_cancelling_an_order_fills_a_short_order_shown_on_the_product_page(
    web: Client, account: Account
) -> None:
    # given 1 mug held by the first order and a second order short of it
    main = warehouse(account)
    mug = stocked(account, "MUG-1", main, 1)
    holder = create_order(account, stock_order("A-1", {"MUG-1": 1}), CLERK)
    short = create_order(account, stock_order("A-2", {"MUG-1": 1}), CLERK)
    before = _html(web.get(f"/products/{mug.pk}/"))

    # when the first is cancelled in the hub with its stock returned
    cancelled = web.post(f"/orders/{holder.pk}/cancel", {"reason": "", "return_stock": "yes"})
    after = _html(web.get(f"/products/{mug.pk}/"))

    # then the page listed the short order before, and not after: it holds the freed mug,
    # and the ledger says the reservation filled a shortage
    assert cancelled.status_code == 302
    assert re.search(r"Orders short of stock.*A-2</a>.*<td class=\"num\">1</td>", before, re.S)
    assert "Orders short of stock" not in after
    assert level(mug, main) == (1, 1)
    assert "Order A-2 (was short)" in after
    assert short.pk in set(OrderReservation.objects.values_list("order_id", flat=True))
