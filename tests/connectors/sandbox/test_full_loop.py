"""The sandbox connector in the whole hub loop, through the conformance kit's helper."""

from __future__ import annotations

import pytest

from tests.connectors.conformance.full_loop import TRACKING, run_full_loop
from tests.connectors.sandbox.fake import SandboxFake

pytestmark = pytest.mark.django_db


def test_a_sandbox_order_is_pulled_exported_shipped_and_written_back_once() -> None:
    fake = SandboxFake()

    outcome = run_full_loop(fake)

    assert (outcome.write_back.state, outcome.write_back.attempts) == ("accepted", 1)
    assert [(s.tracking_number, s.carrier) for s in outcome.received] == [(TRACKING, "usps")]
    assert outcome.order.status == "shipped"
