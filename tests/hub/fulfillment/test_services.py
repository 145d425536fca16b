"""record_fulfillment for shipments a merchant records by hand (strict) and its dedupe key."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossdock.core.actors import Actor, ActorKind
from crossdock.core.dto import LineData
from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.errors import FulfillmentValidationError
from crossdock.hub.fulfillment.models import Fulfillment, FulfillmentLine
from crossdock.hub.fulfillment.services import (
    Shipment,
    ShipmentLine,
    dedupe_key,
    record_fulfillment,
    shipment_orders,
)
from crossdock.hub.orders.errors import OrderNotFound
from crossdock.hub.orders.models import Order, OrderEvent, OrderLine

MERCHANT = Actor(ActorKind.USER, "owner@example.com")


def _lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.filter(order=order).order_by("position"))


def test_a_manual_shipment_of_some_lines_then_the_rest(
    account: Account, make_order: Callable[..., Order]
) -> None:
    order = make_order("M-1")
    mug, tee = _lines(order)

    first = record_fulfillment(
        account,
        order.pk,
        Shipment(carrier="DHL", tracking_number="JD01", lines=(ShipmentLine(2, line_id=mug.pk),)),
        MERCHANT,
    )
    status_after_first = Order.objects.get(pk=order.pk).status
    second = record_fulfillment(
        account, order.pk, Shipment(carrier="DHL", tracking_number="JD02"), MERCHANT
    )

    assert (first.created, second.created) == (True, True)
    assert first.fulfillment.source == "manual"
    assert first.fulfillment.carrier_code == "dhl_express"
    assert status_after_first == "partially_shipped"
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert list(
        FulfillmentLine.objects.filter(fulfillment=second.fulfillment).values_list(
            "line_id", "quantity"
        )
    ) == [(tee.pk, 1)]


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ((ShipmentLine(1, line_id=0),), "lines.0.line_id"),
        ((ShipmentLine(1, sku="MUG-RED"),), "lines.0.line_id"),
        ((ShipmentLine(3, line_id=-1),), "lines.0.line_id"),
        ((ShipmentLine(0, line_id=None),), "lines.0.line_id"),
    ],
)
def test_strict_shipments_refuse_unknown_lines(
    account: Account,
    make_order: Callable[..., Order],
    lines: tuple[ShipmentLine, ...],
    field: str,
) -> None:
    order = make_order("M-2")

    with pytest.raises(FulfillmentValidationError) as error:
        record_fulfillment(account, order.pk, Shipment(carrier="UPS", lines=lines), MERCHANT)

    assert error.value.field == field
    assert Fulfillment.objects.count() == 0


def test_strict_shipments_refuse_more_than_is_left(
    account: Account, make_order: Callable[..., Order]
) -> None:
    order = make_order("M-3")
    mug = _lines(order)[0]

    with pytest.raises(FulfillmentValidationError) as error:
        record_fulfillment(
            account,
            order.pk,
            Shipment(carrier="UPS", lines=(ShipmentLine(3, line_id=mug.pk),)),
            MERCHANT,
        )

    assert (error.value.field, error.value.message) == (
        "lines.0.quantity",
        "only 2 left to ship on this line",
    )
    assert [line.quantity_shipped for line in _lines(order)] == [0, 0]
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_nothing_left_to_ship_is_refused_for_a_manual_shipment(
    account: Account, make_order: Callable[..., Order]
) -> None:
    order = make_order("M-4")
    record_fulfillment(account, order.pk, Shipment(carrier="UPS", tracking_number="1"), MERCHANT)

    with pytest.raises(FulfillmentValidationError):
        record_fulfillment(
            account, order.pk, Shipment(carrier="UPS", tracking_number="2"), MERCHANT
        )

    assert Fulfillment.objects.count() == 1


def test_a_lenient_reship_of_a_shipped_order_records_the_label_without_lines(
    account: Account, make_order: Callable[..., Order]
) -> None:
    order = make_order("M-5")
    record_fulfillment(account, order.pk, Shipment(carrier="UPS", tracking_number="1"), MERCHANT)

    again = record_fulfillment(
        account, order.pk, Shipment(carrier="UPS", tracking_number="2"), MERCHANT, strict=False
    )

    assert again.created is True
    assert again.fulfillment.lines.count() == 0
    assert [line.quantity_shipped for line in _lines(order)] == [2, 1]


def test_another_accounts_order_is_not_found(
    make_account: Callable[[str], Account], make_order: Callable[..., Order]
) -> None:
    order = make_order("M-6")
    other = make_account("Intruder")

    with pytest.raises(OrderNotFound):
        record_fulfillment(other, order.pk, Shipment(carrier="UPS"), MERCHANT)

    assert Fulfillment.objects.count() == 0


def test_the_dedupe_key_folds_carrier_case_and_ignores_the_rest_when_tracked() -> None:
    tracked = Shipment(carrier="FedEx", tracking_number="123", service="Ground")

    assert dedupe_key(tracked) == dedupe_key(Shipment(carrier=" fedex ", tracking_number="123"))
    assert dedupe_key(tracked) != dedupe_key(Shipment(carrier="UPS", tracking_number="123"))
    assert dedupe_key(tracked) != dedupe_key(Shipment(carrier="FedEx", tracking_number="124"))


def test_without_tracking_the_key_is_carrier_service_date_and_lines() -> None:
    base = Shipment(
        carrier="Other", service="Courier", ship_date=date(2026, 3, 1), lines=(ShipmentLine(1, 5),)
    )

    assert dedupe_key(base) == dedupe_key(
        Shipment(
            carrier="other",
            service="courier",
            ship_date=date(2026, 3, 1),
            lines=(ShipmentLine(1, 5),),
        )
    )
    assert dedupe_key(base) != dedupe_key(
        Shipment(
            carrier="Other",
            service="Courier",
            ship_date=date(2026, 3, 2),
            lines=(ShipmentLine(1, 5),),
        )
    )
    assert dedupe_key(base) != dedupe_key(
        Shipment(
            carrier="Other",
            service="Courier",
            ship_date=date(2026, 3, 1),
            lines=(ShipmentLine(2, 5),),
        )
    )


def _queries_to_ship(account: Account, order: Order) -> int:
    with CaptureQueriesContext(connection) as captured:
        record_fulfillment(
            account, order.pk, Shipment(carrier="UPS", tracking_number="1Z"), MERCHANT
        )
    return len(captured.captured_queries)


def test_recording_costs_the_same_queries_for_two_lines_or_thirty(
    account: Account, make_order: Callable[..., Order]
) -> None:
    many_lines = tuple(
        LineData(sku=f"SKU-{n}", name=f"Item {n}", quantity=2, unit_price=Decimal("1.00"))
        for n in range(30)
    )
    two = make_order("Q-2")
    thirty = make_order("Q-30", lines=many_lines)

    queries = (_queries_to_ship(account, two), _queries_to_ship(account, thirty))

    assert queries[0] == queries[1]
    assert [line.quantity_shipped for line in _lines(thirty)] == [2] * 30
    assert Order.objects.get(pk=thirty.pk).status == "shipped"


def _statements(captured: CaptureQueriesContext) -> list[str]:
    # An ``executemany`` is logged as "<n> times: <sql>".
    return [
        re.sub(r"^\d+ times: ", "", query["sql"]).split()[0].upper()
        for query in captured.captured_queries
    ]


def test_a_repeated_shipment_is_answered_by_a_read_without_writing(
    account: Account, make_order: Callable[..., Order]
) -> None:
    order = make_order("D-1")
    shipment = Shipment(carrier="UPS", tracking_number="1ZREPEAT")
    first = record_fulfillment(account, order.pk, shipment, MERCHANT)

    with CaptureQueriesContext(connection) as captured:
        again = record_fulfillment(account, order.pk, shipment, MERCHANT)

    assert (again.created, again.fulfillment.pk) == (False, first.fulfillment.pk)
    assert _statements(captured) == ["SELECT"]


def test_the_write_transaction_reads_once_then_writes(
    account: Account, make_order: Callable[..., Order]
) -> None:
    order = make_order("D-2")

    with CaptureQueriesContext(connection) as captured:
        record_fulfillment(
            account, order.pk, Shipment(carrier="UPS", tracking_number="1Z"), MERCHANT
        )

    statements = _statements(captured)
    inside = statements[statements.index("SAVEPOINT") + 1 :] if "SAVEPOINT" in statements else []
    # The test runs inside a transaction: the service's own is a savepoint.
    assert inside[:3] == ["SELECT", "INSERT", "INSERT"]
    assert inside.count("SELECT") == 2  # the locked snapshot, the catalog's product look-up
    assert "SAVEPOINT" not in inside


def test_lines_shipped_after_the_caller_read_the_order_are_read_under_the_lock(
    account: Account, make_order: Callable[..., Order]
) -> None:
    # given an order the caller read, then another shipment of the mug landing after it
    order = make_order("D-3")
    mug, tee = _lines(order)
    read = shipment_orders(account.pk).get(pk=order.pk)
    OrderLine.objects.filter(pk=mug.pk).update(quantity_shipped=mug.quantity)
    # when the whole order is recorded as shipped with the order as the caller read it
    recorded = record_fulfillment(
        account, read, Shipment(carrier="UPS", tracking_number="1ZLATE"), MERCHANT
    )
    # then only what was left (the tee) is recorded, and nothing is shipped twice
    assert list(
        FulfillmentLine.objects.filter(fulfillment=recorded.fulfillment).values_list(
            "line_id", "quantity"
        )
    ) == [(tee.pk, tee.quantity)]
    assert [line.quantity_shipped for line in _lines(order)] == [mug.quantity, tee.quantity]


def test_an_order_cancelled_after_the_caller_read_it_is_seen_as_cancelled(
    account: Account, make_order: Callable[..., Order]
) -> None:
    # given an order the caller read while paid, cancelled before the shipment is recorded
    order = make_order("D-4")
    read = shipment_orders(account.pk).get(pk=order.pk)
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    # when the shipment is recorded with the order as the caller read it
    record_fulfillment(account, read, Shipment(carrier="UPS", tracking_number="1ZCXL"), MERCHANT)
    # then the event says the order had been cancelled (the status came from the locked read)
    message = OrderEvent.objects.filter(order=order, kind="shipment_recorded").get().message
    assert message.endswith("; the order had been cancelled")


def test_an_order_the_caller_read_is_not_read_again(
    account: Account, make_order: Callable[..., Order]
) -> None:
    # given an order read through shipment_orders
    order = make_order("D-5")
    read = shipment_orders(account.pk).get(pk=order.pk)
    # when its shipment is recorded
    with CaptureQueriesContext(connection) as captured:
        record_fulfillment(account, read, Shipment(carrier="UPS", tracking_number="1Z5"), MERCHANT)
    # then: the dedupe look-up, then the transaction (its first read is the locked lines)
    statements = _statements(captured)
    assert statements[:2] == ["SELECT", "SAVEPOINT"]
    assert statements.count("SELECT") == 3  # dedupe, locked lines, the catalog's products
