"""Ship notices are fenced: a worker whose claim was taken over cannot overwrite the newer
attempt's outcome when its own call finally ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments.models import StoreNotice
from crossdock.desk.shipments.notices import deliver_notice
from crossdock.desk.shipments.tasks import enqueue_due_notices
from crossdock.desk.stores.models import ImportRun
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import connect_corner_shop
from tests.fixtures.independent_store import IndependentStore, full_order


@pytest.fixture
def notice(
    desk_account: DeskAccount, desk_api: DeskApiClient, independent_store: IndependentStore
) -> StoreNotice:
    """The notice of a shipment of order 1001, due now and not yet sent."""
    independent_store.orders = [full_order("1001", datetime.now(UTC) - timedelta(hours=1))]
    store = connect_corner_shop(desk_account, independent_store)
    run_import(store.pk, ImportRun.Trigger.MANUAL)
    order = DeskOrder.objects.get(order_number="1001")
    created = desk_api.post(
        f"/orders/{order.pk}/shipments", {"carrier": "UPS", "tracking_number": "1Z999"}
    )
    assert created.status_code == 201, created.content
    return StoreNotice.objects.get()


def test_a_stale_workers_failure_does_not_overwrite_the_attempt_that_took_over(
    notice: StoreNotice, independent_store: IndependentStore
) -> None:
    # given a first worker whose call hangs so long that its claim runs out, and a second
    # worker that takes the notice over meanwhile and delivers it
    def slow_then_refused(request: httpx.Request) -> httpx.Response:
        past = datetime.now(UTC) - timedelta(hours=1)
        StoreNotice.objects.filter(pk=notice.pk).update(claimed_at=past, next_attempt_at=past)
        enqueue_due_notices()
        taken_over = deliver_notice(notice.pk)
        assert (taken_over.state, taken_over.attempts) == (StoreNotice.State.SENT, 2)
        return httpx.Response(500, text="too late")

    # when the first worker's call finally ends, in failure
    with httpx.Client(transport=httpx.MockTransport(slow_then_refused)) as stale:
        deliver_notice(notice.pk, client=stale)

    # then the second attempt's outcome stands
    fresh = StoreNotice.objects.get(pk=notice.pk)
    assert (fresh.state, fresh.attempts, fresh.answer_status, fresh.next_attempt_at) == (
        StoreNotice.State.SENT,
        2,
        200,
        None,
    )
    assert len(independent_store.notices) == 1
