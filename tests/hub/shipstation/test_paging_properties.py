"""Property test of the Custom Store export's keyset paging at its boundaries: whatever
the number of orders, the page size and how many orders share a modified time, walking
pages 1..P serves every order of the window exactly once."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from crossdock.customstore.dates import format_wire_datetime
from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import Order
from crossdock.hub.shipstation.models import ExportRun
from crossdock.hub.shipstation.services import IssuedCredentials, OptionChanges, update_integration
from tests.fixtures.shipstation import StoreClient, content

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
numbers = count()


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    minutes=st.lists(st.integers(0, 4), max_size=13),
    page_size=st.integers(1, 5),
)
def test_every_order_in_the_window_is_served_once_across_the_pages(
    store: StoreClient,
    make_order: Callable[..., Order],
    account: Account,
    issued: IssuedCredentials,
    minutes: list[int],
    page_size: int,
) -> None:
    # given orders whose modified times repeat (ties are broken by the key), and a page size
    update_integration(account, issued.integration.pk, OptionChanges(page_size=page_size))
    made = [make_order(f"K{next(numbers)}") for _ in minutes]
    for order, minute in zip(made, minutes, strict=True):
        Order.objects.filter(pk=order.pk).update(modified_at=START + timedelta(minutes=minute))
    window = (format_wire_datetime(START), format_wire_datetime(START + timedelta(minutes=5)))
    try:
        # when ShipStation walks every page it is told there is
        first = etree.fromstring(content(store.export(*window, page=1)))
        pages = int(first.get("pages") or 0)
        served = [order.findtext("OrderNumber") or "" for order in first.findall("Order")]
        for page in range(2, pages + 1):
            found = etree.fromstring(content(store.export(*window, page=page)))
            served += [order.findtext("OrderNumber") or "" for order in found.findall("Order")]

        # then the page count is what the size gives, and each order came exactly once
        assert pages == max(1, math.ceil(len(made) / page_size))
        assert sorted(served) == sorted(order.number for order in made)
    finally:
        Order.objects.filter(pk__in=[order.pk for order in made]).delete()
        ExportRun.objects.all().delete()
