"""The outbox engine's claims: whether the receiver may already have what is sent."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from crossdock.hub.channels.models import Channel
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.writeback import WRITE_BACKS
from crossdock.hub.orders.models import Order
from crossdock.platform.outbox import OutboxQueue, back_off, claim, reject, replay
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxShop
from tests.fixtures.channels import pull, ship

pytestmark = pytest.mark.django_db

#: The write-back queue giving up after one attempt.
ONE_ATTEMPT = replace(WRITE_BACKS, policy=replace(WRITE_BACKS.policy, max_attempts=1))

#: What became of a queued row before the claim under test: (queue, row id, now) → when
#: that claim comes.
History = Callable[[OutboxQueue, int, datetime], datetime]


def _never_claimed(queue: OutboxQueue, row_id: int, now: datetime) -> datetime:
    return now


def _claimed(queue: OutboxQueue, row_id: int, now: datetime) -> WriteBack:
    first = claim(queue, row_id, now)
    assert first is not None
    row: WriteBack = first.row
    return row


def _backed_off(queue: OutboxQueue, row_id: int, now: datetime) -> datetime:
    assert back_off(queue, _claimed(queue, row_id, now), now, "timed out", rng=random.Random(1))
    return now + timedelta(days=1)


def _abandoned(queue: OutboxQueue, row_id: int, now: datetime) -> datetime:
    _claimed(queue, row_id, now)
    return now + queue.policy.lease


def _gave_up_unanswered_then_replayed(queue: OutboxQueue, row_id: int, now: datetime) -> datetime:
    assert back_off(ONE_ATTEMPT, _claimed(queue, row_id, now), now, "timed out")
    replay(queue, WriteBack.objects.get(pk=row_id, state=WriteBack.State.DEAD), now)
    return now


def _refused_then_replayed(queue: OutboxQueue, row_id: int, now: datetime) -> datetime:
    assert reject(queue, _claimed(queue, row_id, now), now, "refused")
    replay(queue, WriteBack.objects.get(pk=row_id, state=WriteBack.State.REJECTED), now)
    return now


@pytest.mark.parametrize(
    ("history", "attempts", "tried_before"),
    [
        pytest.param(_never_claimed, 1, False, id="never claimed"),
        pytest.param(_backed_off, 2, True, id="backed off after an attempt"),
        pytest.param(_abandoned, 2, True, id="resumed from a dead worker"),
        pytest.param(_gave_up_unanswered_then_replayed, 1, True, id="replayed, was unanswered"),
        pytest.param(_refused_then_replayed, 1, False, id="replayed, was refused"),
    ],
)
def test_a_claim_says_whether_the_receiver_may_already_have_the_message(
    channel: Channel,
    shop: tuple[SandboxShop, str],
    history: History,
    attempts: int,
    tried_before: bool,
) -> None:
    # given a queued row with that history
    sandbox.generate_orders(shop[0], 1)
    pull(channel)
    row_id = ship(Order.objects.get(channel=channel)).write_backs.get().pk
    when = history(WRITE_BACKS, row_id, timezone.now())

    # when a worker claims it
    claimed = claim(WRITE_BACKS, row_id, when)

    # then the claim counts the attempt and says whether the receiver may have it
    assert claimed is not None
    assert claimed.row.state == WriteBack.State.SENDING
    assert (claimed.row.attempts, claimed.tried_before) == (attempts, tried_before)
