"""The order page shows every field of an order, and only to its own account."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from html import escape

from django.test import Client

from crossdock.core.dto import LineData
from crossdock.core.image_urls import proxied_image_url
from crossdock.core.weights import Weight, WeightUnit
from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import OrderLine
from crossdock.media_proxy import proxy_key
from tests.fixtures.orders import SHIP_TO, make_order, order_data


def test_the_order_page_shows_every_field(web: Client, account: Account) -> None:
    order = make_order(account, "F-1")

    response = web.get(f"/orders/{order.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    for shown in [
        "Order F-1",
        "Kungsgatan 2",  # ship-to street
        "Lgh 1102",
        "Göteborg",
        "411 19",
        "Drottninggatan 1",  # bill-to street
        "Stockholm",
        "+46 70 000 00 00",  # ship-to phone
        "Ångström &amp; Co &lt;AB&gt;",  # company, escaped
        "Klarna",  # payment method
        "PostNord MyPack Home",  # requested service
        "WINTER5",  # coupon code
        "Winter sale",
        "−5.00 EUR",
        "Grattis på födelsedagen!",  # gift message
        "Ring the bell twice",  # customer notes
        "Fragile — pack with care",  # internal notes
        "1.25 kg",  # order weight
        "350 g",  # line weight
        "6 oz",
        # the thumbnail, through the same-origin image proxy
        f'src="{escape(proxied_image_url("https://images.example.com/mug-1.jpg", proxy_key()))}"',
        "Colour: Sea green",  # option
        "A-01-02",  # bin location
        "012345678905",  # UPC
        "MP-99",  # marketplace order id
        "5.90 EUR",  # shipping paid
        "12.35 EUR",  # tax
        "58.25 EUR",  # total: 25 + 20 - 5 + 5.90 + 12.35
        "Order F-1 created",  # event trail
    ]:
        assert shown in html, shown


def test_values_read_in_words_dates_units_and_names(web: Client, account: Account) -> None:
    heavy = LineData(
        sku="ANVIL",
        name="Anvil",
        quantity=1,
        unit_price=Decimal("99.00"),
        weight=Weight(Decimal("1276.8"), WeightUnit.GRAM),
    )
    order = make_order(
        account,
        "F-2",
        payment_method="bank_transfer",
        lines=(heavy,),
        weight=None,
        ship_to=replace(SHIP_TO, country="IE"),
        placed_at=datetime(2026, 11, 29, 16, 59, tzinfo=UTC),
    )

    html = web.get(f"/orders/{order.pk}/").content.decode()

    assert "<dt>Payment method</dt><dd>Bank transfer</dd>" in html
    assert '<td class="num nowrap">1.28 kg</td>' in html
    assert "1276.8 g" not in html
    assert "Ireland<br>" in html
    assert ">29 Nov 2026, 16:59 UTC</time>" in html
    assert '<dt>Order weight entered</dt><dd class="nowrap">—</dd>' in html


def test_another_accounts_order_is_not_found(
    web: Client, make_account: Callable[[str], Account]
) -> None:
    theirs = make_order(make_account("Other"), "X-1")

    response = web.get(f"/orders/{theirs.pk}/")

    assert response.status_code == 404


def test_every_input_on_the_order_page_has_a_label(web: Client, account: Account) -> None:
    order = make_order(account, "F-1")

    html = web.get(f"/orders/{order.pk}/").content.decode()

    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    assert ids
    for element_id in ids:
        assert f'for="{element_id}"' in html, element_id


def test_thumbnails_never_load_straight_from_the_merchants_host(
    web: Client, account: Account
) -> None:
    make_order(account, "F-1")

    listed = web.get("/orders/").content.decode()
    page = web.get(f"/orders/{make_order(account, 'F-2').pk}/").content.decode()

    proxied = escape(proxied_image_url("https://images.example.com/mug-1.jpg", proxy_key()))
    for html in (listed, page):
        assert f'src="{proxied}"' in html
        assert 'src="https://images.example.com' not in html


def test_an_image_url_that_is_not_http_is_not_stored(account: Account) -> None:
    # given a channel sending a script where a picture's address belongs
    mug, tee = order_data("F-3").lines
    lines = (replace(mug, image_url="javascript:alert(document.cookie)"), tee)

    # when the order is created
    order = make_order(account, "F-3", lines=lines)

    # then the line is stored without a picture
    assert list(OrderLine.objects.filter(order=order).values_list("sku", "image_url")) == [
        ("MUG-1", ""),
        ("TEE-M", ""),
    ]
