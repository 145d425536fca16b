"""Background jobs of fulfillment: ``django-tasks`` on the database backend, queue ``writeback``.

This module owns the enqueueing of write-back deliveries (first attempt, retries, the
periodic sweep and replays); :mod:`crossdock.hub.fulfillment.writeback` only delivers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from crossdock.core.outbox import can_replay
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.errors import ChannelConflict, ChannelNotFound
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.writeback import WRITE_BACKS, deliver_write_back
from crossdock.platform import outbox

State = WriteBack.State


@task(queue_name="writeback")
def push_write_back(write_back_id: int) -> str | None:
    """Deliver one write-back if it is due; returns its state afterwards."""
    row = deliver_write_back(write_back_id, retry=_retry_at)
    return row.state if row is not None else None


def _retry_at(write_back_id: int, due: datetime) -> None:
    push_write_back.using(run_after=due).enqueue(write_back_id)


def sweep_write_backs(
    now: datetime | None = None, *, grace: timedelta = timedelta(seconds=60), limit: int = 500
) -> int:
    """Periodic tick: enqueue delivery of rows overdue by ``grace`` (lost jobs, dead workers).

    Delivery claims rows itself, so a row enqueued twice is still sent once.
    """
    moment = now or timezone.now()
    due = outbox.overdue(
        WRITE_BACKS, moment, grace=grace, limit=limit, states=(State.PENDING, State.SENDING)
    )
    with transaction.atomic():
        for write_back_id in due:
            push_write_back.enqueue(write_back_id)
    return len(due)


def replay_write_back(account: Account, write_back_id: int) -> WriteBack:
    """Send a ``dead`` or ``rejected`` write-back again from a fresh count of attempts."""
    with transaction.atomic():
        row = (
            WriteBack.objects.select_for_update().filter(account=account, pk=write_back_id).first()
        )
        if row is None:
            raise ChannelNotFound(f"no write-back {write_back_id}")
        if not can_replay(outbox.role_of(WRITE_BACKS, row.state)):
            raise ChannelConflict(
                f"write-back {write_back_id} is {row.state}; only dead or rejected ones replay"
            )
        outbox.replay(WRITE_BACKS, row, timezone.now())
        push_write_back.enqueue(row.pk)
    return row
