"""Recording a shipment by hand on the order page."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.orders.models import Order, OrderLine
from tests.fixtures.orders import make_order


def shipment_post(order: Order, **changes: str) -> dict[str, str]:
    lines = list(OrderLine.objects.filter(order=order).order_by("position"))
    data = {
        "carrier": "USPS",
        "service": "Priority Mail",
        "tracking_number": "9400111899223",
        "ship_date": "2026-11-21",
        "shipping_cost": "7.45",
        "notes_to_buyer": "Enjoy!",
        "notify_customer": "on",
        **{f"line_{line.pk}": str(line.quantity) for line in lines},
    }
    data.update(changes)
    return data


def test_the_whole_order_shipped_by_hand(web: Client, account: Account) -> None:
    order = make_order(account, "S-1")

    response = web.post(f"/orders/{order.pk}/shipments", shipment_post(order), follow=True)

    fresh = Order.objects.get(pk=order.pk)
    fulfillment = Fulfillment.objects.get(order=order)
    assert fresh.status == "shipped"
    assert (fulfillment.source, fulfillment.carrier, fulfillment.carrier_code) == (
        "manual",
        "USPS",
        "usps",
    )
    assert (fulfillment.tracking_number, fulfillment.shipping_cost) == (
        "9400111899223",
        Decimal("7.45"),
    )
    assert sorted(fulfillment.lines.values_list("quantity", flat=True)) == [1, 2]
    html = response.content.decode()
    assert "Shipment recorded." in html
    assert "9400111899223" in html
    assert "Record a shipment by hand" not in html  # nothing left to ship


def test_the_order_page_names_the_carrier_and_links_the_tracking_number(
    web: Client, account: Account
) -> None:
    order = make_order(account, "S-1")

    response = web.post(
        f"/orders/{order.pk}/shipments",
        shipment_post(order, carrier="RoyalMail", tracking_number="AB123456789GB"),
        follow=True,
    )

    html = response.content.decode()
    assert "<h3>Royal Mail · Priority Mail</h3>" in html
    assert (
        '<a href="https://www.royalmail.com/track-your-item#/tracking-results/AB123456789GB" '
        'rel="noopener noreferrer">AB123456789GB</a>'
    ) in html
    assert "3 units shipped (Royal Mail AB123456789GB)" in html
    assert "RoyalMail" not in html.replace('value="RoyalMail"', "")


def test_a_tracking_number_without_a_carrier_page_is_plain_text(
    web: Client, account: Account
) -> None:
    order = make_order(account, "S-1")

    html = web.post(
        f"/orders/{order.pk}/shipments",
        shipment_post(order, carrier="Pigeon Post", tracking_number="PP-77"),
        follow=True,
    ).content.decode()

    assert '<dd class="mono">PP-77</dd>' in html
    assert "PP-77</a>" not in html


def test_chosen_lines_ship_partially_and_queue_a_write_back_to_the_channel(
    web: Client, account: Account
) -> None:
    shop = Channel.objects.create(account=account, kind="sandbox", name="Shop")
    order = make_order(account, "S-1", channel=shop)
    mug, tee = OrderLine.objects.filter(order=order).order_by("position")

    web.post(
        f"/orders/{order.pk}/shipments",
        shipment_post(order, **{f"line_{mug.pk}": "1", f"line_{tee.pk}": "0"}),
    )

    assert Order.objects.get(pk=order.pk).status == "partially_shipped"
    assert list(
        OrderLine.objects.filter(order=order).values_list("quantity_shipped", flat=True)
    ) == [
        1,
        0,
    ]
    write_back = WriteBack.objects.get()
    assert (write_back.channel, write_back.state) == (shop, "pending")
    page = web.get(f"/orders/{order.pk}/").content.decode()
    assert '<span class="badge badge-pending">Pending</span>' in page


def test_sending_the_same_shipment_twice_records_it_once(web: Client, account: Account) -> None:
    order = make_order(account, "S-1")
    mug = OrderLine.objects.filter(order=order).order_by("position").first()
    assert mug is not None
    post = shipment_post(order, **{f"line_{mug.pk}": "1"})

    web.post(f"/orders/{order.pk}/shipments", post)
    again = web.post(f"/orders/{order.pk}/shipments", post, follow=True)

    assert Fulfillment.objects.filter(order=order).count() == 1
    assert "This shipment was recorded already; nothing changed." in again.content.decode()


def test_bad_shipments_are_refused_next_to_the_fields_and_nothing_is_recorded(
    web: Client, account: Account
) -> None:
    order = make_order(account, "S-1")
    mug, tee = OrderLine.objects.filter(order=order).order_by("position")

    response = web.post(
        f"/orders/{order.pk}/shipments",
        shipment_post(
            order,
            carrier="",
            shipping_cost="-1",
            ship_date="2999-01-01",
            **{f"line_{mug.pk}": "3", f"line_{tee.pk}": "x"},
        ),
    )

    assert response.status_code == 400
    assert response.context["shipment_form"].errors == {
        "carrier": ["This field is required."],
        "shipping_cost": ["Ensure this value is greater than or equal to 0."],
        "ship_date": ["A shipment cannot leave in the future."],
        f"line_{mug.pk}": ["Ensure this value is less than or equal to 2."],
        f"line_{tee.pk}": ["Enter a whole number."],
    }
    assert response.context["open_panel"] == "shipment"
    assert Fulfillment.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert list(
        OrderLine.objects.filter(order=order).values_list("quantity_shipped", flat=True)
    ) == [
        0,
        0,
    ]


def test_a_shipment_of_nothing_is_refused(web: Client, account: Account) -> None:
    order = make_order(account, "S-1")
    mug, tee = OrderLine.objects.filter(order=order).order_by("position")

    response = web.post(
        f"/orders/{order.pk}/shipments",
        shipment_post(order, **{f"line_{mug.pk}": "0", f"line_{tee.pk}": "0"}),
    )

    assert response.status_code == 400
    assert response.context["shipment_form"].non_field_errors() == [
        "Choose at least one unit to ship."
    ]
    assert Fulfillment.objects.count() == 0
