"""Background jobs of channels (``django-tasks`` on the database backend, queue ``sync``)."""

from __future__ import annotations

from django_tasks import task

from crossdock.hub.channels.sync import pull_orders


@task(queue_name="sync")
def pull_channel_orders(channel_id: int) -> int | None:
    """Pull a channel's changed orders; returns the sync run id (``None``: another pull ran)."""
    run = pull_orders(channel_id)
    return run.pk if run is not None else None
