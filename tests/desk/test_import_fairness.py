"""Background fairness: worker lanes, the per-account import limit, and the import lease."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.tasks import enqueue_due_imports, import_store
from crossdock.desk.stores.errors import ImportAlreadyRunning, ImportLeaseLost
from crossdock.desk.stores.leases import ABANDONED, LEASE, claim
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import add_unverified_store
from crossdock.hub.fulfillment.tasks import push_write_back
from crossdock.worker import lanes
from tests.fixtures.desk import desk_client
from tests.fixtures.independent_store import IndependentStore
from tests.fixtures.tasks import run_tasks

EMPTY_PAGE = b'<?xml version="1.0"?><Orders pages="2"></Orders>'


def _store(account: DeskAccount, name: str) -> DeskStore:
    return add_unverified_store(
        account,
        kind="custom",
        name=name,
        url=f"http://{name.lower()}.test/export",
        username="u",
        password="p",
    )


def _empty_store(requests: list[str]) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request.url.host)
        return httpx.Response(200, content=EMPTY_PAGE, headers={"Content-Type": "text/xml"})

    return httpx.Client(transport=httpx.MockTransport(answer))


def test_every_queue_has_exactly_one_lane_and_imports_have_their_own() -> None:
    # when
    configured = lanes()
    claimed = [queue for queues in configured.values() for queue in queues]

    # then
    assert sorted(claimed) == sorted(settings.TASKS["default"]["QUEUES"])
    assert configured["desk-imports"] == ("desk_imports",)
    assert import_store.queue_name == "desk_imports"
    assert push_write_back.queue_name == "writeback"
    assert "writeback" not in configured["desk-imports"]


def test_an_account_at_its_import_limit_waits_and_other_accounts_import(
    desk_account: DeskAccount,
) -> None:
    # given: one import of the account running (a slow store), two more of its stores due,
    # and a store of another account due
    slow, second = _store(desk_account, "Slow"), _store(desk_account, "Second")
    other = _store(create_account("Other Desk", "o@other.test", "other-pass-1"), "Elsewhere")
    claim(slow.pk, timezone.now())
    DeskStore.objects.filter(pk=slow.pk).update(next_import_at=timezone.now() + timedelta(hours=1))

    # when the schedule ticks and the import lane runs what is ready
    enqueue_due_imports()
    run_tasks(("desk_imports",))

    # then the other account's store imported; the second store waits, queued for later
    assert ImportRun.objects.filter(store=other).count() == 1
    assert ImportRun.objects.filter(store=second).count() == 0
    waiting = DBTaskResult.objects.filter(queue_name="desk_imports", status="READY")
    assert [row.args_kwargs["args"][0] for row in waiting] == [second.pk]
    assert waiting.get().run_after is not None


def test_a_crashed_import_frees_the_store_once_its_lease_runs_out(
    desk_account: DeskAccount,
) -> None:
    # given: an import whose worker died three minutes ago, its lease and run left behind
    store = _store(desk_account, "Corner")
    crashed_at = timezone.now() - timedelta(minutes=3)
    claim(store.pk, crashed_at)
    left = ImportRun.objects.create(
        store=store,
        trigger=ImportRun.Trigger.MANUAL,
        started_at=crashed_at,
        window_start=crashed_at,
        window_end=crashed_at,
    )
    requests: list[str] = []

    # when "Import now" is pressed again
    summary = run_import(store.pk, ImportRun.Trigger.MANUAL, client=_empty_store(requests))

    # then it runs, and the dead run says what happened to it
    assert summary.succeeded is True
    assert requests == ["corner.test", "corner.test"]
    left.refresh_from_db()
    assert (left.state, left.error) == (ImportRun.State.FAILED, ABANDONED)
    store.refresh_from_db()
    assert (store.importing_since, store.import_lease_until) == (None, None)


def test_a_live_import_keeps_the_store(desk_account: DeskAccount) -> None:
    # given: an import that renewed its lease a moment ago
    store = _store(desk_account, "Corner")
    claim(store.pk, timezone.now() - LEASE / 2)

    # when / then
    with pytest.raises(ImportAlreadyRunning):
        run_import(store.pk, ImportRun.Trigger.MANUAL, client=_empty_store([]))
    assert ImportRun.objects.count() == 0


def test_the_import_renews_its_lease_before_every_page(desk_account: DeskAccount) -> None:
    # given: a store whose first page takes so long that the lease is nearly out
    store = _store(desk_account, "Corner")
    seen: list[bool] = []

    def answer(request: httpx.Request) -> httpx.Response:
        lease_until = DeskStore.objects.values_list("import_lease_until", flat=True).get()
        seen.append(lease_until is not None and lease_until > timezone.now() + LEASE / 2)
        DeskStore.objects.update(import_lease_until=timezone.now() + timedelta(seconds=1))
        return httpx.Response(200, content=EMPTY_PAGE, headers={"Content-Type": "text/xml"})

    # when
    summary = run_import(
        store.pk,
        ImportRun.Trigger.MANUAL,
        client=httpx.Client(transport=httpx.MockTransport(answer)),
    )

    # then each page request found a freshly renewed lease
    assert summary.succeeded is True
    assert seen == [True, True]


def test_an_import_that_lost_its_lease_stops_and_leaves_the_new_holder_alone(
    desk_account: DeskAccount,
) -> None:
    # given: while page 1 is read, the lease runs out and another import takes the store
    store = _store(desk_account, "Corner")
    taken_at = timezone.now() + timedelta(minutes=5)

    def answer(request: httpx.Request) -> httpx.Response:
        DeskStore.objects.update(importing_since=taken_at, import_lease_until=taken_at + LEASE)
        return httpx.Response(200, content=EMPTY_PAGE, headers={"Content-Type": "text/xml"})

    # when
    with pytest.raises(ImportLeaseLost):
        run_import(
            store.pk,
            ImportRun.Trigger.MANUAL,
            client=httpx.Client(transport=httpx.MockTransport(answer)),
        )

    # then the new holder keeps the store
    store.refresh_from_db()
    assert (store.importing_since, store.import_lease_until) == (taken_at, taken_at + LEASE)


def test_import_now_in_the_ui_queues_the_import_and_the_history_page_follows_it(
    desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given
    store = add_unverified_store(
        desk_account,
        kind="custom",
        name="Corner",
        url=independent_store.url,
        username=independent_store.username,
        password=independent_store.password,
    )
    DeskStore.objects.filter(pk=store.pk).update(auto_import=False)
    browser = desk_client("packer@parcelpals.test", "packing-pass-1")

    # when "Import now" is pressed: the web request only queues it
    pressed = browser.post(f"/desk/stores/{store.pk}/import/")
    waiting = browser.get(f"/desk/stores/{store.pk}/imports/").content.decode()

    # then no call to the store was made on the web thread, and the page polls
    assert pressed.status_code == 302
    assert independent_store.exports == []
    assert ImportRun.objects.count() == 0
    assert 'hx-trigger="every 2s"' in waiting
    assert "An import is queued or running" in waiting

    # when the import lane runs it
    run_tasks(("desk_imports",))
    done = browser.get(f"/desk/stores/{store.pk}/imports/").content.decode()

    # then the run is listed and the page stops polling
    assert ImportRun.objects.get().trigger == ImportRun.Trigger.MANUAL
    assert len(independent_store.exports) == 1
    assert 'hx-trigger="every 2s"' not in done


def test_import_now_while_an_import_holds_the_store_queues_nothing(
    desk_account: DeskAccount,
) -> None:
    # given
    store = _store(desk_account, "Corner")
    claim(store.pk, timezone.now())
    browser = desk_client("packer@parcelpals.test", "packing-pass-1")

    # when
    page = browser.post(f"/desk/stores/{store.pk}/import/", follow=True)

    # then
    assert "An import of Corner is already running." in page.content.decode()
    assert DBTaskResult.objects.filter(queue_name="desk_imports").count() == 0
