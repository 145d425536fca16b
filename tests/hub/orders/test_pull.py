"""The order pull against the sandbox: upserts, overlap windows, cursors, problems, cancels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossdock.core.actors import Actor
from crossdock.core.dto import OrderData
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.models import Channel, SyncRun
from crossdock.hub.orders import pull as pull_module
from crossdock.hub.orders.models import Order, OrderEvent
from crossdock.hub.orders.pull import ABANDONED_RUN, LEASE, claim_channel, pull_orders
from crossdock.hub.orders.tasks import enqueue_due_pulls
from crossdock.hub.orders.upsert import upsert_channel_order
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxOrder, SandboxShop
from crossdock.sandbox.services import configure_faults
from tests.fixtures.channels import pull

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, tuple[datetime, str]]:
    return {o.external_id: (o.modified_at, o.payload_digest) for o in Order.objects.all()}


def test_a_first_pull_stores_every_order_with_its_features(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    generated = sandbox.generate_orders(shop[0], 12)

    run = pull(channel)

    assert (run.outcome, run.fetched, run.created, run.failed) == ("succeeded", 12, 12, 0)
    orders = Order.objects.filter(channel=channel)
    assert sorted(o.external_id for o in orders) == sorted(g.public_id for g in generated)
    source = generated[0].document
    stored = orders.get(external_id=source["id"])
    assert stored.number == source["number"]
    assert stored.ship_to_address1 == source["shipping_address"]["line1"]
    assert stored.ship_to_phone == source["shipping_address"]["phone"]
    assert str(stored.total) == source["total"]
    assert stored.lines.count() == len(source["lines"])
    line_ids = [raw["id"] for raw in source["lines"]]
    assert [line.external_id for line in stored.lines.all()] == line_ids
    channel.refresh_from_db()
    assert channel.order_cursor == max(g.updated_at for g in generated)
    assert channel.last_error == ""
    assert channel.last_sync_at is not None
    assert channel.next_sync_at == channel.last_sync_at + timedelta(seconds=channel.sync_interval)


def test_pulling_again_over_the_overlap_changes_nothing(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    sandbox.generate_orders(shop[0], 5)
    pull(channel)
    before = _snapshot()
    events = OrderEvent.objects.count()

    again = pull(channel)

    assert (again.fetched, again.created, again.updated, again.unchanged) == (5, 0, 0, 5)
    assert _snapshot() == before
    assert OrderEvent.objects.count() == events
    assert Order.objects.count() == 5


def test_a_change_on_the_channel_updates_the_order_and_moves_modified_at(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = sandbox.generate_orders(shop[0], 1)[0]
    pull(channel)
    stored = Order.objects.get()
    address = {**order.document["shipping_address"], "line2": "Floor 7"}

    sandbox.change_order(shop[0], order.public_id, {"shipping_address": address})
    run = pull(channel)

    updated = Order.objects.get()
    assert (run.updated, run.created) == (1, 0)
    assert updated.ship_to_address2 == "Floor 7"
    assert updated.modified_at > stored.modified_at
    assert updated.payload_digest != stored.payload_digest
    event = OrderEvent.objects.filter(order=updated, kind="channel_updated").get()
    assert event.data == {"fields": ["ship_to_address2"]}


def test_a_change_only_to_what_the_merchant_owns_leaves_modified_at_alone(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = sandbox.generate_orders(shop[0], 1)[0]
    pull(channel)
    stored = Order.objects.get()
    events = OrderEvent.objects.count()

    sandbox.change_order(shop[0], order.public_id, {"seller_note": "The channel's own note"})
    run = pull(channel)

    again = Order.objects.get()
    assert (run.updated, run.unchanged) == (0, 1)
    assert (again.modified_at, again.internal_notes) == (stored.modified_at, stored.internal_notes)
    assert again.payload_digest != stored.payload_digest
    assert OrderEvent.objects.count() == events


def test_an_order_changed_during_a_pull_is_not_missed(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    start = timezone.now() - timedelta(minutes=30)
    orders = [
        sandbox.generate_orders(shop[0], 1, now=start + timedelta(seconds=i))[0] for i in range(5)
    ]
    # Shrink the page so the pull takes several requests.
    pages = 0

    def between_pages(request: httpx.Request) -> None:
        nonlocal pages
        if request.url.path.endswith("/orders"):
            pages += 1
            request.url = request.url.copy_merge_params({"limit": "2"})
            if pages == 2:
                # The buyer edits an order already read, while the pull is on page two.
                sandbox.change_order(shop[0], orders[0].public_id, {"buyer_note": "Mid-pull"})

    run = pull(channel, before=between_pages)

    assert pages == 3
    assert Order.objects.count() == 5
    assert Order.objects.get(external_id=orders[0].public_id).customer_notes == "Mid-pull"
    assert run.created == 5
    assert run.fetched == 6


def test_an_order_the_database_failed_to_store_is_not_passed_by_the_cursor(
    channel: Channel, shop: tuple[SandboxShop, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given two stored orders, both changed on the channel, the second well past the
    # overlap after the first, and a database that fails while storing the first change
    early, late = sandbox.generate_orders(shop[0], 2)
    pull(channel)
    moment = timezone.now() + timedelta(minutes=1)
    sandbox.change_order(shop[0], early.public_id, {"buyer_note": "Early change"}, now=moment)
    sandbox.change_order(
        shop[0], late.public_id, {"buyer_note": "Late change"}, now=moment + timedelta(minutes=5)
    )
    store = upsert_channel_order

    def locked(channel: Channel, data: OrderData, actor: Actor) -> object:
        if data.external_id == early.public_id:
            raise OperationalError("database is locked")
        return store(channel, data, actor)

    monkeypatch.setattr(pull_module, "upsert_channel_order", locked)

    # when a pull meets that failure, and the next pull runs on a working database
    with pytest.raises(OperationalError):
        pull(channel)
    monkeypatch.setattr(pull_module, "upsert_channel_order", store)
    run = pull(channel)

    # then the first change was read again and stored, not skipped for good
    notes = dict(Order.objects.values_list("external_id", "customer_notes"))
    assert notes == {early.public_id: "Early change", late.public_id: "Late change"}
    assert run.outcome == "succeeded"


def test_an_order_that_settles_late_inside_the_overlap_is_picked_up(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    now = timezone.now()
    sandbox.generate_orders(shop[0], 1, now=now - timedelta(seconds=10))
    pull(channel)
    # The marketplace commits an order stamped before the cursor (a late-settling write).
    late = sandbox.generate_orders(shop[0], 1, now=now - timedelta(seconds=40))[0]

    run = pull(channel)

    assert run.created == 1
    assert Order.objects.filter(external_id=late.public_id).exists()


def test_a_bad_order_is_recorded_and_skipped_and_the_others_are_stored(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    good, bad, other = sandbox.generate_orders(shop[0], 3)
    SandboxOrder.objects.filter(pk=bad.pk).update(document={**bad.document, "currency": "€"})

    run = pull(channel)

    assert (run.outcome, run.created, run.failed) == ("partial", 2, 1)
    assert run.problems == [
        {"external_id": bad.public_id, "error": "currency '€' is not an ISO 4217 code"}
    ]
    assert sorted(Order.objects.values_list("external_id", flat=True)) == sorted(
        [good.public_id, other.public_id]
    )
    channel.refresh_from_db()
    assert channel.order_cursor == max(o.updated_at for o in (good, bad, other))
    assert channel.last_error == f"1 order could not be stored; see sync run {run.pk}"


def test_orders_beyond_what_the_hub_can_store_are_problems_not_crashes(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    good, pricey, bulky = sandbox.generate_orders(shop[0], 3)
    line = pricey.document["lines"][0]
    SandboxOrder.objects.filter(pk=pricey.pk).update(
        document={**pricey.document, "lines": [{**line, "unit_price": "1e30"}]}
    )
    SandboxOrder.objects.filter(pk=bulky.pk).update(
        document={**bulky.document, "lines": [{**line, "quantity": 10**30}]}
    )

    run = pull(channel)

    assert (run.outcome, run.created, run.failed) == ("partial", 1, 2)
    assert {problem["external_id"] for problem in run.problems} == {
        pricey.public_id,
        bulky.public_id,
    }
    assert all("out of range" in problem["error"] for problem in run.problems)
    assert list(Order.objects.values_list("external_id", flat=True)) == [good.public_id]


def test_an_order_the_hub_refuses_is_skipped_without_blocking(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    first, second = sandbox.generate_orders(shop[0], 2)
    # Same order number under another id: the hub's unique (channel, number) refuses it.
    SandboxOrder.objects.filter(pk=second.pk).update(
        document={**second.document, "number": first.number}
    )

    run = pull(channel)

    assert (run.created, run.failed) == (1, 1)
    assert run.problems[0]["external_id"] == second.public_id
    assert list(Order.objects.values_list("external_id", flat=True)) == [first.public_id]


def test_a_cancellation_on_the_channel_cancels_the_hub_order(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = sandbox.generate_orders(shop[0], 1)[0]
    pull(channel)
    before = Order.objects.get().modified_at

    sandbox.cancel_order(shop[0], order.public_id)
    run = pull(channel)

    cancelled = Order.objects.get()
    assert run.cancelled == 1
    assert cancelled.status == "cancelled"
    assert cancelled.modified_at > before
    assert OrderEvent.objects.filter(order=cancelled, kind="cancelled").count() == 1


def test_a_hold_set_in_the_hub_survives_a_channel_update(
    channel: Channel, shop: tuple[SandboxShop, str], account: Account
) -> None:
    from crossdock.core.actors import SYSTEM
    from crossdock.hub.orders.services import OrderChanges, update_order

    order = next(o for o in sandbox.generate_orders(shop[0], 10) if o.status == "paid")
    pull(channel)
    stored = Order.objects.get(external_id=order.public_id)
    update_order(account, stored.pk, OrderChanges(hold=True, internal_notes="Mine"), SYSTEM)

    sandbox.change_order(shop[0], order.public_id, {"buyer_note": "Hurry", "seller_note": "x"})
    pull(channel)

    stored.refresh_from_db()
    assert (stored.status, stored.status_before_hold) == ("on_hold", "paid")
    assert (stored.customer_notes, stored.internal_notes) == ("Hurry", "Mine")


def test_a_failing_channel_records_a_failed_run_and_keeps_the_cursor(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    sandbox.generate_orders(shop[0], 2)
    pull(channel)
    channel.refresh_from_db()
    cursor = channel.order_cursor
    configure_faults(shop[0], {"error_rate": "1"})
    sandbox.generate_orders(shop[0], 1)

    run = pull(channel)

    channel.refresh_from_db()
    assert run.outcome == SyncRun.Outcome.FAILED
    assert run.error.startswith("RetryableError: GET /sandbox/api/v1/orders → 503")
    assert run.duration_ms is not None
    assert channel.order_cursor == cursor
    assert channel.last_error == run.error
    assert channel.sync_lease_owner == ""
    assert Order.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (
            b"<html>502 Bad Gateway</html>",
            "ValidationError: GET /sandbox/api/v1/orders: answer is not JSON",
        ),
        (b"[1, 2]", "ValidationError: GET /orders: answer is not a JSON object"),
        (b'{"orders": {"id": 1}}', "ValidationError: orders page has no orders list"),
        (b'{"orders": [{"id": ["x"]}]}', "ValidationError: id is not text"),
        (
            b"[" * 100_000 + b"]" * 100_000,
            "ValidationError: GET /sandbox/api/v1/orders: answer is not JSON",
        ),
    ],
)
def test_an_answer_of_the_wrong_shape_fails_the_run_with_a_typed_error(
    channel: Channel, body: bytes, error: str
) -> None:
    answer = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with httpx.Client(transport=answer) as client:
        run = pull_orders(channel.pk, client=client)

    assert run is not None
    channel.refresh_from_db()
    assert (run.outcome, run.error, run.fetched) == ("failed", error, 0)
    assert (channel.order_cursor, channel.last_error, channel.sync_lease_owner) == (None, error, "")


def test_an_unexpected_failure_is_recorded_as_a_failed_run_and_raised(channel: Channel) -> None:
    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("disk on fire")

    with (
        httpx.Client(transport=httpx.MockTransport(explode)) as client,
        pytest.raises(RuntimeError, match="disk on fire"),
    ):
        pull_orders(channel.pk, client=client)

    run = SyncRun.objects.get()
    channel.refresh_from_db()
    assert (run.outcome, run.error) == ("failed", "unexpected RuntimeError: disk on fire")
    assert (channel.last_error, channel.last_success_at, channel.sync_lease_owner) == (
        run.error,
        None,
        "",
    )


def test_wrong_credentials_fail_the_run_with_the_reason(channel: Channel) -> None:
    from crossdock.hub.channels.services import update_channel

    update_channel(channel.account, channel.pk, values={"api_token": "sbx_revoked"})

    run = pull(channel)

    assert run.outcome == "failed"
    assert run.error.startswith("AuthenticationError: GET /sandbox/api/v1/orders → 401")


def test_a_channel_held_by_a_live_pull_is_not_pulled_twice(channel: Channel) -> None:
    assert claim_channel(channel.pk, "other-worker", timezone.now())

    assert pull_orders(channel.pk, client=httpx.Client()) is None
    assert SyncRun.objects.count() == 0


def test_a_dead_workers_lease_expires_and_the_channel_is_pulled(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    sandbox.generate_orders(shop[0], 1)
    Channel.objects.filter(pk=channel.pk).update(
        sync_lease_owner="dead-worker", sync_lease_until=timezone.now() - LEASE / 10
    )

    run = pull(channel)

    assert run.created == 1


def _run_left_running(channel: Channel, lease_until: datetime) -> SyncRun:
    """What a worker killed mid-pull leaves: its run "running", its lease on the channel."""
    Channel.objects.filter(pk=channel.pk).update(
        sync_lease_owner="dead-worker", sync_lease_until=lease_until
    )
    return SyncRun.objects.create(
        account_id=channel.account_id,
        channel=channel,
        kind=SyncRun.Kind.ORDERS,
        started_at=timezone.now() - LEASE * 2,
    )


def test_a_run_a_killed_worker_left_running_is_closed_by_the_next_pull(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    # given a pull whose worker was killed: its run is "running" and its lease ran out
    sandbox.generate_orders(shop[0], 1)
    left = _run_left_running(channel, timezone.now() - LEASE / 10)

    # when the channel is pulled again
    run = pull(channel)

    # then the abandoned run is failed with the reason, and the new one succeeded
    left.refresh_from_db()
    assert (left.outcome, left.error) == ("failed", ABANDONED_RUN)
    assert left.finished_at == run.started_at
    assert (run.outcome, run.created) == ("succeeded", 1)
    assert SyncRun.objects.filter(outcome="running").count() == 0


def test_a_live_pulls_run_is_left_running(channel: Channel) -> None:
    # given a pull in progress, its lease still held
    live = _run_left_running(channel, timezone.now() + LEASE / 2)

    # when another pull of the channel is tried
    assert pull_orders(channel.pk, client=httpx.Client()) is None

    # then the live run is untouched
    live.refresh_from_db()
    assert (live.outcome, live.finished_at, live.error) == ("running", None, "")


def test_due_channels_are_enqueued_once_even_when_ticked_twice(channel: Channel) -> None:
    Channel.objects.filter(pk=channel.pk).update(next_sync_at=timezone.now() - timedelta(seconds=1))

    first = enqueue_due_pulls()
    second = enqueue_due_pulls()

    assert (first, second) == (1, 0)
    task = DBTaskResult.objects.get()
    assert task.task_path == "crossdock.hub.orders.tasks.pull_channel_orders"
    assert task.args_kwargs == {"args": [channel.pk], "kwargs": {}}
    channel.refresh_from_db()
    assert channel.next_sync_at is not None
    assert channel.next_sync_at > timezone.now() + timedelta(seconds=channel.sync_interval - 5)


def test_inactive_channels_are_neither_scheduled_nor_pulled(channel: Channel) -> None:
    Channel.objects.filter(pk=channel.pk).update(
        is_active=False, next_sync_at=datetime(2026, 1, 1, tzinfo=UTC)
    )

    assert enqueue_due_pulls() == 0
    assert pull_orders(channel.pk, client=httpx.Client()) is None


def test_the_worker_ticks_pulls_and_the_write_back_sweep() -> None:
    from crossdock.scheduling import registered

    ticks = {periodic.name: periodic.every_seconds for periodic in registered()}

    assert ticks["channels.enqueue_due_pulls"] == 15
    assert ticks["fulfillment.sweep_write_backs"] == 30
