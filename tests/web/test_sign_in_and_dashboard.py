"""Signing in and out, pages closed to strangers, and the dashboard's figures."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.services import Shipment, ShipmentLine, record_fulfillment
from crossdock.hub.orders.models import Order
from tests.fixtures.orders import SYSTEM, make_order


def ship_one_unit(account: Account, order: Order) -> None:
    """Ship one unit of the order's first line: the order becomes partially shipped."""
    line = order.lines.order_by("position").first()
    assert line is not None
    shipment = Shipment(
        carrier="USPS", ship_date=date(2026, 11, 21), lines=(ShipmentLine(1, line_id=line.pk),)
    )
    record_fulfillment(account, order.pk, shipment, SYSTEM)
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_SHIPPED.value


PAGES = ["/", "/orders/", "/custom-statuses/", "/settings/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_stranger_to_sign_in(db: None, path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_signing_in_with_the_right_password_lands_on_the_dashboard(account: Account) -> None:
    client = Client()

    response = client.post(
        "/login/", {"username": "acme@example.com", "password": "s3cret-pass"}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert "<h1>Acme</h1>" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message_and_no_session(account: Account) -> None:
    client = Client()

    response = client.post("/login/", {"username": "acme@example.com", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/").status_code == 302


def test_signing_out_ends_the_session(web: Client) -> None:
    response = web.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert web.get("/").status_code == 302


def test_a_user_without_an_account_sees_why_not_the_hub(db: None) -> None:
    user = get_user_model().objects.create_user("lone@example.com", "lone@example.com", "pw-12345")
    client = Client()
    client.force_login(user)

    response = client.get("/orders/")

    assert response.status_code == 403
    assert "No merchant account" in response.content.decode()


def test_the_dashboard_counts_orders_to_ship_on_hold_and_unpaid(
    web: Client, account: Account, make_account: Callable[[str], Account]
) -> None:
    make_order(account, "P-1")
    make_order(account, "P-2")
    part = make_order(account, "S-1")
    ship_one_unit(account, part)
    make_order(account, "H-1", status=OrderStatus.ON_HOLD)
    make_order(account, "U-1", status=OrderStatus.UNPAID)
    make_order(make_account("Other"), "X-1")

    response = web.get("/")

    assert response.status_code == 200
    assert response.context["to_ship_count"] == 3
    assert response.context["on_hold_count"] == 1
    assert response.context["unpaid_count"] == 1
    assert [order.number for order in response.context["to_ship"]] == ["P-1", "P-2", "S-1"]
    assert "X-1" not in response.content.decode()


def test_next_to_ship_lists_the_order_waiting_longest_first(web: Client, account: Account) -> None:
    # given orders placed on three days, created newest first
    for number, day in (("NEW", 27), ("MID", 24), ("OLD", 20)):
        make_order(account, number, placed_at=datetime(2026, 11, day, 9, 15, tzinfo=UTC))

    response = web.get("/")

    assert [order.number for order in response.context["to_ship"]] == ["OLD", "MID", "NEW"]


def test_the_to_ship_tile_links_to_a_list_of_exactly_the_orders_it_counts(
    web: Client, account: Account
) -> None:
    make_order(account, "P-1")
    ship_one_unit(account, make_order(account, "S-1"))
    make_order(account, "H-1", status=OrderStatus.ON_HOLD)
    make_order(account, "U-1", status=OrderStatus.UNPAID)
    dashboard = web.get("/")
    tile = re.search(r'href="([^"]+)" data-testid="tile-to-ship"', dashboard.content.decode())
    assert tile is not None

    listed = web.get(html.unescape(tile.group(1)))

    numbers = [order.number for order in listed.context["page"].object_list]
    assert sorted(numbers) == ["P-1", "S-1"]
    assert len(numbers) == dashboard.context["to_ship_count"]


def test_pages_have_landmarks_a_skip_link_and_the_shared_stylesheet(web: Client) -> None:
    html = web.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="nav" aria-label="Main">' in html
    assert "/static/crossdock/app.css" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
