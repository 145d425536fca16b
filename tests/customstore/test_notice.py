"""The <ShipNotice> document: golden parsing, rendering, round trips and refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossdock.customstore.notice import (
    MalformedNoticeError,
    NoticeTooLargeError,
    ShipNotice,
    ShipNoticeItem,
    ShipNoticeRecipient,
    UnsafeNoticeError,
    parse_ship_notice,
    render_ship_notice,
)
from crossdock.customstore.text import strip_forbidden

GOLDEN = Path(__file__).parent / "golden"


def _notice(**changes: object) -> ShipNotice:
    values: dict[str, object] = {
        "order_id": "42",
        "order_number": "1001",
        "customer_code": "ana@example.com",
        "notes_to_customer": "Thanks & <enjoy> ]]> 🎉",
        "notify_customer": False,
        "label_create_date": datetime(2026, 11, 27, 14, 5, tzinfo=UTC),
        "ship_date": date(2026, 11, 28),
        "carrier": "USPS",
        "service": "USPS Priority Mail",
        "tracking_number": "9400111899223197428490",
        "shipping_cost": Decimal("7.85"),
        "custom_fields": ("SAVE10", "", "114-3941689-8772232"),
        "items": (ShipNoticeItem("7", "MUG-RED", "Red mug", 2),),
    }
    values.update(changes)
    return ShipNotice(**values)  # type: ignore[arg-type] # the test builds from a dict


def test_a_shipstation_notice_parses_to_the_golden_values() -> None:
    body = (GOLDEN / "shipnotice_shipstation.xml").read_bytes()

    notice = parse_ship_notice(body)

    assert notice == ShipNotice(
        order_id="42",
        order_number="1001",
        customer_code="ana@example.com",
        notes_to_customer="Thanks for your order! <3",
        notify_customer=False,
        label_create_date=datetime(2026, 11, 27, 14, 5, tzinfo=UTC),
        ship_date=date(2026, 11, 28),
        carrier="USPS",
        service="USPS Priority Mail",
        tracking_number="9400111899223197428490",
        shipping_cost=Decimal("7.85"),
        custom_fields=("SAVE10", "", "114-3941689-8772232"),
        items=(
            ShipNoticeItem("7", "MUG-RED", "Red mug", 2),
            ShipNoticeItem("", "TEE-M", "T-shirt (M)", 1, upc="012345678905"),
        ),
        customer_notes="Leave at the back door & ring",
        internal_notes="",
        requested_warehouse="Main",
        recipient=ShipNoticeRecipient(
            name="Ana Lima",
            address1="12 Rua Augusta",
            city="Springfield",
            state="IL",
            postal_code="62701",
            country="US",
        ),
    )


def test_rendering_matches_the_golden_file() -> None:
    notice = _notice()

    assert render_ship_notice(notice) == (GOLDEN / "shipnotice_rendered.xml").read_bytes()


def test_a_rendered_notice_reads_back_identically() -> None:
    notice = _notice(
        recipient=ShipNoticeRecipient(name="Zoë", country="DE"),
        items=(
            ShipNoticeItem("7", "MUG-RED", "Red mug", 2),
            ShipNoticeItem("8", "", "No SKU", 1, upc="1234"),
        ),
        customer_notes="line one\nline two",
    )

    assert parse_ship_notice(render_ship_notice(notice)) == notice


def test_typed_values_left_out_read_as_none() -> None:
    notice = _notice(
        notify_customer=None, label_create_date=None, ship_date=None, shipping_cost=None, items=()
    )

    body = render_ship_notice(notice)

    assert b"<NotifyCustomer>" not in body
    assert b"<ShippingCost>" not in body
    assert parse_ship_notice(body) == notice


printable = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\r"), max_size=60
)


@given(notes=printable, name=printable, tracking=printable)
def test_any_text_survives_a_round_trip_minus_forbidden_characters(
    notes: str, name: str, tracking: str
) -> None:
    notice = _notice(
        notes_to_customer=notes,
        tracking_number=tracking,
        items=(ShipNoticeItem("1", "S", name, 1),),
    )

    parsed = parse_ship_notice(render_ship_notice(notice))

    assert parsed.notes_to_customer == strip_forbidden(notes)
    assert parsed.items[0].name == strip_forbidden(name)
    assert parsed.tracking_number == strip_forbidden(tracking).strip()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("False", False), ("1", True), ("0", False), ("", None)],
)
def test_notify_customer_reads_the_common_spellings(value: str, expected: bool | None) -> None:
    body = f"<ShipNotice><NotifyCustomer>{value}</NotifyCustomer></ShipNotice>".encode()

    assert parse_ship_notice(body).notify_customer is expected


def test_a_namespaced_notice_is_read_by_local_names() -> None:
    body = b'<ShipNotice xmlns="urn:x"><OrderID>9</OrderID><Carrier>UPS</Carrier></ShipNotice>'

    notice = parse_ship_notice(body)

    assert (notice.order_id, notice.carrier) == ("9", "UPS")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"<ShipNotice><ShipDate>31/31/2026</ShipDate></ShipNotice>", "ShipDate"),
        (b"<ShipNotice><LabelCreateDate>soon</LabelCreateDate></ShipNotice>", "LabelCreateDate"),
        (b"<ShipNotice><ShippingCost>4,95 EUR</ShippingCost></ShipNotice>", "ShippingCost"),
        (b"<ShipNotice><ShippingCost>-1</ShippingCost></ShipNotice>", "ShippingCost"),
        (b"<ShipNotice><NotifyCustomer>maybe</NotifyCustomer></ShipNotice>", "NotifyCustomer"),
        (
            b"<ShipNotice><Items><Item><Quantity>1.5</Quantity></Item></Items></ShipNotice>",
            "Items/Item[1]/Quantity",
        ),
        (
            b"<ShipNotice><Items><Item><SKU>A</SKU></Item></Items></ShipNotice>",
            "Items/Item[1]/Quantity",
        ),
        (
            b"<ShipNotice><Items><Item><Quantity>-2</Quantity></Item></Items></ShipNotice>",
            "Items/Item[1]/Quantity",
        ),
        (
            b"<ShipNotice><Recipient><Country>Ireland</Country></Recipient></ShipNotice>",
            "Recipient/Country",
        ),
    ],
)
def test_unreadable_values_name_their_field(body: bytes, field: str) -> None:
    with pytest.raises(MalformedNoticeError) as error:
        parse_ship_notice(body)

    assert error.value.field == field


@pytest.mark.parametrize(
    "body", [b"", b"not xml", b"<ShipNotice>", b"<Orders/>", b"<ShipNotice></ShipNoticeX>"]
)
def test_what_is_not_a_notice_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedNoticeError):
        parse_ship_notice(body)


@pytest.mark.parametrize(
    "body",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><ShipNotice><OrderID>&a;</OrderID></ShipNotice>',
        b'<!DOCTYPE ShipNotice SYSTEM "http://127.0.0.1:9/x.dtd"><ShipNotice/>',
        # Other encodings hide the declaration from a byte search for its UTF-8 form.
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        '<ShipNotice Carrier="&a;"/>'.encode("utf-16"),
        '<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE ShipNotice><ShipNotice/>'.encode(
            "utf-32-be"
        ),
        # UTF-7 spells "<!DOCTYPE x [<!ENTITY a "b">]>" without a literal "<!".
        b'<?xml version="1.0" encoding="UTF-7"?>'
        b"+ADw-!DOCTYPE x +AFsAPA-!ENTITY a +ACI-b+ACIAPgBdAD4-"
        b'<ShipNotice Carrier="&a;"/>',
    ],
)
def test_doctype_and_entities_are_unsafe(body: bytes) -> None:
    with pytest.raises(UnsafeNoticeError):
        parse_ship_notice(body)


def test_a_body_over_the_cap_is_too_large() -> None:
    body = b"<ShipNotice><InternalNotes>" + b"x" * 2000 + b"</InternalNotes></ShipNotice>"

    with pytest.raises(NoticeTooLargeError):
        parse_ship_notice(body, max_bytes=1000)
