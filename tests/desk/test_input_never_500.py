"""Untrusted input to every desk write route and form: a named field error, never a 500.

Table-driven over each desk API write route (invalid international host names in store URLs,
a lone UTF-16 surrogate anywhere in a JSON body) and each desk form that takes text.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.stores.errors import StoreInvalid
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import add_unverified_store, update_settings
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import desk_client

#: Host names no store can have: an empty punycode label, an empty label.
BAD_HOSTS = ("http://xn--/", "http://a..b/", "http://xn--/export.php", "https://a..b:8443/x")
#: A lone high surrogate, as JSON escapes it.
SURROGATE = "\ud800"


@pytest.fixture
def store(desk_account: DeskAccount) -> DeskStore:
    return add_unverified_store(
        desk_account,
        kind="custom",
        name="Corner Shop",
        url="http://127.0.0.1:9/export",
        username="shop",
        password="shop-pass",
    )


@pytest.fixture
def browser(desk_account: DeskAccount) -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


def _api_field_errors(response: Any) -> dict[tuple[str, ...], str]:
    return {tuple(item["loc"]): item["msg"] for item in response.json()["detail"]}


@pytest.mark.parametrize("url", BAD_HOSTS)
@pytest.mark.parametrize("connecting", [True, False], ids=["connect", "reconnect"])
def test_the_api_names_the_url_of_a_bad_host(
    desk_api: DeskApiClient, store: DeskStore, url: str, connecting: bool
) -> None:
    # given
    body = {"url": url, "username": "u", "password": "p"}
    path = "/stores" if connecting else f"/stores/{store.pk}/connection"
    if connecting:
        body |= {"kind": "custom", "name": "Shop"}

    # when
    response = desk_api.post(path, body)

    # then
    assert response.status_code == 422
    assert _api_field_errors(response) == {
        ("body", "body", "url"): "the host name in this URL is not valid"
    }
    assert list(DeskStore.objects.values_list("url", flat=True)) == ["http://127.0.0.1:9/export"]


@pytest.mark.parametrize("url", BAD_HOSTS[:2])
@pytest.mark.parametrize("connecting", [True, False], ids=["connect", "reconnect"])
def test_the_forms_name_the_url_of_a_bad_host(
    browser: Client, store: DeskStore, url: str, connecting: bool
) -> None:
    # given
    data = {"url": url, "username": "u", "password": ""}
    path = f"/desk/stores/{store.pk}/connection/"
    if connecting:
        data |= {"name": "Shop", "password": "p"}
        path = "/desk/stores/connect/custom/"

    # when
    page = browser.post(path, data)

    # then
    assert page.status_code == 200
    assert page.context["form"].errors == {"url": ["the host name in this URL is not valid"]}
    assert list(DeskStore.objects.values_list("url", flat=True)) == ["http://127.0.0.1:9/export"]


def _write_routes(store: DeskStore, order_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Every desk API write route with a body, and a body carrying a surrogate."""
    return [
        (
            "post",
            "/stores",
            {"kind": "custom", "name": SURROGATE, "url": "http://x/", "username": "u"}
            | {"password": "p"},
        ),
        (
            "post",
            "/stores",
            {"kind": "custom", "name": "S", "url": "http://x/", "username": "u"}
            | {"password": "p", "status_mapping": {"paid": SURROGATE}},
        ),
        ("post", f"/stores/{store.pk}/connection", {"url": "http://x/", "username": SURROGATE}),
        ("post", f"/stores/{store.pk}/connection", {"url": "http://x/", "password": SURROGATE}),
        ("patch", f"/stores/{store.pk}", {"footer_text": SURROGATE}),
        ("patch", f"/stores/{store.pk}", {"status_mapping": {"on_hold": SURROGATE}}),
        ("post", f"/orders/{order_id}/shipments", {"carrier": "USPS", "service": SURROGATE}),
        ("post", f"/orders/{order_id}/shipments", {"carrier": SURROGATE}),
    ]


def test_a_lone_surrogate_in_any_desk_api_body_is_a_422(
    desk_api: DeskApiClient, store: DeskStore
) -> None:
    # given
    routes = _write_routes(store, order_id=424242)
    before = DeskStore.objects.values().get(pk=store.pk)

    # when
    statuses = [getattr(desk_api, method)(path, body).status_code for method, path, body in routes]

    # then
    assert statuses == [422] * len(routes)
    assert DeskStore.objects.values().get(pk=store.pk) == before
    assert DeskOrder.objects.count() == 0


def test_a_lone_surrogate_names_its_field(desk_api: DeskApiClient, store: DeskStore) -> None:
    # when
    response = desk_api.patch(f"/stores/{store.pk}", {"footer_text": f"Thanks{SURROGATE}"})

    # then
    assert response.status_code == 422
    assert _api_field_errors(response) == {
        ("body", "body", "footer_text"): "contains a character that is not valid text"
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": f"Shop{SURROGATE}"}, "name"),
        ({"footer_text": SURROGATE}, "footer_text"),
        ({"status_mapping": {"paid": f"paid,{SURROGATE}"}}, "status_mapping.paid"),
    ],
)
def test_a_lone_surrogate_in_settings_from_any_surface_is_a_field_error(
    desk_account: DeskAccount, store: DeskStore, changes: dict[str, Any], field: str
) -> None:
    # given: what the settings forms and the CLI hand to the service (a form post cannot
    # carry a lone surrogate: Django decodes invalid UTF-8 with replacement characters)
    before = DeskStore.objects.values().get(pk=store.pk)

    # when
    with pytest.raises(StoreInvalid) as raised:
        update_settings(desk_account, store.pk, changes)

    # then
    assert raised.value.errors == {field: "contains a character that is not valid text"}
    assert DeskStore.objects.values().get(pk=store.pk) == before
