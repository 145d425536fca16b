"""Product handling settings, account scoping and the desk API's OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account, create_token
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.models import DeskOrderLine, DeskProduct
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import connect_store, update_settings
from tests.fixtures.api import DeskApiClient
from tests.fixtures.independent_store import IndependentStore, StoreItem, StoreOrder


def _order(modified: datetime) -> StoreOrder:
    return StoreOrder(
        "900",
        "paid",
        modified,
        [StoreItem("TEE", "Tee", 1, "5", weight="6", weight_units="Ounces", location="STORE-1")],
    )


def test_desk_weights_and_locations_win_when_the_store_says_so(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given a desk product with its own weight and bin, and a store set to prefer them
    DeskProduct.objects.create(
        account=desk_account,
        sku="TEE",
        weight_value=Decimal("200"),
        weight_unit="g",
        location="B-7",
    )
    independent_store.orders = [_order(datetime.now(UTC) - timedelta(minutes=5))]
    store, _ = connect_store(
        desk_account,
        kind="custom",
        name="Corner",
        url=independent_store.url,
        username=independent_store.username,
        password=independent_store.password,
    )
    update_settings(
        desk_account, store.pk, {"weight_source": "desk", "locations_from_store": False}
    )

    run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then the line uses the desk's weight and bin and still keeps the store's
    line = DeskOrderLine.objects.get()
    assert (line.weight_value, line.weight_unit, line.location) == (Decimal("200"), "g", "B-7")
    assert (line.store_weight_value, line.store_weight_unit, line.store_location) == (
        Decimal("6"),
        "oz",
        "STORE-1",
    )
    assert line.order.weight_value == Decimal("200")


def test_unknown_skus_make_no_product_when_switched_off(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    independent_store.orders = [_order(datetime.now(UTC) - timedelta(minutes=5))]
    store, _ = connect_store(
        desk_account,
        kind="custom",
        name="Corner",
        url=independent_store.url,
        username=independent_store.username,
        password=independent_store.password,
    )
    update_settings(desk_account, store.pk, {"create_products": False})

    run_import(store.pk, ImportRun.Trigger.MANUAL)

    assert DeskProduct.objects.count() == 0
    assert DeskOrderLine.objects.get().product is None


def test_another_desk_account_sees_nothing(
    desk_api: DeskApiClient, desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    independent_store.orders = [_order(datetime.now(UTC) - timedelta(minutes=5))]
    store, _ = connect_store(
        desk_account,
        kind="custom",
        name="Corner",
        url=independent_store.url,
        username=independent_store.username,
        password=independent_store.password,
    )
    run_import(store.pk, ImportRun.Trigger.MANUAL)
    other = DeskApiClient(
        create_token(create_account("Other", "other@desk.test", "other-pass-1"), "t").secret
    )
    order_id = desk_api.get("/orders", status="awaiting_shipment").json()[0]["id"]

    assert other.get(f"/stores/{store.pk}").status_code == 404
    assert other.get(f"/orders/{order_id}").status_code == 404
    assert other.get("/orders").json() == []
    assert other.post(f"/stores/{store.pk}/import").status_code == 404
    assert desk_api.get("/orders", status="shipped").json() == []
    assert [o["order_number"] for o in desk_api.get("/orders", store=store.pk).json()] == ["900"]
    assert Client().get("/desk/api/v1/orders").status_code == 401


def test_a_page_past_any_database_offset_is_refused(desk_api: DeskApiClient) -> None:
    # when a client asks for a page whose offset no database can skip to
    response = desk_api.get("/orders", page=10**30)

    # then it is told the bound instead of getting a server error
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert (detail["loc"], detail["msg"]) == (
        ["query", "page"],
        "Input should be less than or equal to 1000000",
    )


def test_a_store_id_no_database_can_hold_filters_to_nothing(desk_api: DeskApiClient) -> None:
    response = desk_api.get("/orders", store=2**70)

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("from_store_id", [2**63, -(2**70)])
def test_copying_from_a_store_id_no_database_can_hold_is_refused(
    desk_api: DeskApiClient, desk_account: DeskAccount, from_store_id: int
) -> None:
    # given a store of the account
    store = DeskStore.objects.create(
        account=desk_account, kind="custom", name="Mine", url="https://mine.test/", username="u"
    )

    # when its settings are to be copied from an id no store can have
    response = desk_api.post(f"/stores/{store.pk}/copy-settings", {"from_store_id": from_store_id})

    # then the source is named as missing and the store is untouched
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["msg"] == f"no store {from_store_id} in this desk account"
    assert DeskStore.objects.get(pk=store.pk).updated_at == store.updated_at


def test_the_api_is_documented(db: None) -> None:
    spec = Client().get("/desk/api/v1/openapi.json").json()

    assert spec["info"]["title"] == "Crossdock shipping desk API"
    for path in (
        "/desk/api/v1/stores",
        "/desk/api/v1/stores/{store_id}",
        "/desk/api/v1/stores/{store_id}/import",
        "/desk/api/v1/orders",
        "/desk/api/v1/orders/{order_id}",
        "/desk/api/v1/orders/{order_id}/shipments",
        "/desk/api/v1/shipments/{shipment_id}",
        "/desk/api/v1/shipments/{shipment_id}/resend",
    ):
        assert path in spec["paths"], path
    assert Client().get("/desk/api/v1/docs").status_code == 200
