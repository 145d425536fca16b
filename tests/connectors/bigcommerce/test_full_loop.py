"""The whole hub loop with the fake BigCommerce in place of the sandbox (the kit's helper).

Orders seeded on the fake → pulled into the hub → exported through the Custom Store
endpoint → a ShipStation ship notice → the write-back accepted by the fake, which holds one
shipment on the order's address with BigCommerce's own carrier code for USPS.
"""

from __future__ import annotations

import pytest

from crossdock.hub.fulfillment.models import WriteBack
from tests.connectors.bigcommerce.fake import FakeBigCommerce
from tests.connectors.conformance.full_loop import TRACKING, run_full_loop
from tests.connectors.conformance.platform import FakeShipment

pytestmark = pytest.mark.django_db


def test_a_bigcommerce_order_goes_round_the_loop_to_one_shipment_on_the_store() -> None:
    fake = FakeBigCommerce()

    outcome = run_full_loop(fake)

    order = fake.orders[int(outcome.order.external_id)]
    physical = {str(p["id"]): p["quantity"] for p in order.products if p["type"] == "physical"}
    assert (outcome.write_back.state, outcome.write_back.attempts) == (
        WriteBack.State.ACCEPTED,
        1,
    )
    assert outcome.received == [FakeShipment(TRACKING, physical, carrier="usps")]
    shipment = order.shipments[0]
    assert (
        shipment["order_address_id"],
        shipment["tracking_carrier"],
        shipment["shipping_method"],
    ) == (order.addresses[0]["id"], "usps", "Priority Mail")
    assert outcome.write_back.external_id == str(shipment["id"])
