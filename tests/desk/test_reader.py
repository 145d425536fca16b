"""The lenient ``<Orders>`` reader: quirks accepted, one bad order skipped with its reason."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crossdock.core.weights import Weight, WeightUnit
from crossdock.customstore.reader import (
    MAX_PAGES,
    OrdersDocumentError,
    SkippedOrder,
    parse_orders,
    read_pages,
)
from crossdock.customstore.safexml import MalformedXmlError, UnsafeXmlError

GOOD = """
<Order>
  <OrderNumber><![CDATA[A-1]]></OrderNumber>
  <OrderDate>1/2/2026 3:04 PM</OrderDate>
  <OrderStatus><![CDATA[paid]]></OrderStatus>
  <LastModified>01/02/2026 15:30:59</LastModified>
  <Gift>TRUE</Gift>
  <GiftMessage><![CDATA[Happy <birthday> ]]]]><![CDATA[> & more]]></GiftMessage>
  <Unknown><Deep>ignored</Deep></Unknown>
  <Customer>
    <CustomerCode>ada@example.com</CustomerCode>
    <ShipTo><Name>Ada</Name><Address1>1 Road</Address1><City>London</City>
      <PostalCode>N1</PostalCode><Country>gb</Country></ShipTo>
  </Customer>
  <Items>
    <Item><SKU>TEE</SKU><Name>Tee</Name><Quantity>2</Quantity><UnitPrice>10.5</UnitPrice>
      <Weight>6</Weight><WeightUnits>lbs</WeightUnits>
      <Options><Option><Name>Size</Name><Value>M</Value><Weight>0.5</Weight></Option></Options>
    </Item>
    <Item><SKU></SKU><Name>Coupon</Name><Adjustment>true</Adjustment><Quantity>1</Quantity>
      <UnitPrice>-5.00</UnitPrice></Item>
  </Items>
