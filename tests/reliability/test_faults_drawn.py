"""The soak's count of injected faults is the count of faults the sandbox shop injected."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from crossdock.sandbox import services
from crossdock.sandbox.faults import FaultKind, FaultSettings
from tests.reliability.served import faults_drawn

ORDERS = "/sandbox/api/v1/orders"


@pytest.mark.django_db
def test_faults_drawn_from_the_request_count_are_the_faults_the_shop_met() -> None:
    # given a shop that has answered 5 calls without faults, then fails a share of calls
    shop = services.create_shop("Counting Shop", "CS").shop
    for _ in range(5):
        services.next_fault(shop, method="GET", path=ORDERS)
    shop = services.configure_faults(
        shop,
        {"error_rate": "0.3", "rate_limit_rate": "0.2", "timeout_rate": "0.1", "fault_seed": 7},
    )
    first = shop.request_count + 1

    # when it answers 200 more calls
    met = Counter(services.next_fault(shop, method="GET", path=ORDERS) for _ in range(200))
    shop.refresh_from_db()

    # then the faults recomputed from the request counts are exactly those
    drawn = faults_drawn(
        FaultSettings(
            error_rate=Decimal("0.3"),
            rate_limit_rate=Decimal("0.2"),
            timeout_rate=Decimal("0.1"),
            seed=7,
        ),
        first,
        shop.request_count,
    )
    del met[FaultKind.NONE]
    assert drawn == met
    assert (
        Counter(FaultKind(kind) for kind in shop.faults_met.values_list("kind", flat=True)) == met
    )
    assert set(drawn) == {FaultKind.ERROR, FaultKind.RATE_LIMITED, FaultKind.TIMEOUT}
