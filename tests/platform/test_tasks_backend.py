"""The task backend stores a job row as django-tasks-db's own ``create`` would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django_tasks_db.models import DBTaskResult, get_date_max

from crossdock.hub.fulfillment.tasks import push_write_back

LATER = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def _row(job_id: str) -> tuple[object, ...]:
    row = DBTaskResult.objects.get(pk=job_id)
    return (
        row.status,
        row.args_kwargs,
        row.priority,
        row.task_path,
        row.queue_name,
        row.backend_name,
        row.run_after,
        row.worker_ids,
        row.return_value,
        row.exception_class_path,
        row.traceback,
        row.started_at,
        row.finished_at,
    )


@pytest.mark.django_db
def test_an_enqueued_job_is_stored_ready_to_run_as_the_library_stores_it() -> None:
    # when a job is enqueued now and one for later
    now = push_write_back.enqueue(41)
    later = push_write_back.using(run_after=LATER).enqueue(42)
    # then both rows hold what the library's create would store
    common = (0, "crossdock.hub.fulfillment.tasks.push_write_back", "writeback", "default")
    assert _row(now.id) == (
        "READY", {"args": [41], "kwargs": {}}, *common, get_date_max(), [], None, "", "", None, None
    )  # fmt: skip
    assert _row(later.id) == (
        "READY", {"args": [42], "kwargs": {}}, *common, LATER, [], None, "", "", None, None
    )  # fmt: skip
    # and the one due now is ready for a worker, the later one not yet
    ready = set(DBTaskResult.objects.ready().values_list("id", flat=True))
    assert {str(job_id) for job_id in ready} & {now.id, later.id} == {now.id}
