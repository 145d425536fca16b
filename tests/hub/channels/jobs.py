"""A background job for tests: it leaves one row per run, so a job run twice shows."""

from __future__ import annotations

from django_tasks import task

from crossdock.sandbox.models import SandboxStockUpdate


@task(queue_name="default")
def leave_a_mark(shop_id: int, number: int) -> int:
    SandboxStockUpdate.objects.create(shop_id=shop_id, sku=f"job-{number}", quantity=number)
    return number
