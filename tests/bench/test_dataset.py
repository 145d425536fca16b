"""The bench's data sets: rows written with plain ``executemany`` are what the ORM would store."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from crossdock.bench import dataset
from crossdock.bench.dataset import EPOCH, new_shop, seed_orders
from crossdock.hub.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db


def _fields(row: Order | OrderLine) -> dict[str, object]:
    found = model_to_dict(row)
    for key in ("id", "order", "created_at", "updated_at"):
        found.pop(key, None)
    return found


def test_seeded_orders_read_back_equal_to_the_models_they_are_built_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given statements of two orders and transactions of three, so batches and chunks split
    monkeypatch.setattr(dataset, "BATCH", 2)
    monkeypatch.setattr(dataset, "TRANSACTION", 3)
    shop = new_shop("seed")
    # when five orders are seeded from number 10
    seed_orders(shop, 5, first=10)
    # then each stored order and its lines equal the instances the data set describes
    stored = Order.objects.filter(channel=shop.channel).order_by("id")
    assert [order.number for order in stored] == [f"B-{n}" for n in range(10, 15)]
    for number, order in zip(range(10, 15), stored, strict=True):
        expected = dataset._order(shop, number)
        assert _fields(order) == _fields(expected)
        assert order.modified_at == EPOCH + (expected.modified_at - EPOCH)
        assert order.total == Decimal("63.25")
        lines = list(order.lines.order_by("position"))
        assert [_fields(line) for line in lines] == [
            _fields(line) for line in dataset._lines(expected)
        ]
        assert [line.external_id for line in lines] == [f"B-{number}-{i}" for i in range(3)]
