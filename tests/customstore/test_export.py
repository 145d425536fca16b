"""The <Orders> page: golden output, XSD validity with hostile text, round trips, weights."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from crossdock.core.dto import Address, LineOption
from crossdock.core.weights import Weight, WeightUnit
from crossdock.customstore.dates import format_wire_datetime
from crossdock.customstore.export import (
    ExportItem,
    ExportOrder,
    SentWeight,
    WeightBasis,
    WeightUnits,
    _code,
    _free,
    _optional_code,
    _optional_free,
    item_weights,
    order_total,
    render_orders,
    sent_weight,
    unexportable_reason,
)
from crossdock.customstore.schema import SHIPSTATION_ORDERS_XSD
from crossdock.customstore.text import cdata, clean_text, escape_text

GOLDEN = Path(__file__).parent / "golden"
XSD = SHIPSTATION_ORDERS_XSD

HOSTILE = "Tom &amp; Jerry's <b>bold</b> ]]> \x00\x07\x1b café 🎉 &#128512; \r\nend"

SHIP_TO = Address(
    name="Zoë <Ångström> ]]>",
    company="Ångström & Co",
    phone="+46 70 000 00 00",
    email="zoe@example.com",
    address1="Kungsgatan 2 &amp; 4",
    address2="Lgh 1102\x0c",
    city="Göteborg",
    state="O",
    postal_code="411 19",
    country="SE",
)


def full_order(**changes: object) -> ExportOrder:
    """An order that uses every element, with hostile text in every free-text field."""
    order = ExportOrder(
        order_id="4711",
        order_number="A-1001 & <1>",
        order_date=datetime(2026, 11, 20, 9, 15, 42, tzinfo=UTC),
        last_modified=datetime(2026, 11, 27, 14, 5, 59, tzinfo=UTC),
        status="Awaiting <pick> & pack",
        customer_code="zoe@example.com",
        bill_to=replace(SHIP_TO, name="", email="billing@example.com", country="se"),
        ship_to=SHIP_TO,
        items=(
            ExportItem(
                line_item_id="17",
                sku="MUG-1 <red>",
                name=HOSTILE,
                quantity=2,
                unit_price=Decimal("12.50"),
                image_url="https://img.example.com/mugs/röd mug.png?size=2&x=1",
                weight=Weight(Decimal("0.35"), WeightUnit.KILOGRAM),
                location="A-01 ]]> bin",
                options=tuple(LineOption(f"Option {n} &amp;", f"Value {n} <v>") for n in range(12)),
                upc="012345678905",
            ),
            ExportItem(
                line_item_id="18",
                sku="TEE",
                name="T-shirt “Fika”",
                quantity=1,
                unit_price=Decimal("20"),
                weight=Weight(Decimal("6.5"), WeightUnit.OUNCE),
            ),
            ExportItem(
                line_item_id="",
                sku="",
                name="Coupon WINTER5: Winter ]]> sale",
                quantity=1,
                unit_price=Decimal("-5.00"),
                adjustment=True,
            ),
        ),
        shipping_method="PostNord MyPack Home <express>",
        payment_method="Klarna & card",
        currency_code="eur",
        tax_amount=Decimal("12.35"),
        shipping_amount=Decimal("5.9"),
        customer_notes="Ring twice <b>please</b> ]]> " + "x" * 1200,
        internal_notes="Fragile — pack with care\x01",
        gift=True,
        gift_message="Grattis på födelsedagen! 🎂 &hearts;",
        custom_fields=("WINTER5", "Sandbox <shop>", "114-3941689-8772232"),
        requested_warehouse="Main & back",
        source="eBay <DE>",
        weight=None,
    )
    return replace(order, **changes)  # type: ignore[arg-type] # the test passes typed values


def render(*orders: ExportOrder, pages: int = 1, units: WeightUnits | None = None) -> bytes:
    return b"".join(render_orders(orders, pages, units=units))


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def without_documented_extras(document: bytes) -> etree._Element:
    root = etree.fromstring(document)
    for element in [*root.iter("CurrencyCode"), *root.iter("UPC")]:
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)
    return root


def test_a_full_order_renders_the_golden_page() -> None:
    assert render(full_order(), pages=3) == (GOLDEN / "orders_full.xml").read_bytes()


def test_a_full_hostile_order_is_valid_against_the_published_schema() -> None:
    document = render(full_order(), full_order(order_id="4712", gift=False), pages=2)

    root = without_documented_extras(document)

    validator = schema()
    assert validator.validate(root), validator.error_log
    assert document.decode("utf-8")


def test_every_element_carries_what_it_should() -> None:
    order = etree.fromstring(render(full_order())).find("Order")
    assert order is not None

    def text(path: str) -> str | None:
        return order.findtext(path)

    assert text("OrderNumber") == "A-1001 & <1>"
    assert text("OrderDate") == "11/20/2026 09:15"
    assert text("LastModified") == "11/27/2026 14:05"
    assert text("OrderStatus") == "Awaiting <pick> & pack"
    assert text("CurrencyCode") == "EUR"
    assert text("OrderTotal") == "58.25"
    assert text("TaxAmount") == "12.35"
    assert text("ShippingAmount") == "5.90"
    assert text("Gift") == "true"
    assert text("GiftMessage") == "Grattis på födelsedagen! 🎂 ♥"
    assert len(text("CustomerNotes") or "") == 1000
    assert text("InternalNotes") == "Fragile — pack with care"
    assert [text(f"CustomField{n}") for n in (1, 2, 3)] == [
        "WINTER5",
        "Sandbox <shop>",
        "114-3941689-8772232",
    ]
    assert text("Source") == "eBay <DE>"
    assert text("RequestedWarehouse") == "Main & back"
    assert text("ShippingMethod") == "PostNord MyPack Home <express>"
    assert text("PaymentMethod") == "Klarna & card"
    assert text("Customer/BillTo/Name") == "Zoë <Ångström> ]]>"
    assert text("Customer/BillTo/Country") == "SE"
    assert text("Customer/ShipTo/Address1") == "Kungsgatan 2 & 4"
    assert text("Customer/ShipTo/Address2") == "Lgh 1102"
    assert text("Customer/ShipTo/Phone") == "+46 70 000 00 00"
    items = order.findall("Items/Item")
    assert items[0].findtext("Name") == "Tom & Jerry's <b>bold</b> ]]>  café 🎉 😀 \nend"
    assert items[0].findtext("ImageUrl") == (
        "https://img.example.com/mugs/r%C3%B6d%20mug.png?size=2&x=1"
    )
    assert (items[0].findtext("Weight"), items[0].findtext("WeightUnits")) == ("350.00", "Grams")
    assert (items[1].findtext("Weight"), items[1].findtext("WeightUnits")) == ("6.50", "Ounces")
    assert len(items[0].findall("Options/Option")) == 10
    assert items[0].findtext("Options/Option/Name") == "Option 0 &"
    assert items[0].findtext("Location") == "A-01 ]]> bin"
    assert items[0].findtext("UPC") == "012345678905"
    assert items[2].findtext("Adjustment") == "true"
    assert items[2].findtext("UnitPrice") == "-5.00"
    assert items[2].findtext("Weight") is None


def test_an_empty_window_is_a_valid_empty_document() -> None:
    document = render()

    root = etree.fromstring(document)

    assert document.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert (root.tag, root.get("pages"), len(root)) == ("Orders", "1", 0)
    assert schema().validate(root)


def test_pages_stay_within_an_xs_short() -> None:
    assert etree.fromstring(render(pages=10**6)).get("pages") == "32767"


def test_the_total_is_lines_plus_adjustments_plus_shipping_and_tax() -> None:
    assert order_total(full_order()) == Decimal("25.00") + Decimal("20.00") - Decimal(
        "5.00"
    ) + Decimal("5.90") + Decimal("12.35")


def test_a_forced_unit_converts_every_item_weight() -> None:
    weights = item_weights(full_order(), WeightUnits.POUNDS)

    assert weights == [("0.77", WeightUnits.POUNDS), ("0.41", WeightUnits.POUNDS), None]


def test_an_order_weight_is_spread_over_units_when_no_line_has_one() -> None:
    order = full_order(
        items=tuple(replace(item, weight=None) for item in full_order().items),
        weight=Weight(Decimal("1.5"), WeightUnit.KILOGRAM),
    )

    weights = item_weights(order)

    assert weights == [("500.00", WeightUnits.GRAMS), ("500.00", WeightUnits.GRAMS), None]
    total = sum(
        Decimal(w[0]) * item.quantity
        for w, item in zip(weights, order.items, strict=True)
        if w is not None
    )
    assert total == Decimal("1500.00")


def test_an_entered_order_weight_wins_over_the_lines_weights() -> None:
    # given lines weighing 2 × 90 g and an order weight of 0.75 kg entered (the packed box)
    order = full_order(
        items=(
            replace(full_order().items[0], weight=Weight(Decimal("90"), WeightUnit.GRAM)),
            full_order().items[2],
        ),
        weight=Weight(Decimal("0.75"), WeightUnit.KILOGRAM),
    )

    # when the weights are written
    weights = item_weights(order)

    # then ShipStation's sum (weight × quantity) is the 750 g entered, not the lines' 180 g
    assert weights == [("375.00", WeightUnits.GRAMS), None]
    assert sent_weight(order.items, order.weight) == SentWeight(
        Weight(Decimal("0.75"), WeightUnit.KILOGRAM), WeightBasis.ORDER
    )


def test_without_an_order_weight_the_lines_weights_are_summed() -> None:
    order = full_order(weight=None)

    sent = sent_weight(order.items, order.weight)

    # 2 × 0.35 kg and 6.5 oz differ in unit: summed in grams (6.5 oz = 184.2719… g)
    assert sent == SentWeight(Weight(Decimal("884.27"), WeightUnit.GRAM), WeightBasis.LINES)


def test_no_weight_anywhere_is_sent_as_none() -> None:
    order = full_order(items=tuple(replace(item, weight=None) for item in full_order().items))

    assert sent_weight(order.items, None) == SentWeight(None, WeightBasis.NONE)


def test_no_weight_anywhere_writes_none() -> None:
    order = full_order(
        items=tuple(replace(item, weight=None) for item in full_order().items), weight=None
    )

    assert item_weights(order) == [None, None, None]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"ship_to": Address()}, "ship-to name is missing; ship-to address line 1 is missing"),
        ({"ship_to": replace(SHIP_TO, country="")}, "ship-to country is missing"),
        ({"ship_to": replace(SHIP_TO, country="XX")}, "ship-to country 'XX' is not an ISO"),
        ({"items": ()}, "nothing to ship"),
    ],
)
def test_orders_that_cannot_be_imported_say_why(changes: dict[str, object], reason: str) -> None:
    assert unexportable_reason(full_order(**changes)).startswith(reason)


def test_a_shippable_order_has_no_reason() -> None:
    assert unexportable_reason(full_order()) == ""


def test_chunks_stay_small_and_join_to_one_document() -> None:
    orders = [full_order(order_id=str(n)) for n in range(40)]

    chunks = list(render_orders(orders, 1, chunk_bytes=8_000))

    assert len(chunks) > 5
    assert all(len(chunk) < 8_000 + 20_000 for chunk in chunks)
    assert len(etree.fromstring(b"".join(chunks)).findall("Order")) == 40


any_text = st.text(max_size=300)
plain_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="&\ufffe\uffff"),
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(notes=any_text, name=any_text, sku=any_text, option=any_text, city=any_text)
def test_arbitrary_text_survives_export_and_reparsing(
    notes: str, name: str, sku: str, option: str, city: str
) -> None:
    item = replace(full_order().items[1], name=name, sku=sku, options=(LineOption("o", option),))
    order = full_order(
        customer_notes=notes, items=(item,), ship_to=replace(SHIP_TO, city=city or "x")
    )

    parsed = etree.fromstring(render(order)).find("Order")
    assert parsed is not None

    assert (parsed.findtext("CustomerNotes") or "") == clean_text(notes, 1000)
    assert parsed.findtext("Items/Item/Name") == clean_text(name, 200)
    assert parsed.findtext("Items/Item/SKU") == clean_text(sku, 100)
    assert parsed.findtext("Items/Item/Options/Option/Value") == clean_text(option, 100)
    assert parsed.findtext("Customer/ShipTo/City") == clean_text(city or "x", 100)


@settings(max_examples=100, deadline=None)
@given(text=plain_text)
def test_text_without_markup_or_forbidden_characters_survives_unchanged(text: str) -> None:
    order = full_order(gift_message=text, customer_notes=text)

    parsed = etree.fromstring(render(order)).find("Order")
    assert parsed is not None

    assert (parsed.findtext("GiftMessage") or "") == text[:1000]
    assert (parsed.findtext("CustomerNotes") or "") == text[:1000]


@settings(max_examples=300)
@given(
    value=st.one_of(
        st.text(max_size=12),
        st.sampled_from(["", "a]]>b", "A&B", "a<b>", "&amp;", "x\r\ny", "\x01", "é" * 12, "12345"]),
    ),
    limit=st.integers(1, 12),
)
def test_the_writers_fast_path_writes_what_cleaning_and_escaping_write(
    value: str, limit: int
) -> None:
    # given any text and a length limit
    cleaned = clean_text(value, limit)
    # when it is written as a code and as free text, always and when set
    written = {}
    for writer in (_code, _optional_code, _free, _optional_free):
        out: list[str] = []
        writer(out, "T", value, limit)
        written[writer.__name__] = "".join(out)
    # then each is what clean_text with escape_text or cdata gives (nothing for an empty one)
    assert written == {
        "_code": f"<T>{escape_text(cleaned)}</T>",
        "_optional_code": f"<T>{escape_text(cleaned)}</T>" if cleaned else "",
        "_free": f"<T>{cdata(cleaned)}</T>",
        "_optional_free": f"<T>{cdata(cleaned)}</T>" if cleaned else "",
    }


def test_a_wire_date_is_written_as_strftime_writes_it_at_any_year() -> None:
    # given moments with four-digit and shorter years, in UTC and at an offset
    moments = [
        datetime(2026, 3, 9, 7, 5, 59, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))),
    ]
    # when each is written, then it is MM/dd/yyyy HH:mm of its UTC time, as strftime writes it
    assert [format_wire_datetime(moment) for moment in moments] == [
        moment.astimezone(UTC).strftime("%m/%d/%Y %H:%M") for moment in moments
    ]
