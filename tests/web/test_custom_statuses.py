"""Custom statuses: create, rename, remap; bad input refused next to the field."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import CustomStatus, Order
from crossdock.hub.orders.services import create_custom_status
from tests.fixtures.orders import make_order


def rows(account: Account) -> list[tuple[str, str]]:
    return list(
        CustomStatus.objects.filter(account=account).order_by("name").values_list("name", "status")
    )


def test_creating_a_custom_status(web: Client, account: Account) -> None:
    response = web.post("/custom-statuses/", {"name": "  Ready to pack ", "status": "paid"})

    assert response.status_code == 302
    assert rows(account) == [("Ready to pack", "paid")]
    page = web.get("/custom-statuses/").content.decode()
    assert "Ready to pack" in page


def test_a_duplicate_name_is_refused_next_to_the_field(web: Client, account: Account) -> None:
    create_custom_status(account, "Ready to pack", "paid")

    response = web.post("/custom-statuses/", {"name": "Ready to pack", "status": "on_hold"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["A custom status with this name exists already."]
    }
    assert rows(account) == [("Ready to pack", "paid")]


def test_bad_names_and_statuses_are_refused(web: Client, account: Account) -> None:
    response = web.post("/custom-statuses/", {"name": "Packed, waiting", "status": "lost"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["A comma would split the name in the shipping software's status fields."],
        "status": ["Select a valid choice. lost is not one of the available choices."],
    }
    assert rows(account) == []


def test_renaming_keeps_the_orders_that_carry_it(web: Client, account: Account) -> None:
    custom = create_custom_status(account, "Ready to pack", "paid")
    order = make_order(account, "A-1", custom_status="Ready to pack")

    response = web.post(
        f"/custom-statuses/{custom.pk}",
        {f"cs{custom.pk}-name": "Packing now", f"cs{custom.pk}-status": "paid"},
    )

    assert response.status_code == 302
    assert rows(account) == [("Packing now", "paid")]
    assert Order.objects.get(pk=order.pk).custom_status_id == custom.pk


def test_remapping_takes_it_off_orders_of_the_old_status(web: Client, account: Account) -> None:
    custom = create_custom_status(account, "Ready to pack", "paid")
    order = make_order(account, "A-1", custom_status="Ready to pack")

    web.post(
        f"/custom-statuses/{custom.pk}",
        {f"cs{custom.pk}-name": "Ready to pack", f"cs{custom.pk}-status": "on_hold"},
    )

    assert rows(account) == [("Ready to pack", "on_hold")]
    assert Order.objects.get(pk=order.pk).custom_status_id is None


def test_renaming_onto_an_existing_name_is_refused_and_nothing_changes(
    web: Client, account: Account
) -> None:
    create_custom_status(account, "Ready to pack", "paid")
    other = create_custom_status(account, "Gift wrap", "paid")

    response = web.post(
        f"/custom-statuses/{other.pk}",
        {f"cs{other.pk}-name": "Ready to pack", f"cs{other.pk}-status": "on_hold"},
    )

    assert response.status_code == 400
    edited = next(row for row in response.context["rows"] if row["custom"].pk == other.pk)
    assert edited["editing"] is True
    assert edited["form"].errors == {"name": ["A custom status with this name exists already."]}
    assert rows(account) == [("Gift wrap", "paid"), ("Ready to pack", "paid")]


def test_another_accounts_custom_status_is_not_found(
    web: Client, make_account: Callable[[str], Account]
) -> None:
    other = make_account("Other")
    theirs = create_custom_status(other, "Theirs", "paid")

    response = web.post(
        f"/custom-statuses/{theirs.pk}",
        {f"cs{theirs.pk}-name": "Mine now", f"cs{theirs.pk}-status": "paid"},
    )

    assert response.status_code == 404
    assert rows(other) == [("Theirs", "paid")]
