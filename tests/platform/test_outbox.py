"""The outbox engine's claims: whether the receiver may already have what is sent."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.writeback import WRITE_BACKS
from crossdock.hub.orders.models import Order
from crossdock.platform.outbox import back_off, claim
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxShop
from tests.fixtures.channels import pull, ship

pytestmark = pytest.mark.django_db


def _queued_row(channel: Channel, shop: SandboxShop) -> int:
    sandbox.generate_orders(shop, 1)
    pull(channel)
    return int(ship(Order.objects.get(channel=channel)).write_backs.get().pk)


def test_the_first_claim_of_a_row_was_never_tried_before(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    # given a row never claimed
    row_id = _queued_row(channel, shop[0])

    # when a worker claims it
    claimed = claim(WRITE_BACKS, row_id, timezone.now())

    # then it is the first send
    assert claimed is not None
    assert (claimed.row.attempts, claimed.tried_before) == (1, False)


def test_a_claim_after_a_failed_attempt_was_tried_before(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    # given a row whose first attempt failed retryably (the channel may have stored it)
    row_id = _queued_row(channel, shop[0])
    now = timezone.now()
    first = claim(WRITE_BACKS, row_id, now)
    assert first is not None
    assert back_off(WRITE_BACKS, first.row, now, "timed out", rng=random.Random(1))

    # when it is claimed again after its back-off
    again = claim(WRITE_BACKS, row_id, now + timedelta(days=1))

    # then the claim says the receiver may already have it
    assert again is not None
    assert (again.row.attempts, again.tried_before) == (2, True)


def test_a_claim_resumed_from_a_dead_worker_was_tried_before(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    # given a row a worker claimed and never finished (it died mid-call)
    row_id = _queued_row(channel, shop[0])
    now = timezone.now()
    assert claim(WRITE_BACKS, row_id, now) is not None

    # when another worker resumes it once the lease ran out
    resumed = claim(WRITE_BACKS, row_id, now + WRITE_BACKS.policy.lease)

    # then the claim says the receiver may already have it
    assert resumed is not None
    assert resumed.row.state == WriteBack.State.SENDING
    assert (resumed.row.attempts, resumed.tried_before) == (2, True)
