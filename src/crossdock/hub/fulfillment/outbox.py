"""The write-back outbox: one row per (fulfillment, channel), queued with the fulfillment."""

from __future__ import annotations

from django.utils import timezone

from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.fulfillment.tasks import push_write_back
from crossdock.platform.rows import insert


def queue_write_back(fulfillment: Fulfillment, *, fresh: bool = False) -> WriteBack:
    """Queue the push of ``fulfillment`` to its order's channel; call inside its transaction.

    Idempotent: the unique ``(fulfillment, channel)`` key makes a second call return the
    same row. The idempotency key sent to the channel is derived from the fulfillment, so a
    re-sent push after a crash carries the same key. The delivery job is enqueued in the
    same transaction (the task queue is a table), so it exists exactly when the row does;
    the periodic sweep picks up any row whose job was lost.

    ``fresh`` says the fulfillment was created in this very transaction, so no row can
    exist yet: the row is inserted without looking first (one statement fewer while the
    write lock is held), with :func:`crossdock.platform.rows.insert`.
    """
    order = fulfillment.order
    fields = {
        "account_id": fulfillment.account_id,
        "state": WriteBack.State.PENDING,
        "next_attempt_at": timezone.now(),
        "idempotency_key": f"crossdock-fulfillment-{fulfillment.pk}",
    }
    if fresh:
        write_back = WriteBack(fulfillment=fulfillment, channel_id=order.channel_id, **fields)
        # One statement built once (the hot path of every new ship notice).
        insert(write_back)
        created = True
    else:
        write_back, created = WriteBack.objects.get_or_create(
            fulfillment=fulfillment, channel_id=order.channel_id, defaults=fields
        )
    if created:
        push_write_back.enqueue(write_back.pk)
    return write_back
