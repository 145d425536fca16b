"""The order list: filters, search by number, buyer or SKU, pages, and htmx partial answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.test import Client

from crossdock.core.dto import LineData
from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.orders.services import create_custom_status
from tests.fixtures.orders import SHIP_TO, make_order

START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def numbers(response: object) -> list[str]:
    page = response.context["page"]  # type: ignore[attr-defined]  # test client responses carry context
    return [order.number for order in page.object_list]


def test_without_filters_lists_every_order_of_the_account_newest_first(
    web: Client, account: Account, make_account: Callable[[str], Account]
) -> None:
    make_order(account, "A-1", placed_at=START)
    make_order(account, "A-2", placed_at=START + timedelta(days=1))
    make_order(make_account("Other"), "B-1", placed_at=START)

    response = web.get("/orders/")

    assert response.status_code == 200
    assert numbers(response) == ["A-2", "A-1"]
    assert "B-1" not in response.content.decode()


def test_filters_by_status_channel_and_custom_status(web: Client, account: Account) -> None:
    shop = Channel.objects.create(account=account, kind="sandbox", name="Shop")
    create_custom_status(account, "Ready to pack", "paid")
    make_order(account, "M-PAID")
    make_order(account, "M-HOLD", status=OrderStatus.ON_HOLD)
    make_order(account, "S-PAID", channel=shop, custom_status="Ready to pack")
    custom_id = account.custom_statuses.get().pk

    assert numbers(web.get("/orders/", {"status": "on_hold"})) == ["M-HOLD"]
    assert numbers(web.get("/orders/", {"channel": shop.pk})) == ["S-PAID"]
    assert numbers(web.get("/orders/", {"custom_status": custom_id})) == ["S-PAID"]
    assert numbers(web.get("/orders/", {"status": "paid", "channel": str(shop.pk)})) == ["S-PAID"]


def test_searches_number_buyer_and_sku(web: Client, account: Account) -> None:
    line = LineData(sku="LANTERN-01", name="Solar lantern", quantity=1, unit_price=Decimal("9"))
    make_order(account, "N-1042", placed_at=START)
    make_order(
        account,
        "N-2000",
        placed_at=START + timedelta(hours=1),
        ship_to=replace(SHIP_TO, name="Grace Hopper"),
        lines=(line,),
        discounts=(),
    )

    assert numbers(web.get("/orders/", {"q": "1042"})) == ["N-1042"]
    assert numbers(web.get("/orders/", {"q": "grace"})) == ["N-2000"]
    assert numbers(web.get("/orders/", {"q": "lantern-0"})) == ["N-2000"]
    assert numbers(web.get("/orders/", {"q": "MUG-1"})) == ["N-1042"]
    assert numbers(web.get("/orders/", {"q": "nothing-like-this"})) == []


def test_filters_by_placed_date_inclusive(web: Client, account: Account) -> None:
    for day in range(1, 5):
        make_order(account, f"D-{day}", placed_at=datetime(2026, 11, day, 23, 59, tzinfo=UTC))

    response = web.get("/orders/", {"placed_from": "2026-11-02", "placed_to": "2026-11-03"})

    assert numbers(response) == ["D-3", "D-2"]


def test_a_date_range_backwards_is_reported_next_to_the_field_and_not_applied(
    web: Client, account: Account
) -> None:
    make_order(account, "D-1", placed_at=datetime(2026, 11, 1, tzinfo=UTC))

    response = web.get("/orders/", {"placed_from": "2026-11-05", "placed_to": "2026-11-01"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "placed_to": ["The end date is before the start date."]
    }
    assert numbers(response) == []  # the valid start date still filters


def test_a_malformed_filter_value_filters_nothing_rather_than_failing(
    web: Client, account: Account
) -> None:
    make_order(account, "D-1")

    response = web.get("/orders/", {"channel": "abc", "placed_from": "yesterday"})

    assert response.status_code == 200
    assert numbers(response) == ["D-1"]


def test_pages_hold_25_orders_and_keep_the_filters_in_their_links(
    web: Client, account: Account
) -> None:
    for index in range(30):
        make_order(account, f"P-{index:02}", placed_at=START + timedelta(minutes=index))

    first = web.get("/orders/", {"status": "paid"})
    second = web.get("/orders/", {"status": "paid", "page": "2"})

    assert numbers(first) == [f"P-{index:02}" for index in range(29, 4, -1)]
    assert numbers(second) == [f"P-{index:02}" for index in range(4, -1, -1)]
    assert 'href="?status=paid&amp;page=2"' in first.content.decode()
    assert "page 1 of 2" in first.content.decode()


def test_an_htmx_request_gets_only_the_results_fragment(web: Client, account: Account) -> None:
    make_order(account, "H-1")

    response = web.get("/orders/", {"q": "H-1"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="order-count"' in html
    assert "H-1" in html
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == "/orders/?q=H-1"


def test_the_pushed_url_keeps_only_the_filters_in_use_and_the_page(
    web: Client, account: Account
) -> None:
    for index in range(30):
        make_order(account, f"P-{index:02}")

    response = web.get(
        "/orders/",
        {"q": "", "status": "paid", "channel": "", "page": "2"},
        headers={"HX-Request": "true"},
    )

    assert response["HX-Push-Url"] == "/orders/?status=paid&page=2"
