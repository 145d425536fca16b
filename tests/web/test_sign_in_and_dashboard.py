"""Signing in and out, pages closed to strangers, and the dashboard's figures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from tests.web.builders import make_order

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
    make_order(account, "H-1", status=OrderStatus.ON_HOLD)
    make_order(account, "U-1", status=OrderStatus.UNPAID)
    make_order(make_account("Other"), "X-1")

    response = web.get("/")

    assert response.status_code == 200
    assert response.context["to_ship_count"] == 2
    assert response.context["on_hold_count"] == 1
    assert response.context["unpaid_count"] == 1
    assert [order.number for order in response.context["to_ship"]] == ["P-2", "P-1"]
    assert "X-1" not in response.content.decode()


def test_pages_have_landmarks_a_skip_link_and_the_shared_stylesheet(web: Client) -> None:
    html = web.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="nav" aria-label="Main">' in html
    assert "/static/crossdock/app.css" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
