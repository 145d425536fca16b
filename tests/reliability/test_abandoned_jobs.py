"""A job claimed by a worker that died is released, never left "running" forever.

Found by ``test_worker_kills.py``: a worker killed with ``SIGKILL`` while it ran a job left
that job's row ``RUNNING`` for good (the write-back itself was recovered by its own sweep).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossdock.worker import ABANDONED_AFTER, release_abandoned_jobs
from tests.fixtures.jobs import leave_a_mark


@pytest.mark.django_db
def test_a_job_claimed_past_the_limit_is_released_and_a_recent_one_is_not() -> None:
    # given two claimed jobs: one whose worker died long ago, one still running
    now = timezone.now()
    old = DBTaskResult.objects.get(id=leave_a_mark.enqueue(1, 1).id)
    recent = DBTaskResult.objects.get(id=leave_a_mark.enqueue(1, 2).id)
    DBTaskResult.objects.filter(id=old.id).update(
        status="RUNNING", started_at=now - ABANDONED_AFTER - timedelta(seconds=1)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="RUNNING", started_at=now - timedelta(minutes=5)
    )

    # when
    released = release_abandoned_jobs(now)

    # then
    assert released == 1
    assert DBTaskResult.objects.get(id=old.id).status == "FAILED"
    assert DBTaskResult.objects.get(id=old.id).finished_at == now
    assert DBTaskResult.objects.get(id=recent.id).status == "RUNNING"
