"""The sandbox marketplace's own pages, its shop sign-up API and its CLI commands."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client
from pytest_django.fixtures import Settings
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.sandbox import services
from crossdock.sandbox.models import SandboxOrder, SandboxShop
from tests.fixtures.sandbox import auth, make_shop

pytestmark = pytest.mark.django_db
runner = CliRunner()


@pytest.fixture
def pages_on(settings: Settings) -> None:
    settings.SANDBOX_PAGES = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser(pages_on: None) -> Client:
    """A client signed in as some user of this Crossdock."""
    client = Client()
    user = get_user_model().objects.create_user("dev@example.com", "dev@example.com", "pw-123456")
    client.force_login(user)
    return client


def _text(response: HttpResponseBase) -> str:
    assert isinstance(response, HttpResponse)
    return response.content.decode()


def test_the_pages_and_the_sign_up_are_404_while_the_sandbox_is_off(settings: Settings) -> None:
    settings.SANDBOX_PAGES = False
    shop, _ = make_shop()
    client = Client()
    client.force_login(get_user_model().objects.create_user("dev", "dev@example.com", "pw"))

    for path in ("/sandbox/", "/sandbox/shops/new/", f"/sandbox/shops/{shop.pk}/"):
        assert client.get(path).status_code == 404, path
    opened = client.post("/sandbox/api/v1/shops", {"name": "X"}, content_type="application/json")
    assert opened.status_code == 404
    assert SandboxShop.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(pages_on: None) -> None:
    answer = Client().get("/sandbox/")

    assert answer.status_code == 302
    assert answer["Location"] == "/login/?next=/sandbox/"


def test_the_shop_list_shows_each_shop_with_its_counts(browser: Client) -> None:
    shop, _ = make_shop()
    services.generate_orders(shop, 3)
    make_shop("Maple Goods", "MG")

    page = _text(browser.get("/sandbox/"))

    assert f'<a href="/sandbox/shops/{shop.pk}/">Nordic Crafts</a>' in page
    assert '<td class="num">3</td>' in page
    assert "Maple Goods" in page
    assert "sbx_" not in page


def test_opening_a_shop_reveals_its_token_once(browser: Client) -> None:
    # When a shop is opened through the form
    made = browser.post(
        "/sandbox/shops/new/", {"name": "Fjord Finds", "code": "", "currency": "nok"}
    )

    # Then the browser is redirected to a page that shows the token, once.
    shop = SandboxShop.objects.get(name="Fjord Finds")
    assert made.status_code == 302
    assert made["Location"] == f"/sandbox/shops/{shop.pk}/created/"
    first = _text(browser.get(made["Location"]))
    token = first.split('id="token" class="code" value="')[1].split('"')[0]
    assert services.authenticate(token) == shop
    assert (shop.code, shop.currency) == ("FF", "NOK")
    assert "http://testserver/sandbox/api/v1" in first
    again = _text(browser.get(made["Location"]))
    assert token not in again
    assert "cannot be shown again" in again


def test_a_shop_name_in_use_or_a_bad_currency_is_refused_by_the_field(browser: Client) -> None:
    make_shop()

    taken = browser.post("/sandbox/shops/new/", {"name": "Nordic Crafts", "currency": "USD"})
    bad = browser.post("/sandbox/shops/new/", {"name": "Other", "currency": "U$D"})

    assert taken.status_code == 400
    assert "A shop with this name exists already." in _text(taken)
    assert bad.status_code == 400
    assert "currency must be a 3-letter code such as USD" in _text(bad)
    assert list(SandboxShop.objects.values_list("name", flat=True)) == ["Nordic Crafts"]


def test_simulated_buyers_place_orders_from_the_shop_page(browser: Client) -> None:
    shop, _ = make_shop()

    placed = browser.post(f"/sandbox/shops/{shop.pk}/simulate/", {"count": "3"})
    page = _text(browser.get(placed["Location"]))

    assert placed.status_code == 302
    assert placed["Location"] == f"/sandbox/shops/{shop.pk}/"
    assert SandboxOrder.objects.filter(shop=shop).count() == 3
    assert "Buyers placed 3 orders: NC-1001, NC-1002, NC-1003." in page
    assert "<td>NC-1003</td>" in page
    assert '<img src="/static/sandbox/products/' in page


def test_a_bad_order_count_places_nothing_and_says_why(browser: Client) -> None:
    shop, _ = make_shop()

    placed = browser.post(f"/sandbox/shops/{shop.pk}/simulate/", {"count": "0"})
    page = _text(browser.get(placed["Location"]))

    assert SandboxOrder.objects.count() == 0
    assert "Orders to place: Ensure this value is greater than or equal to 1." in page


def test_the_received_page_shows_shipments_and_stock_updates(browser: Client) -> None:
    shop, token = make_shop()
    order = services.generate_orders(shop, 1)[0]
    client = Client()
    client.post(
        f"/sandbox/api/v1/orders/{order.public_id}/shipments",
        json.dumps({"carrier": "ups", "tracking_number": "1Z999AA10123456784"}),
        content_type="application/json",
        headers=auth(token),
    )
    client.post(
        "/sandbox/api/v1/stock",
        json.dumps({"items": [{"sku": "MUG-FIKA", "quantity": 7}]}),
        content_type="application/json",
        headers=auth(token),
    )

    page = _text(browser.get(f"/sandbox/shops/{shop.pk}/received/"))

    assert "<code>1Z999AA10123456784</code>" in page
    assert "<td>NC-1001</td>" in page
    assert '<tr><td>MUG-FIKA</td><td class="num">7</td>' in page


def test_fault_settings_are_edited_with_a_form(browser: Client) -> None:
    shop, _ = make_shop()
    values = {
        "error_rate": "0.25",
        "rate_limit_rate": "0.1",
        "retry_after_seconds": "3",
        "delay_ms": "0",
        "timeout_rate": "0",
        "timeout_seconds": "30",
        "fault_seed": "7",
    }

    saved = browser.post(f"/sandbox/shops/{shop.pk}/faults/", values)
    refused = browser.post(f"/sandbox/shops/{shop.pk}/faults/", {**values, "error_rate": "2"})

    assert saved.status_code == 302
    assert saved["Location"] == f"/sandbox/shops/{shop.pk}/faults/"
    assert refused.status_code == 400
    assert "Ensure this value is less than or equal to 1." in _text(refused)
    shop.refresh_from_db()
    assert (shop.error_rate, shop.rate_limit_rate, shop.fault_seed) == (
        Decimal("0.25"),
        Decimal("0.1"),
        7,
    )


def test_the_sign_up_api_opens_a_shop_and_answers_with_its_token(pages_on: None) -> None:
    client = Client()

    opened = client.post(
        "/sandbox/api/v1/shops", {"name": "Api Shop"}, content_type="application/json"
    )
    taken = client.post(
        "/sandbox/api/v1/shops", {"name": "Api Shop"}, content_type="application/json"
    )
    nameless = client.post("/sandbox/api/v1/shops", {"code": 5}, content_type="application/json")

    body = opened.json()
    assert opened.status_code == 201
    assert {key: body[key] for key in ("name", "code", "currency", "api_base_url", "shop_url")} == {
        "name": "Api Shop",
        "code": "AS",
        "currency": "USD",
        "api_base_url": "http://testserver/sandbox/api/v1",
        "shop_url": f"http://testserver/sandbox/shops/{body['id']}/",
    }
    assert client.get("/sandbox/api/v1/orders", headers=auth(body["token"])).status_code == 200
    assert taken.status_code == 409
    assert taken.json() == {"error": "a shop named 'Api Shop' exists already"}
    assert nameless.status_code == 422
    assert nameless.json() == {"error": "code must be text", "field": "code"}
    assert SandboxShop.objects.count() == 1


def test_the_cli_opens_a_shop_and_places_orders() -> None:
    made = runner.invoke(app, ["sandbox", "shop", "create", "--name", "Cli Shop", "--json"])
    placed = runner.invoke(
        app, ["sandbox", "orders", "place", "--shop", "Cli Shop", "--count", "2", "--json"]
    )
    showcase = runner.invoke(
        app, ["sandbox", "orders", "place", "--shop", "Cli Shop", "--showcase"]
    )
    unknown = runner.invoke(app, ["sandbox", "orders", "place", "--shop", "Nope"])

    assert made.exit_code == 0, made.output
    token = json.loads(made.stdout)["token"]
    assert services.authenticate(token) == SandboxShop.objects.get(name="Cli Shop")
    assert json.loads(placed.stdout) == {"orders": ["CS-1001", "CS-1002"]}
    assert showcase.exit_code == 0
    assert "CS-1003" in showcase.stdout
    assert unknown.exit_code == 1
    assert SandboxOrder.objects.count() == 3


def test_the_cli_refuses_a_bad_shop_naming_the_field() -> None:
    made = runner.invoke(app, ["sandbox", "shop", "create", "--name", "X", "--currency", "EURO"])

    assert made.exit_code == 1
    assert "currency must be a 3-letter code such as USD" in made.output
    assert SandboxShop.objects.count() == 0


def test_the_faults_page_lists_the_faults_the_shop_met(browser: Client) -> None:
    # given a shop whose API met no fault, then rate limited one call
    shop, token = make_shop()
    empty = _text(browser.get(f"/sandbox/shops/{shop.pk}/faults/"))
    services.configure_faults(shop, {"rate_limit_rate": "1"})
    Client().get("/sandbox/api/v1/listings", headers=auth(token))

    # when the faults page is shown
    page = _text(browser.get(f"/sandbox/shops/{shop.pk}/faults/"))

    # then it lists that call with its request number and fault
    assert "No request has met a fault yet." in empty
    assert "1 of the requests met a fault" in page
    assert (
        "<tr><td>1</td><td><code>GET /sandbox/api/v1/listings</code></td><td>rate_limited</td>"
        in page
    )
