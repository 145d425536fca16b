"""The digest of an order's payload: form 2 stored now, form 1 still compared."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crossdock.core.digests import (
    DIGEST_FORM,
    digest_matches,
    is_current,
    legacy_order_digest,
    order_digest,
)
from crossdock.core.dto import LineData, LineOption, OrderData, Refund, RefundLine
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit
from tests.fixtures.shipstation import order_data

MOMENT = datetime(2026, 11, 21, 8, 30, tzinfo=UTC)


def _every_kind_of_field() -> OrderData:
    line = LineData(
        sku="MUG",
        name="Mug “Fika” & <saucer>",
        quantity=2,
        unit_price=Decimal("12.50"),
        weight=Weight(Decimal("0.4500"), WeightUnit.KILOGRAM),
        options=(LineOption("Colour", "Röd"),),
        external_id="L-1",
    )
    return replace(
        order_data("P-2"),
        lines=(line, replace(line, sku="CUP", external_id="L-2")),
        extra={"note": "gift wrap", "ünï": "ß"},
        refunds=(Refund("R-1", Decimal("3.10"), "dent", MOMENT, (RefundLine("L-1", "MUG", 1),)),),
        cancelled_at=MOMENT,
        cancel_reason="buyer asked",
    )


def test_form_1_is_the_digest_orders_stored_before_form_2_carry() -> None:
    # given an order payload with nested dataclasses, a weight and extra values
    data = replace(order_data("P-1"), extra={"note": "gift wrap"})
    # when digested in form 1
    digest = legacy_order_digest(data)
    # then it is the digest the asdict-based canonical form gave (stored orders compare to it)
    assert digest == "9056cda460b7cab26f6064cd25814abf96f9b12ebf90b3b9b966bea727798235"


def test_form_1_is_the_canonical_form_of_asdict_for_every_kind_of_field() -> None:
    # given a payload with every kind of value
    data = _every_kind_of_field()
    # when digested in form 1
    digest = legacy_order_digest(data)
    # then it is the SHA-256 of asdict's form dumped with sorted keys and str for the rest
    canonical = json.dumps(asdict(data), sort_keys=True, default=str, ensure_ascii=False)
    assert digest == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_form_2_is_pinned_so_a_new_field_is_a_decision() -> None:
    # given the payload with every kind of value
    data = _every_kind_of_field()
    # when digested
    digest = order_digest(data)
    # then it is the stored digest of this content: a field added to a payload dataclass
    # changes it (every stored order would be rewritten once) unless listed in ADDED_LATER
    assert digest == "2:306c3d27e3db885be85ad2846d2a4ced4bca7649b2e13fc69a97297dffe0c5"
    assert len(digest) == 64
    assert is_current(digest)
    assert not is_current(legacy_order_digest(data))


@pytest.mark.parametrize(
    "change",
    [
        {"number": "P-3"},
        {"status": OrderStatus.UNPAID},
        {"placed_at": MOMENT},
        {"ship_to": replace(order_data("P-2").ship_to, address2="Lgh 1103")},
        {"extra": {"note": "gift wrap", "ünï": "ss"}},
        {"cancel_reason": ""},
        {"cancelled_at": None},
        {"tax": Decimal("0.01")},
        {"refunds": ()},
        {"line_option": "Blå"},
        {"line_weight_unit": WeightUnit.GRAM},
        {"refund_line_quantity": 2},
        {"second_line_gone": True},
    ],
)
def test_form_2_changes_with_any_value_at_any_depth(change: dict[str, object]) -> None:
    # given the payload with every kind of value, and a copy with one value changed
    data = _every_kind_of_field()
    line, refund = data.lines[0], data.refunds[0]
    if "line_option" in change:
        changed = replace(data, lines=(replace(line, options=(LineOption("Colour", "Blå"),)),))
        changed = replace(changed, lines=(changed.lines[0], data.lines[1]))
    elif "line_weight_unit" in change:
        weight = Weight(Decimal("0.4500"), WeightUnit.GRAM)
        changed = replace(data, lines=(replace(line, weight=weight), data.lines[1]))
    elif "refund_line_quantity" in change:
        lines = (replace(refund.lines[0], quantity=2),)
        changed = replace(data, refunds=(replace(refund, lines=lines),))
    elif "second_line_gone" in change:
        changed = replace(data, lines=(line,))
    else:
        changed = replace(data, **change)  # type: ignore[arg-type]
    # when both are digested
    # then the digests differ
    assert order_digest(changed) != order_digest(data)


def test_form_2_does_not_depend_on_the_order_of_extra_values_or_on_shared_objects() -> None:
    # given one content built twice: extra values in another order, addresses not shared
    data = _every_kind_of_field()
    again = replace(
        data,
        extra={"ünï": "ß", "note": "gift wrap"},
        bill_to=replace(data.bill_to),
        ship_to=replace(data.ship_to),
    )
    # when both are digested
    # then the digests are equal
    assert order_digest(again) == order_digest(data)


def test_a_stored_digest_matches_in_its_own_form() -> None:
    # given a payload and another one
    data, other = _every_kind_of_field(), order_data("P-9")
    # when stored digests of either form are compared with them
    # then each matches its own payload only, and an empty one matches nothing
    assert digest_matches(order_digest(data), data)
    assert digest_matches(legacy_order_digest(data), data)
    assert digest_matches(order_digest(data), data, order_digest(data))
    assert not digest_matches(order_digest(other), data)
    assert not digest_matches(legacy_order_digest(other), data)
    assert not digest_matches("", data)
    assert order_digest(data).startswith(DIGEST_FORM)
