"""Refunds and cancellations from a channel, stored on the order and shown on its page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from crossdock.hub.orders.models import EventKind, Order, OrderEvent, OrderRefund
from crossdock.hub.orders.pull import pull_orders
from tests.connectors.conformance.harness import Harness
from tests.connectors.woocommerce.fake import WooFake

pytestmark = pytest.mark.django_db


def _woo_channel(account: Account, fake: WooFake) -> Channel:
    config = fake.good_config()
    return add_channel(account, "woocommerce", "Woo shop", {**config.settings, **config.secrets})


def test_a_refund_is_stored_once_with_an_event_and_a_cancellation_keeps_its_time(
    account: Account,
) -> None:
    fake = WooFake()
    refunded, cancelled = fake.seed_orders(2)
    channel = _woo_channel(account, fake)
    pull_orders(channel.pk, client=Harness(fake).client())
    fake.refund_order(refunded, Decimal("5.00"))
    fake.cancel_order(cancelled)

    pull_orders(channel.pk, client=Harness(fake).client())
    pull_orders(channel.pk, client=Harness(fake).client())

    order = Order.objects.get(channel=channel, external_id=refunded)
    first_line = order.lines.order_by("position").values_list("external_id", flat=True)[0]
    [refund] = OrderRefund.objects.filter(order=order)
    assert (refund.amount, refund.reason, refund.lines) == (
        Decimal("5.00"),
        "Arrived chipped",
        [{"line_id": first_line, "sku": "MUG-FIKA", "quantity": 1}],
    )
    assert list(
        OrderEvent.objects.filter(order=order, kind=EventKind.REFUNDED).values_list(
            "message", flat=True
        )
    ) == ["Refunded 5.00 EUR on the channel: Arrived chipped"]
    gone = Order.objects.get(channel=channel, external_id=cancelled)
    modified = fake.store.orders[int(cancelled)]["date_modified_gmt"]
    assert gone.status == "cancelled"
    assert gone.cancelled_at == datetime.fromisoformat(modified).replace(tzinfo=UTC)


def test_the_order_page_lists_refunds_and_the_channel_cancellation(account: Account) -> None:
    fake = WooFake()
    refunded, cancelled = fake.seed_orders(2)
    fake.refund_order(refunded, Decimal("5.00"))
    fake.cancel_order(cancelled)
    channel = _woo_channel(account, fake)
    pull_orders(channel.pk, client=Harness(fake).client())
    browser = Client()
    browser.force_login(get_user_model().objects.get(username="acme@example.com"))

    refund_page = browser.get(f"/orders/{Order.objects.get(external_id=refunded).pk}/")
    cancel_page = browser.get(f"/orders/{Order.objects.get(external_id=cancelled).pk}/")

    shown = refund_page.content.decode()
    assert 'data-testid="refunds"' in shown
    assert "Arrived chipped" in shown
    assert 'data-testid="channel-cancellation"' in cancel_page.content.decode()
    assert 'data-testid="refunds"' not in cancel_page.content.decode()
