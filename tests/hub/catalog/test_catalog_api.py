"""The catalog REST API through its real entry point: products, CSV import, stock, listings,
inventory sources; bad input answers 422 naming the field and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crossdock.api import products as products_api
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_token
from crossdock.hub.catalog.models import ChannelSource, Listing, Product, StockMovement
from crossdock.hub.catalog.services import receive, set_channel_sources
from crossdock.hub.channels.services import add_channel
from tests.fixtures.api import ApiClient
from tests.fixtures.catalog import CLERK, level, listing, stocked, warehouse

pytestmark = pytest.mark.django_db


def _upload(api: ApiClient, text: bytes, **params: str) -> object:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return api.client.post(
        f"/api/v1/products/import{'?' + query if query else ''}",
        {"file": SimpleUploadedFile("file.csv", text, content_type="text/csv")},
        headers=api.headers,
    )


def test_a_product_is_created_read_changed_and_searched(api: ApiClient) -> None:
    created = api.post(
        "/products", {"sku": "MUG-1", "name": "Mug", "weight_value": "350", "weight_unit": "g"}
    )
    assert created.status_code == 201, created.content
    product_id = created.json()["id"]

    changed = api.patch(f"/products/{product_id}", {"bin_location": "A-01", "barcode": None})
    found = api.get("/products", search="mug").json()

    assert changed.json()["bin_location"] == "A-01"
    assert changed.json()["barcode"] == ""
    assert [row["sku"] for row in found] == ["MUG-1"]
    assert found[0]["weight_value"] == "350.0000"


def test_a_taken_sku_is_a_conflict(api: ApiClient) -> None:
    api.post("/products", {"sku": "MUG-1", "name": "Mug"})

    again = api.post("/products", {"sku": "MUG-1", "name": "Other"})

    assert again.status_code == 409
    assert Product.objects.get().name == "Mug"


def test_a_kit_recipe_containing_itself_is_refused(api: ApiClient) -> None:
    kit = api.post("/products", {"sku": "SET", "name": "Set"}).json()

    refused = api.client.put(
        f"/api/v1/products/{kit['id']}/recipe",
        {"components": {"SET": 1}},
        content_type="application/json",
        headers=api.headers,
    )

    assert refused.status_code == 422
    assert not Product.objects.get(sku="SET").is_kit


def test_the_csv_import_applies_all_rows_or_answers_422_with_each_problem(
    api: ApiClient, account: Account
) -> None:
    broken = _upload(api, b"sku,name,weight\nA,Alpha,1\nB,,-2\n")

    assert broken.status_code == 422  # type: ignore[attr-defined]
    assert broken.json()["detail"] == [  # type: ignore[attr-defined]
        {"type": "value_error", "loc": ["body", "body", "row 3", "name"], "msg": "is required"},
        {
            "type": "value_error",
            "loc": ["body", "body", "row 3", "weight"],
            "msg": "must not be negative",
        },
    ]
    assert not Product.objects.exists()

    checked = _upload(api, b"sku,name\nA,Alpha\n", check="true")
    assert checked.json() == {  # type: ignore[attr-defined]
        "kind": "products",
        "rows": 1,
        "applied": False,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert not Product.objects.exists()

    applied = _upload(api, b"sku,name\nA,Alpha\nB,Beta\n")
    assert applied.json()["created"] == 2  # type: ignore[attr-defined]
    again = _upload(api, b"sku,name\nA,Alpha\nB,Bravo\n")
    assert [again.json()[key] for key in ("created", "updated", "unchanged")] == [0, 1, 1]  # type: ignore[attr-defined]
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["A", "B"]


def test_stock_is_adjusted_counted_and_listed(api: ApiClient, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)

    adjusted = api.post(
        "/stock/adjust", {"sku": "MUG-1", "source_id": source.pk, "delta": -2, "reason": "Broken"}
    )
    counted = api.post("/stock/count", {"sku": "MUG-1", "source_id": source.pk, "counted": 5})
    levels = api.get("/stock/levels").json()
    movements = api.get("/stock/movements", sku="MUG-1").json()

    assert adjusted.status_code == 201
    assert adjusted.json()["on_hand_after"] == 8
    assert counted.json()["on_hand_delta"] == -3
    assert levels == [
        {
            "sku": "MUG-1",
            "product_id": mug.pk,
            "source": "Main warehouse",
            "source_id": source.pk,
            "on_hand": 5,
            "reserved": 0,
            "available": 5,
        }
    ]
    assert [row["kind"] for row in movements] == ["count", "adjustment", "receipt"]


def test_an_adjustment_without_a_reason_or_unknown_sku_changes_nothing(
    api: ApiClient, account: Account
) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 10)
    before = StockMovement.objects.count()

    no_reason = api.post(
        "/stock/adjust", {"sku": "MUG-1", "source_id": source.pk, "delta": -2, "reason": " "}
    )
    unknown = api.post(
        "/stock/adjust", {"sku": "GHOST", "source_id": source.pk, "delta": 1, "reason": "x"}
    )

    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["loc"] == ["body", "body", "reason"]
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "body", "sku"]
    assert StockMovement.objects.count() == before
    assert level(mug, source) == (10, 0)


def test_a_transfer_moves_stock_between_sources(api: ApiClient, account: Account) -> None:
    # given 10 mugs at the main warehouse and none at the back room
    main = warehouse(account)
    back = warehouse(account, "Back room")
    mug = stocked(account, "MUG-1", main, 10)

    # when 4 are transferred
    response = api.post(
        "/stock/transfers",
        {"sku": "MUG-1", "from_source_id": main.pk, "to_source_id": back.pk, "quantity": 4},
    )

    # then both movements answer, under one reference, and the levels moved
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["out_of"]["source"], answer["out_of"]["on_hand_delta"]) == (
        "Main warehouse",
        -4,
    )
    assert (answer["into"]["source"], answer["into"]["on_hand_after"]) == ("Back room", 4)
    assert (level(mug, main), level(mug, back)) == ((6, 0), (4, 0))
    references = set(
        StockMovement.objects.filter(kind="transfer").values_list("reference", flat=True)
    )
    assert len(references) == 1


@pytest.mark.parametrize(
    ("sku", "origin", "target", "quantity", "field"),
    [
        ("MUG-1", "main", "main", 4, "to_source"),
        ("MUG-1", "unknown", "back", 4, "from_source"),
        ("MUG-1", "main", "unknown", 4, "to_source"),
        ("MUG-1", "main", "back", 11, "quantity"),
        ("MUG-1", "main", "back", 0, "quantity"),
        ("GHOST", "main", "back", 4, "sku"),
    ],
)
def test_a_bad_transfer_is_refused_naming_the_field_and_moves_nothing(
    api: ApiClient,
    account: Account,
    sku: str,
    origin: str,
    target: str,
    quantity: int,
    field: str,
) -> None:
    # given 10 mugs at the main warehouse and 1 at the back room
    main = warehouse(account)
    back = warehouse(account, "Back room")
    mug = stocked(account, "MUG-1", main, 10)
    receive(account, "MUG-1", back, 1, CLERK)
    before = StockMovement.objects.count()
    ids = {"main": main.pk, "back": back.pk, "unknown": 999_999}

    # when the transfer is asked for
    response = api.post(
        "/stock/transfers",
        {
            "sku": sku,
            "from_source_id": ids[origin],
            "to_source_id": ids[target],
            "quantity": quantity,
        },
    )

    # then it is refused naming the field, and no level or ledger row changed
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body", field]
    assert StockMovement.objects.count() == before
    assert (level(mug, main), level(mug, back)) == ((10, 0), (1, 0))


def test_listings_are_filtered_linked_and_explained(api: ApiClient, account: Account) -> None:
    source = warehouse(account)
    mug = stocked(account, "MUG-1", source, 9)
    channel = add_channel(
        account, "sandbox", "Shop", {"base_url": "http://127.0.0.1:9/api", "api_token": "t"}
    )
    set_channel_sources(channel, [source])
    row = listing(channel, None, "mug-blue")

    unlinked = api.get("/listings", linked="false").json()
    linked = api.post(f"/listings/{row.pk}/link", {"product_id": mug.pk})
    unlinked_again = api.post(f"/listings/{row.pk}/unlink")

    assert [item["sku"] for item in unlinked] == ["mug-blue"]
    assert linked.json()["computation"] == {
        "on_hand": 9,
        "reserved": 0,
        "available": 9,
        "rule": "all available",
        "steps": ["available 9"],
        "result": 9,
    }
    assert unlinked_again.json()["product_id"] is None
    assert Listing.objects.get(pk=row.pk).product_id is None


def test_inventory_sources_and_a_channels_order(api: ApiClient, account: Account) -> None:
    channel = add_channel(
        account, "sandbox", "Shop", {"base_url": "http://127.0.0.1:9/api", "api_token": "t"}
    )
    main = api.post("/inventory-sources", {"name": "Main"}).json()
    east = api.post("/inventory-sources", {"name": "East", "kind": "3pl"}).json()

    put = api.client.put(
        f"/api/v1/inventory-sources/channels/{channel.pk}",
        {"source_ids": [east["id"], main["id"]]},
        content_type="application/json",
        headers=api.headers,
    )
    bad_kind = api.post("/inventory-sources", {"name": "X", "kind": "cupboard"})

    assert put.status_code == 200
    assert [source["name"] for source in put.json()["sources"]] == ["East", "Main"]
    assert bad_kind.status_code == 422
    assert ChannelSource.objects.filter(channel=channel).count() == 2


def test_another_accounts_product_is_not_found(
    api: ApiClient, make_account: Callable[[str], Account]
) -> None:
    other = make_account("Other")
    theirs = stocked(other, "X", warehouse(other), 1)
    other_api = ApiClient(create_token(other, "o").secret)

    assert api.get(f"/products/{theirs.pk}").status_code == 404
    assert api.patch(f"/products/{theirs.pk}", {"name": "pwned"}).status_code == 404
    assert other_api.get(f"/products/{theirs.pk}").status_code == 200
    assert Product.objects.get(pk=theirs.pk).name == "Product X"


def test_a_file_over_the_size_limit_is_refused_naming_the_field(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(products_api, "MAX_UPLOAD_BYTES", 10)

    response = _upload(api, b"sku,name\nMUG-1,Mug\n")

    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["detail"][0]["loc"] == ["body", "body", "file"]  # type: ignore[attr-defined]
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/stock/levels", "source_id"),
        ("/stock/movements", "source_id"),
        ("/listings", "channel_id"),
        ("/listings", "offset"),
        ("/products", "offset"),
    ],
)
def test_an_id_or_offset_no_database_can_hold_is_a_422_naming_it(
    api: ApiClient, path: str, name: str
) -> None:
    # when a filter carries a number past 64 bits (found by schemathesis: a 500 before)
    response = api.get(path, **{name: 2**64})

    # then it is refused by name
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == name