</Order>
"""


def _page(orders: str, attributes: str = "") -> bytes:
    return f"<Orders{attributes}>{orders}</Orders>".encode()


def test_a_quirky_order_is_read_with_every_field() -> None:
    # given an order without OrderID, with 12-hour dates, CDATA and an unknown element
    page = parse_orders(_page(GOOD))

    # then it reads completely and the missing pages attribute means one page
    assert page.pages == 1
    assert page.pages_problem == ""
    assert page.skipped == ()
    (order,) = page.orders
    assert order.key == "A-1"
    assert order.order_id == ""
    assert order.order_date == datetime(2026, 1, 2, 15, 4, tzinfo=UTC)
    assert order.last_modified == datetime(2026, 1, 2, 15, 30, 59, tzinfo=UTC)
    assert order.gift is True
    assert order.gift_message == "Happy <birthday> ]]> & more"
    assert order.ship_to.country == "GB"
    assert order.order_total == Decimal("16.00")  # missing: Σ qty × price + shipping + tax
    tee, coupon = order.items
    assert tee.weight == Weight(Decimal("6"), WeightUnit.POUND)
    assert tee.unit_price == Decimal("10.50")
    assert tee.options[0].name == "Size"
    assert tee.options[0].weight == Decimal("0.5")
    assert coupon.adjustment is True
    assert coupon.unit_price == Decimal("-5.00")


@pytest.mark.parametrize(
    ("replace", "by", "reason"),
    [
        ("<Quantity>2</Quantity>", "<Quantity>two</Quantity>", 'item 1: Quantity "two" is not'),
        ("<UnitPrice>10.5</UnitPrice>", "<UnitPrice>1,0</UnitPrice>", 'item 1: UnitPrice "1,0"'),
        ("<Gift>TRUE</Gift>", "<Gift>maybe</Gift>", 'Gift "maybe" is not true or false'),
        ("<OrderDate>1/2/2026 3:04 PM</OrderDate>", "<OrderDate>soon</OrderDate>", "OrderDate"),
        ("<WeightUnits>lbs</WeightUnits>", "<WeightUnits>kg</WeightUnits>", 'WeightUnits "kg"'),
        ("<OrderStatus><![CDATA[paid]]></OrderStatus>", "", "OrderStatus is missing"),
        (
            "<UnitPrice>10.5</UnitPrice>",
            "<UnitPrice>1e30</UnitPrice>",
            "item 1: UnitPrice 1E+30 is beyond 9999999999.99",
        ),
        (
            "<Quantity>2</Quantity>",
            "<Quantity>1000001</Quantity>",
            "item 1: Quantity 1000001 is beyond 1000000",
        ),
        ("<Weight>6</Weight>", "<Weight>1e7</Weight>", "item 1: Weight 1E+7 is beyond 1000000"),
        (
            "<Country>gb</Country>",
            "<Country>Ireland</Country>",
            "ShipTo/Country 'Ireland' is a country name: use its ISO 3166-1 code, IE",
        ),
        (
            "<Customer>",
            "<Customer><BillTo><Country>XX</Country></BillTo>",
            "BillTo/Country 'XX' is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            "<UnitPrice>10.5</UnitPrice>",
            "<UnitPrice>9999999999.99</UnitPrice>",
            "the items' total 19999999994.98 is beyond 9999999999.99",
        ),
    ],
)
def test_one_bad_order_is_skipped_with_its_reason(replace: str, by: str, reason: str) -> None:
    # given a page with a bad order between two good ones
    bad = GOOD.replace(replace, by).replace("A-1", "BAD-1")
    second = GOOD.replace("A-1", "A-2")

    page = parse_orders(_page(GOOD + bad + second, ' pages="1"'))

    # then the good ones are read and the bad one is reported
    assert [order.order_number for order in page.orders] == ["A-1", "A-2"]
    assert len(page.skipped) == 1
    assert page.skipped[0].order_number == "BAD-1"
    assert reason in page.skipped[0].reason


def test_an_order_without_ship_to_is_skipped() -> None:
    body = _page(GOOD.replace("<ShipTo>", "<NotShipTo>").replace("</ShipTo>", "</NotShipTo>"))

    assert parse_orders(body).skipped == (SkippedOrder("A-1", "Customer/ShipTo is missing"),)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (1, "")),
        ("3", (3, "")),
        (" 7 ", (7, "")),
        ("abc", (1, 'the pages attribute "abc" is not a whole number')),
        ("0", (1, "the pages attribute is 0; it must be at least 1")),
        ("99999", (MAX_PAGES, "the pages attribute is 99999; it must be at most 32767")),
    ],
)
def test_pages_is_read_leniently(value: str | None, expected: tuple[int, str]) -> None:
    assert read_pages(value) == expected


def test_documents_that_are_not_orders_are_refused() -> None:
    with pytest.raises(OrdersDocumentError, match="<html>"):
        parse_orders(b"<html><body>Login</body></html>")
    with pytest.raises(MalformedXmlError):
        parse_orders(b"<!-- nothing -->oops")
    with pytest.raises(UnsafeXmlError):
        parse_orders(b'<!DOCTYPE x [<!ENTITY a "b">]><Orders>&a;</Orders>')


def test_order_id_is_the_key_when_present() -> None:
    body = _page(GOOD.replace("<OrderNumber>", "<OrderID>991</OrderID><OrderNumber>"))

    assert parse_orders(body).orders[0].key == "991"


@pytest.mark.parametrize(
    ("image_url", "kept"),
    [
        ("https://img.example/tee.jpg", "https://img.example/tee.jpg"),
        ("javascript:alert(document.cookie)", ""),
        ("data:image/svg+xml,<svg onload=alert(1)>", ""),
        ("//tracker.example/pixel.gif", ""),
    ],
)
def test_only_http_image_urls_are_kept(image_url: str, kept: str) -> None:
    # given an item whose ImageUrl is whatever the store sent
    page = parse_orders(
        _page(
            GOOD.replace(
                "<SKU>TEE</SKU>", f"<SKU>TEE</SKU><ImageUrl><![CDATA[{image_url}]]></ImageUrl>"
            )
        )
    )

    # then the order is read, with the picture only when it is an http(s) one
    (order,) = page.orders
    assert order.items[0].image_url == kept
