"""Desk shipments under faults: a buyer e-mail whose worker was killed while sending it, or
whose job a killed worker lost before sending it."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments.emails import SENDING_LEASE, STOPPED_SENDING
from crossdock.desk.shipments.models import BuyerEmail
from crossdock.desk.shipments.services import ShipRequest, create_shipment
from crossdock.desk.shipments.tasks import LOST_JOB, enqueue_due_notices
from tests.fixtures.tasks import run_tasks


def _email_taken(account: DeskAccount, order: DeskOrder, minutes_ago: float) -> BuyerEmail:
    """The shipment's buyer e-mail, taken to send by a worker ``minutes_ago`` that never
    recorded an outcome."""
    shipment, _ = create_shipment(
        account,
        order.pk,
        ShipRequest(carrier="USPS", tracking_number="9400111899223100000077", notify_buyer=True),
        "tests",
    )
    BuyerEmail.objects.filter(shipment=shipment).update(
        state=BuyerEmail.State.SENDING,
        claimed_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    return BuyerEmail.objects.get(shipment=shipment)


def test_an_email_left_sending_by_a_killed_worker_ends_failed_and_is_not_sent_again(
    desk_account: DeskAccount, imported: DeskOrder
) -> None:
    # given: a buyer e-mail its worker took to send longer ago than sending can take
    email = _email_taken(desk_account, imported, SENDING_LEASE / timedelta(minutes=1) + 1)

    # when the periodic tick runs, and every queued job with it
    enqueue_due_notices()
    run_tasks()

    # then it is failed, saying why, and no e-mail was sent in its place
    email.refresh_from_db()
    assert (email.state, email.error) == (BuyerEmail.State.FAILED, STOPPED_SENDING)
    assert mail.outbox == []


def test_an_email_being_sent_now_is_left_sending(
    desk_account: DeskAccount, imported: DeskOrder
) -> None:
    # given: a buyer e-mail a live worker took a moment ago
    email = _email_taken(desk_account, imported, 0)

    # when
    enqueue_due_notices()

    # then nothing changed
    email.refresh_from_db()
    assert (email.state, email.error) == (BuyerEmail.State.SENDING, "")


def _email_queued(account: DeskAccount, order: DeskOrder, minutes_ago: float) -> BuyerEmail:
    """The shipment's buyer e-mail, pending, its job queued ``minutes_ago`` and lost (a
    killed worker took it and the job ended without running)."""
    shipment, _ = create_shipment(
        account,
        order.pk,
        ShipRequest(carrier="USPS", tracking_number="9400111899223100000078", notify_buyer=True),
        "tests",
    )
    DBTaskResult.objects.all().delete()
    BuyerEmail.objects.filter(shipment=shipment).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return BuyerEmail.objects.get(shipment=shipment)


def test_a_pending_email_whose_job_was_lost_is_queued_again_and_sent_once(
    desk_account: DeskAccount, imported: DeskOrder
) -> None:
    # given: a pending buyer e-mail whose job was lost longer ago than a job waits
    email = _email_queued(desk_account, imported, LOST_JOB / timedelta(minutes=1) + 1)

    # when the periodic tick runs twice, then every queued job
    enqueue_due_notices()
    enqueue_due_notices()
    run_tasks()

    # then it was queued once and sent once
    email.refresh_from_db()
    assert email.state == BuyerEmail.State.SENT
    assert [message.to for message in mail.outbox] == [[email.recipient]]


def test_a_pending_email_queued_a_moment_ago_is_not_queued_again(
    desk_account: DeskAccount, imported: DeskOrder
) -> None:
    # given: a pending buyer e-mail whose job was queued a moment ago
    email = _email_queued(desk_account, imported, 0)

    # when
    enqueue_due_notices()

    # then no job was queued for it
    assert not DBTaskResult.objects.exists()
    email.refresh_from_db()
    assert email.state == BuyerEmail.State.PENDING
