"""The data migration that puts old notes and address event messages into words."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders.models import OrderEvent
from tests.fixtures.orders import make_order

BEFORE = [("orders", "0002_orderevent_kind_choices")]
AFTER = [("orders", "0003_event_messages_in_words")]


@pytest.mark.django_db(transaction=True)
def test_old_field_name_messages_are_rewritten_in_words_and_nothing_else() -> None:
    # given events written before messages were sentences (the order is made with today's
    # columns, before the schema steps back: later migrations may add order columns)
    account = Account.objects.create(name="Acme")
    order = make_order(account, "A-1")
    MigrationExecutor(connection).migrate(BEFORE)
    OrderEvent.objects.filter(order=order).delete()
    for kind, message in [
        ("notes_changed", "internal_notes changed"),
        ("address_changed", "ship_to changed"),
        ("cancelled", "ship_to changed"),  # a cancel reason the merchant typed: kept
        ("created", "order A-1 created"),
    ]:
        OrderEvent.objects.create(
            account=account, order=order, actor="system", kind=kind, message=message
        )

    # when the migration runs
    MigrationExecutor(connection).migrate(AFTER)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())

    # then only the field-name messages read in words
    assert list(OrderEvent.objects.order_by("id").values_list("kind", "message")) == [
        ("notes_changed", "Internal notes changed"),
        ("address_changed", "Ship-to address changed"),
        ("cancelled", "ship_to changed"),
        ("created", "order A-1 created"),
    ]
