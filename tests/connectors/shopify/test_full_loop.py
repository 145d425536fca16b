"""The Shopify connector in the whole hub loop, with the fake shop in place of the sandbox."""

from __future__ import annotations

import pytest

from tests.connectors.conformance.full_loop import TRACKING, run_full_loop
from tests.connectors.shopify.fake import FakeShopify

pytestmark = pytest.mark.django_db


def test_a_shopify_order_is_pulled_exported_shipped_and_fulfilled_once() -> None:
    fake = FakeShopify()

    outcome = run_full_loop(fake)

    assert (outcome.write_back.state, outcome.write_back.attempts) == ("accepted", 1)
    order = fake.orders[outcome.order.external_id]
    lines = {line["id"]: line["quantity"] for line in order["lineItems"]["nodes"]}
    assert [(s.tracking_number, s.carrier, s.lines) for s in outcome.received] == [
        (TRACKING, "USPS", lines)
    ]
    assert order["fulfillments"][0]["notifyCustomer"] is False
    assert order["displayFulfillmentStatus"] == "FULFILLED"
    assert outcome.write_back.external_id == order["fulfillments"][0]["id"]
    assert outcome.order.status == "shipped"
