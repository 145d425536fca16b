"""Background work of desk shipments: ship notices (with retries) and buyer e-mails."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from crossdock.desk.shipments.emails import (
    claim_lost_pending,
    release_stale_sending,
    send_buyer_email,
)
from crossdock.desk.shipments.models import StoreNotice
from crossdock.desk.shipments.notices import deliver_notice, release_stale_claims

#: A pending notice or buyer e-mail whose job has not run after this long is enqueued again.
LOST_JOB = timedelta(minutes=2)


@task(queue_name="desk")
def deliver_notice_task(notice_id: int) -> None:
    deliver_notice(notice_id)


@task(queue_name="desk")
def send_buyer_email_task(shipment_id: int) -> None:
    send_buyer_email(shipment_id)


def enqueue_due_notices() -> None:
    """Periodic: enqueue failed notices whose retry is due, and pending ones whose job was
    lost. A conditional update claims each (failed → pending, ``next_attempt_at`` = now), so
    concurrent ticks enqueue it once and the next tick leaves it alone for ``LOST_JOB``.
    Buyer e-mails a killed worker left sending end failed; pending ones whose job was lost
    are queued again."""
    now = timezone.now()
    release_stale_claims(now)
    release_stale_sending(now)
    for shipment_id in claim_lost_pending(now, LOST_JOB):
        send_buyer_email_task.enqueue(shipment_id)
    due = StoreNotice.objects.filter(
        Q(state=StoreNotice.State.FAILED, next_attempt_at__lte=now)
        | Q(state=StoreNotice.State.PENDING, next_attempt_at__lte=now - LOST_JOB)
    ).values_list("pk", "state", "next_attempt_at")
    for notice_id, state, due_at in due:
        claimed = StoreNotice.objects.filter(
            pk=notice_id, state=state, next_attempt_at=due_at
        ).update(state=StoreNotice.State.PENDING, next_attempt_at=now)
        if claimed:
            deliver_notice_task.enqueue(notice_id)
