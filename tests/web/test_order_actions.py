"""Actions on the order page: each calls a service, bad input is refused next to the field
and nothing is half-saved."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from crossdock.core.actors import SYSTEM
from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import EventKind, Order, OrderEvent
from crossdock.hub.orders.services import create_custom_status, record_event
from tests.fixtures.orders import SHIP_TO, make_order

GOOD_ADDRESS = {
    "name": "Grace Hopper",
    "company": "",
    "phone": "+1 212-555-0142",
    "email": "grace@example.com",
    "address1": "350 Fifth Avenue",
    "address2": "Suite 5100",
    "city": "New York",
    "state": "NY",
    "postal_code": "10118",
    "country": "us",
}


def snapshot(order: Order) -> dict[str, object]:
    fresh = Order.objects.get(pk=order.pk)
    return {
        field.attname: getattr(fresh, field.attname)
        for field in Order._meta.concrete_fields
        if field.attname != "updated_at"
    }


def event_kinds(order: Order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True))


def test_hold_then_release_returns_the_order_to_its_status(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")

    held = web.post(f"/orders/{order.pk}/hold", follow=True)
    assert Order.objects.get(pk=order.pk).status == "on_hold"
    assert "Order put on hold." in held.content.decode()

    web.post(f"/orders/{order.pk}/release")

    assert Order.objects.get(pk=order.pk).status == "paid"
    assert event_kinds(order) == ["created", "held", "released"]
    assert OrderEvent.objects.filter(order=order, kind="held").get().actor == (
        "user:acme@example.com"
    )


def test_cancel_records_the_reason(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")

    response = web.post(
        f"/orders/{order.pk}/cancel", {"reason": "Buyer asked", "return_stock": "yes"}
    )

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert OrderEvent.objects.filter(order=order, kind="cancelled").get().message == "Buyer asked"


def test_a_shipped_order_cannot_be_cancelled_and_stays_as_it_was(
    web: Client, account: Account
) -> None:
    order = make_order(account, "A-1", status=OrderStatus.SHIPPED)
    before = snapshot(order)

    response = web.post(
        f"/orders/{order.pk}/cancel", {"reason": "too late", "return_stock": "yes"}, follow=True
    )

    assert "a shipped order cannot be cancelled" in response.content.decode()
    assert snapshot(order) == before
    assert event_kinds(order) == ["created"]


def test_setting_a_custom_status_of_the_orders_status(web: Client, account: Account) -> None:
    create_custom_status(account, "Ready to pack", "paid")
    order = make_order(account, "A-1")

    web.post(f"/orders/{order.pk}/custom-status", {"custom_status": "Ready to pack"})

    fresh = Order.objects.select_related("custom_status").get(pk=order.pk)
    assert fresh.custom_status is not None
    assert fresh.custom_status.name == "Ready to pack"


def test_a_custom_status_of_another_status_is_refused_next_to_the_field(
    web: Client, account: Account
) -> None:
    create_custom_status(account, "Awaiting engraving", "on_hold")
    order = make_order(account, "A-1")
    before = snapshot(order)

    response = web.post(
        f"/orders/{order.pk}/custom-status", {"custom_status": "Awaiting engraving"}
    )

    assert response.status_code == 400
    assert response.context["custom_status_form"].errors == {
        "custom_status": [
            "Select a valid choice. Awaiting engraving is not one of the available choices."
        ]
    }
    assert snapshot(order) == before


def test_notes_are_saved_and_recorded(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")

    web.post(
        f"/orders/{order.pk}/notes",
        {"internal_notes": "Use the big box", "customer_notes": "", "gift_message": "Hi!"},
    )

    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.internal_notes, fresh.customer_notes, fresh.gift_message) == (
        "Use the big box",
        "",
        "Hi!",
    )
    assert event_kinds(order) == ["created", "notes_changed", "notes_changed", "notes_changed"]


def test_the_history_says_what_changed_in_words(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")
    web.post(
        f"/orders/{order.pk}/notes",
        {"internal_notes": "Use the big box", "customer_notes": "", "gift_message": "Hi!"},
    )
    web.post(f"/orders/{order.pk}/address", GOOD_ADDRESS)
    web.post(f"/orders/{order.pk}/hold")
    web.post(f"/orders/{order.pk}/release")

    html = web.get(f"/orders/{order.pk}/").content.decode()

    start = html.index('id="history-title"')
    history = html[start : html.index("</ol>", start)]
    for said in (
        "<strong>Order A-1 created</strong>",
        "<strong>Internal notes changed</strong>",
        "<strong>Customer notes changed</strong>",
        "<strong>Gift message changed</strong>",
        "<strong>Ship-to address changed</strong>",
        "<strong>Order put on hold</strong>",
        "<strong>Hold released: back to Paid</strong>",
    ):
        assert said in history, said
    for code in ("internal_notes", "ship_to changed", "on_hold", "back to paid"):
        assert code not in history, code


def test_an_event_without_a_message_shows_its_kind_in_words(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")
    record_event(order, SYSTEM, EventKind.CHANNEL_CANCEL_IGNORED)

    html = web.get(f"/orders/{order.pk}/").content.decode()

    assert "<strong>Channel cancellation ignored</strong>" in html


def test_notes_too_long_are_refused_and_none_of_them_saved(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")
    before = snapshot(order)

    response = web.post(
        f"/orders/{order.pk}/notes",
        {"internal_notes": "fine", "customer_notes": "x" * 1001, "gift_message": ""},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value has at most 1000 characters (it has 1001)." in html
    assert 'id="id_customer_notes_error"' in html
    assert snapshot(order) == before


def test_the_ship_to_address_is_saved_with_the_country_upper_cased(
    web: Client, account: Account
) -> None:
    order = make_order(account, "A-1")

    response = web.post(f"/orders/{order.pk}/address", GOOD_ADDRESS)

    fresh = Order.objects.get(pk=order.pk)
    assert response.status_code == 302
    assert (fresh.ship_to_name, fresh.ship_to_city, fresh.ship_to_country) == (
        "Grace Hopper",
        "New York",
        "US",
    )
    assert fresh.bill_to_city == "Stockholm"
    assert fresh.modified_at > order.modified_at


def test_a_bad_address_is_refused_field_by_field_and_nothing_is_saved(
    web: Client, account: Account
) -> None:
    order = make_order(account, "A-1")
    before = snapshot(order)

    response = web.post(
        f"/orders/{order.pk}/address",
        {**GOOD_ADDRESS, "country": "XX", "state": "", "address1": "", "email": "not-mail"},
    )

    assert response.status_code == 400
    assert response.context["address_form"].errors == {
        "address1": ["This field is required."],
        "email": ["Enter a valid email address."],
        "country": [
            "'XX' is not an ISO 3166-1 alpha-2 country code (such as US, GB or IE); "
            "choose the country from the list."
        ],
    }
    assert response.context["open_panel"] == "address"
    assert snapshot(order) == before
    assert Order.objects.get(pk=order.pk).ship_to_name == SHIP_TO.name


def test_the_country_is_a_menu_of_names_with_iso_codes_behind(
    web: Client, account: Account
) -> None:
    order = make_order(account, "A-1")

    html = web.get(f"/orders/{order.pk}/").content.decode()

    assert '<select name="country"' in html
    assert '<option value="IE">Ireland</option>' in html
    assert '<option value="IR">Iran</option>' in html
    assert html.count("<option value=") >= 249


def test_a_country_typed_by_name_is_refused_with_its_code_and_nothing_is_saved(
    web: Client, account: Account
) -> None:
    order = make_order(account, "A-1")
    before = snapshot(order)

    response = web.post(f"/orders/{order.pk}/address", {**GOOD_ADDRESS, "country": "Ireland"})

    assert response.status_code == 400
    assert response.context["address_form"].errors == {
        "country": [
            "'Ireland' is a country name: use its ISO 3166-1 code, IE; "
            "choose the country from the list."
        ]
    }
    assert snapshot(order) == before


def test_ireland_chosen_from_the_menu_is_saved_as_ie(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")

    response = web.post(
        f"/orders/{order.pk}/address", {**GOOD_ADDRESS, "country": "IE", "state": ""}
    )

    assert response.status_code == 302
    assert Order.objects.get(pk=order.pk).ship_to_country == "IE"


def test_a_us_address_needs_its_state(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")

    response = web.post(f"/orders/{order.pk}/address", {**GOOD_ADDRESS, "state": ""})

    assert response.status_code == 400
    assert response.context["address_form"].errors == {
        "state": ["A US or Canadian address needs its state or province."]
    }


def test_actions_on_another_accounts_order_are_not_found_and_change_nothing(
    web: Client, make_account: Callable[[str], Account]
) -> None:
    theirs = make_order(make_account("Other"), "X-1")
    before = snapshot(theirs)

    for action, data in [
        ("hold", {}),
        ("release", {}),
        ("cancel", {"reason": "x", "return_stock": "yes"}),
        ("cancel", {"reason": "x" * 201}),
        ("notes", {"internal_notes": "pwned"}),
        ("notes", {"internal_notes": "x" * 1001}),
        ("address", GOOD_ADDRESS),
        ("custom-status", {"custom_status": ""}),
    ]:
        assert web.post(f"/orders/{theirs.pk}/{action}", data).status_code == 404, action

    assert snapshot(theirs) == before


def test_actions_refuse_get(web: Client, account: Account) -> None:
    order = make_order(account, "A-1")

    assert web.get(f"/orders/{order.pk}/hold").status_code == 405
    assert Order.objects.get(pk=order.pk).status == "paid"
