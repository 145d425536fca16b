"""Nobody gets in where they don't belong: every route, tried as account B with A's ids.

Table-driven over every UI route (from the URL resolver) and every API operation (from
both OpenAPI schemas): a route with an id in its path answers B exactly as it answers an
id that does not exist (404, or 405 for a method the route does not take), and changes
nothing; a page or list without ids never shows A's rows. A new route is covered when it
is merged; one whose path parameter is not in the tables below fails until it is named.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.fixtures.desk import desk_client
from tests.reliability.routes import ApiOperation, UiRoute, api_operations, ui_routes
from tests.reliability.world import (
    MISSING,
    NOT_IDS,
    PASSWORD,
    DeskSide,
    HubSide,
    basic_auth,
    desk_ids,
    hub_ids,
    snapshot,
)

#: Forms that answer an unknown id by redirecting back to their list with a message that
#: reads the same for another account's row and for a row that never existed.
REDIRECT_WHEN_UNKNOWN = {
    # "That token is unknown or already revoked."
    "settings/tokens/<int:token_id>/revoke",
    # "no seat N in this desk account" on the team page.
    "desk/team/<int:seat_id>/remove/",
}

#: Bodies that pass validation, so the request reaches the id look-up (the default is {}).
API_BODIES: dict[str, dict[str, Any]] = {
    "POST /desk/api/v1/stores/{store_id}/copy-settings": {"from_store_id": MISSING + 1},
    "POST /desk/api/v1/stores/{store_id}/connection": {
        "url": "http://127.0.0.1:9/export",
        "username": "u",
        "password": "p",
    },
    "POST /desk/api/v1/orders/{order_id}/shipments": {"carrier": "USPS"},
    "PUT /api/v1/products/{product_id}/recipe": {"components": {}},
    "POST /api/v1/listings/{listing_id}/link": {"product_id": MISSING + 1},
    "POST /api/v1/listings/{listing_id}/pause": {"paused": True},
    "PUT /api/v1/inventory-sources/channels/{channel_id}": {"source_ids": []},
}


def _values(product: str, params: list[str], ids: dict[str, int]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in params:
        if (product, name) in NOT_IDS:
            values[name] = NOT_IDS[(product, name)]
        else:
            assert name in ids, f"name the {product} parameter {name!r} in this suite's tables"
            values[name] = ids[name]
    return values


def _hub_browser(side: HubSide) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=side.email))
    return client


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return bytes(response.content).decode(errors="replace")


UI_WITH_IDS = [
    route for route in ui_routes() if any(name.endswith("_id") for _, name in route.params)
]
UI_WITHOUT_IDS = [route for route in ui_routes() if route not in UI_WITH_IDS]
API_WITH_IDS = [op for op in api_operations() if any(p.endswith("_id") for p in op.params)]
API_LISTS = [op for op in api_operations() if op.method == "get" and op not in API_WITH_IDS]


def test_the_tables_cover_routes_of_every_kind() -> None:
    # given the routes found

    # then each family has routes (a broken discovery would make every test below vacuous)
    assert len([r for r in UI_WITH_IDS if r.is_desk]) >= 10
    assert len([r for r in UI_WITH_IDS if not r.is_desk]) >= 15
    assert len([op for op in API_WITH_IDS if op.is_desk]) >= 10
    assert len([op for op in API_WITH_IDS if not op.is_desk]) >= 15


@pytest.mark.parametrize("route", UI_WITH_IDS, ids=lambda route: route.pattern)
@pytest.mark.parametrize("method", ["get", "post"])
def test_b_on_a_page_of_a_gets_what_a_missing_id_gets(
    alpha: HubSide,
    bravo: HubSide,
    alpha_desk: DeskSide,
    bravo_desk: DeskSide,
    route: UiRoute,
    method: str,
) -> None:
    # given B signed in, and A's ids in the path
    if route.is_desk:
        browser = desk_client(bravo_desk.email, PASSWORD)
        product, ids = "desk", desk_ids(alpha_desk)
    else:
        browser = _hub_browser(bravo)
        product, ids = "hub", hub_ids(alpha)
    missing = dict.fromkeys(ids, MISSING)
    before = snapshot()

    # when
    on_a = getattr(browser, method)(route.path(_values(product, [n for _, n in route.params], ids)))
    on_nothing = getattr(browser, method)(
        route.path(_values(product, [n for _, n in route.params], missing))
    )

    # then
    if method == "post" and route.pattern in REDIRECT_WHEN_UNKNOWN:
        assert (on_a.status_code, on_a.url) == (302, on_nothing.url)
        on_a = browser.get(on_a.url)
    else:
        assert (on_a.status_code, on_nothing.status_code) in {(404, 404), (405, 405)}
    assert "alpha" not in _text(on_a).casefold()
    assert snapshot() == before


@pytest.mark.parametrize("operation", API_WITH_IDS, ids=str)
def test_b_on_an_api_route_of_a_gets_what_a_missing_id_gets(
    alpha: HubSide,
    bravo: HubSide,
    alpha_desk: DeskSide,
    bravo_desk: DeskSide,
    operation: ApiOperation,
) -> None:
    # given B's token, and A's ids in the path
    if operation.is_desk:
        bearer, product, ids = bravo_desk.bearer, "desk", desk_ids(alpha_desk)
    else:
        bearer, product, ids = bravo.bearer, "hub", hub_ids(alpha)
    client = Client(headers={"Authorization": f"Bearer {bearer}"})
    body = API_BODIES.get(str(operation), {})
    before = snapshot()

    def call(values: dict[str, Any]) -> Any:
        url = operation.url(_values(product, operation.params, values))
        if operation.has_body:
            return client.generic(
                operation.method.upper(),
                url,
                data=json.dumps(body),
                content_type="application/json",
            )
        return client.generic(operation.method.upper(), url)

    # when
    on_a = call(ids)
    on_nothing = call(dict.fromkeys(ids, MISSING))

    # then
    assert on_a.status_code == 404, _text(on_a)
    assert _text(on_a) == _text(on_nothing).replace(str(MISSING), str(ids[operation.params[-1]]))
    assert "alpha" not in _text(on_a).casefold()
    assert snapshot() == before


@pytest.mark.parametrize("route", UI_WITHOUT_IDS, ids=lambda route: route.pattern)
def test_b_pages_without_ids_never_show_a_rows(
    alpha: HubSide, bravo: HubSide, alpha_desk: DeskSide, bravo_desk: DeskSide, route: UiRoute
) -> None:
    # given B signed in
    if route.is_desk:
        browser = desk_client(bravo_desk.email, PASSWORD)
        values = _values("desk", [n for _, n in route.params], {})
    else:
        browser = _hub_browser(bravo)
        values = _values("hub", [n for _, n in route.params], {})

    # when
    page = browser.get(route.path(values))

    # then: B's page, with B's rows and none of A's (a token naming nothing of B's: 404)
    named_by_token = any(name == "token" for _, name in route.params)
    assert page.status_code in ({404} if named_by_token else {200, 302, 405})
    assert "alpha" not in _text(page).casefold()


@pytest.mark.parametrize("operation", API_LISTS, ids=str)
def test_b_api_lists_never_include_a_rows(
    alpha: HubSide,
    bravo: HubSide,
    alpha_desk: DeskSide,
    bravo_desk: DeskSide,
    operation: ApiOperation,
) -> None:
    # given B's token
    bearer = bravo_desk.bearer if operation.is_desk else bravo.bearer
    client = Client(headers={"Authorization": f"Bearer {bearer}"})

    # when
    answer = client.get(operation.path)

    # then
    assert answer.status_code == 200
    assert "alpha" not in _text(answer).casefold()


def test_the_custom_store_endpoint_with_b_credentials_never_serves_a_orders(
    alpha: HubSide, bravo: HubSide
) -> None:
    # given both merchants have an order in the window
    client = Client(headers=basic_auth(bravo))

    # when
    answer = client.get(
        "/shipstation/custom-store",
        {"action": "export", "start_date": "01/01/2000 00:00", "end_date": "12/31/2099 00:00"},
    )

    # then
    text = _text(answer)
    assert answer.status_code == 200
    assert "Bravo-1" in text
    assert "alpha" not in text.casefold()


def test_a_ship_notice_with_b_credentials_for_a_order_changes_nothing(
    alpha: HubSide, bravo: HubSide
) -> None:
    # given
    client = Client(headers=basic_auth(bravo))
    notice = (
        "<ShipNotice><OrderNumber>Alpha-1</OrderNumber>"
        f"<OrderID>{alpha.order.pk}</OrderID><Carrier>UPS</Carrier>"
        "<TrackingNumber>1ZSTOLEN</TrackingNumber><ShipDate>11/20/2026</ShipDate>"
        "</ShipNotice>"
    )
    before = snapshot()

    # when
    answer = client.post(
        "/shipstation/custom-store?action=shipnotify&order_number=Alpha-1"
        f"&carrier=UPS&tracking_number=1ZSTOLEN&order_id={alpha.order.pk}",
        notice,
        content_type="application/xml",
    )

    # then
    assert answer.status_code == 404
    assert "alpha" not in _text(answer).replace("Alpha-1", "").casefold()
    assert snapshot() == before
