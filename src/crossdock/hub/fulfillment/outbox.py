"""The write-back outbox: one row per (fulfillment, channel), queued with the fulfillment."""

from __future__ import annotations

from django.utils import timezone

from crossdock.hub.fulfillment.models import Fulfillment, WriteBack


def queue_write_back(fulfillment: Fulfillment) -> WriteBack:
    """Queue the push of ``fulfillment`` to its order's channel; call inside its transaction.

    Idempotent: the unique ``(fulfillment, channel)`` key makes a second call return the
    same row. The idempotency key sent to the channel is derived from the fulfillment, so a
    re-sent push after a crash carries the same key.
    """
    order = fulfillment.order
    write_back, _ = WriteBack.objects.get_or_create(
        fulfillment=fulfillment,
        channel_id=order.channel_id,
        defaults={
            "account_id": fulfillment.account_id,
            "state": WriteBack.State.PENDING,
            "next_attempt_at": timezone.now(),
            "idempotency_key": f"crossdock-fulfillment-{fulfillment.pk}",
        },
    )
    return write_back
