"""Background jobs of fulfillment: ``django-tasks`` on the database backend, queue ``writeback``."""

from __future__ import annotations

from django_tasks import task

from crossdock.hub.fulfillment.writeback import deliver_write_back


@task(queue_name="writeback")
def push_write_back(write_back_id: int) -> str | None:
    """Deliver one write-back if it is due; returns its state afterwards."""
    row = deliver_write_back(write_back_id)
    return row.state if row is not None else None
