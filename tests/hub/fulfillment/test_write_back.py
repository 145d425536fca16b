"""Delivering write-backs to the sandbox: faults, back-off, crashes, rejections, replay."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import httpx
import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from crossdock.core.actors import SYSTEM
from crossdock.core.carriers import SHIPSTATION_CARRIERS, tracking_url
from crossdock.core.outbox import RetryPolicy, backoff_delay
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.carriers import set_mapping
from crossdock.hub.channels.errors import ChannelConflict
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import ensure_manual_channel
from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.fulfillment.outbox import queue_write_back
from crossdock.hub.fulfillment.tasks import replay_write_back, sweep_write_backs
from crossdock.hub.fulfillment.writeback import deliver_write_back, shipment_of
from crossdock.hub.orders.models import Order
from crossdock.hub.orders.services import create_order
from crossdock.sandbox import services as sandbox
from crossdock.sandbox.models import SandboxShipment, SandboxShop
from crossdock.sandbox.services import configure_faults
from tests.fixtures.channels import pull, ship
from tests.fixtures.sandbox import sandbox_http
from tests.fixtures.shipstation import order_data

pytestmark = pytest.mark.django_db
FAST = RetryPolicy(base=timedelta(seconds=1), cap=timedelta(seconds=60), max_attempts=12)
State = WriteBack.State


class Clock:
    """A clock the test moves by hand, so back-off waits take no real time."""

    def __init__(self) -> None:
        self.now = timezone.now() + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now


class WorkerKilled(BaseException):
    """Stands for the process dying: nothing in the delivery code may catch it."""


def _pulled_orders(channel: Channel, shop: SandboxShop, count: int) -> list[Order]:
    sandbox.generate_orders(shop, count)
    pull(channel)
    return list(Order.objects.filter(channel=channel).order_by("number"))


def _deliver(row_id: int, clock: Clock, client: httpx.Client | None = None) -> WriteBack | None:
    with client or sandbox_http() as http:
        return deliver_write_back(
            row_id, client=http, clock=clock, policy=FAST, rng=random.Random(7)
        )


def test_recording_a_shipment_queues_one_write_back_and_its_job(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]

    fulfillment = ship(order)

    row = WriteBack.objects.get()
    assert (row.fulfillment_id, row.channel_id, row.state) == (
        fulfillment.pk,
        channel.pk,
        "pending",
    )
    assert row.idempotency_key == f"crossdock-fulfillment-{fulfillment.pk}"
    job = DBTaskResult.objects.get(task_path="crossdock.hub.fulfillment.tasks.push_write_back")
    assert job.args_kwargs == {"args": [row.pk], "kwargs": {}}
    assert queue_write_back(fulfillment) == row
    assert DBTaskResult.objects.filter(task_path=job.task_path).count() == 1


def test_a_write_back_reaches_the_sandbox_with_the_mapped_carrier(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order, carrier="USPS", service="Priority Mail", tracking_number="9400TRACK1")

    row = _deliver(WriteBack.objects.get().pk, Clock())

    assert row is not None
    assert (row.state, row.attempts, row.last_error) == ("accepted", 1, "")
    shipment = SandboxShipment.objects.get()
    assert (shipment.carrier, shipment.service, shipment.tracking_number) == (
        "usps",
        "priority",
        "9400TRACK1",
    )
    assert shipment.order.public_id == order.external_id
    assert shipment.idempotency_key == row.idempotency_key
    assert row.external_id == shipment.public_id
    expected = {line.external_id: line.quantity for line in order.lines.all()}
    assert {line["line_id"]: line["quantity"] for line in shipment.lines} == expected
    assert shipment.tracking_url == (
        "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400TRACK1"
    )


@pytest.mark.parametrize("carrier", [code for code in SHIPSTATION_CARRIERS if code != "Other"])
def test_every_carrier_the_desk_knows_is_written_back_with_its_tracking_url(
    channel: Channel, shop: tuple[SandboxShop, str], carrier: str
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order, carrier=carrier, tracking_number="TRACK-1")

    shipment = shipment_of(WriteBack.objects.get(), "other")

    assert shipment.tracking_url == tracking_url(carrier, "TRACK-1")
    assert shipment.tracking_url.startswith("https://")
    assert "TRACK-1" in shipment.tracking_url


def test_a_carrier_without_a_tracking_page_is_written_back_without_a_url(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order, carrier="Pigeon Post", tracking_number="P-1")

    assert shipment_of(WriteBack.objects.get(), "other").tracking_url == ""


def test_an_unknown_carrier_goes_as_the_channels_fallback_with_its_name(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order, carrier="OnTrac", service="Ground", tracking_number="C1234")

    row = _deliver(WriteBack.objects.get().pk, Clock())

    assert row is not None
    assert row.state == "accepted"
    shipment = SandboxShipment.objects.get()
    assert (shipment.carrier, shipment.carrier_name, shipment.service) == (
        "other",
        "OnTrac",
        "Ground",
    )


def test_with_30_percent_errors_and_429s_every_write_back_is_accepted_exactly_once(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    orders = _pulled_orders(channel, shop[0], 20)
    for index, order in enumerate(orders):
        ship(order, tracking_number=f"9400FAULT{index:04d}")
    configure_faults(
        shop[0],
        {"error_rate": "0.3", "rate_limit_rate": "0.15", "retry_after_seconds": 9, "fault_seed": 3},
    )
    clock = Clock()
    rate_limited = 0
    failures_after_write = 0

    for _ in range(500):
        open_rows = list(
            WriteBack.objects.filter(state__in=(State.PENDING, State.SENDING)).order_by(
                "next_attempt_at"
            )
        )
        if not open_rows:
            break
        row = open_rows[0]
        assert row.next_attempt_at is not None
        clock.now = max(clock.now, row.next_attempt_at)
        had_shipment = SandboxShipment.objects.filter(idempotency_key=row.idempotency_key).exists()
        result = _deliver(row.pk, clock)
        assert result is not None
        if result.state == State.PENDING:
            assert result.next_attempt_at is not None
            waited = result.next_attempt_at - clock.now
            if "→ 429" in result.last_error:
                rate_limited += 1
                assert waited >= timedelta(seconds=9)
            stored = SandboxShipment.objects.filter(idempotency_key=row.idempotency_key).exists()
            failures_after_write += int(stored and not had_shipment)

    states = list(WriteBack.objects.values_list("state", flat=True))
    assert states == ["accepted"] * 20
    assert rate_limited > 0
    assert failures_after_write > 0
    assert SandboxShipment.objects.count() == 20
    assert sorted(SandboxShipment.objects.values_list("tracking_number", flat=True)) == [
        f"9400FAULT{index:04d}" for index in range(20)
    ]
    for row in WriteBack.objects.all():
        assert SandboxShipment.objects.get(idempotency_key=row.idempotency_key).public_id == (
            row.external_id
        )


def _killing_transport(*, after_forwarding: bool) -> httpx.Client:
    """A client whose POST kills the worker, before or after the channel received it."""
    forward = sandbox_http()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and not after_forwarding:
            raise WorkerKilled
        response = forward.send(request)
        if request.method == "POST":
            raise WorkerKilled
        response.read()
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )

    return httpx.Client(transport=httpx.MockTransport(handle))


@pytest.mark.parametrize("channel_received_it", [True, False])
def test_a_worker_killed_mid_push_loses_nothing_and_duplicates_nothing(
    channel: Channel, shop: tuple[SandboxShop, str], channel_received_it: bool
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order)
    row_id = WriteBack.objects.get().pk
    clock = Clock()

    with pytest.raises(WorkerKilled):
        _deliver(row_id, clock, _killing_transport(after_forwarding=channel_received_it))
    left = WriteBack.objects.get()
    assert (left.state, left.attempts) == ("sending", 1)
    assert SandboxShipment.objects.count() == (1 if channel_received_it else 0)

    # Within its lease the row still belongs to the dead worker: nobody touches it.
    assert _deliver(row_id, clock) is None
    clock.now += FAST.lease + timedelta(seconds=1)
    requests: list[httpx.Request] = []
    row = _deliver(row_id, clock, sandbox_http(log=requests))

    assert row is not None
    assert (row.state, row.attempts) == ("accepted", 2)
    assert SandboxShipment.objects.count() == 1
    assert row.external_id == SandboxShipment.objects.get().public_id
    # The abandoned row is looked up first; it is sent only when the channel lacks it.
    methods = [request.method for request in requests]
    assert methods == (["GET"] if channel_received_it else ["GET", "POST"])


def _hanging_after_write() -> httpx.Client:
    """A client whose POST reaches the channel, then times out waiting for the answer."""
    forward = sandbox_http()

    def handle(request: httpx.Request) -> httpx.Response:
        response = forward.send(request)
        response.read()
        if request.method == "POST":
            raise httpx.ReadTimeout("the channel hung", request=request)
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )

    return httpx.Client(transport=httpx.MockTransport(handle))


@pytest.mark.parametrize("sent_again", ["after its back-off", "replayed after giving up"])
def test_a_push_whose_answer_was_lost_to_a_timeout_is_looked_up_before_it_is_sent_again(
    channel: Channel, shop: tuple[SandboxShop, str], account: Account, sent_again: str
) -> None:
    # given a push the channel stored, whose answer never came (the call timed out); with
    # one attempt allowed, the write-back gave up
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order)
    row_id = WriteBack.objects.get().pk
    clock = Clock()
    replayed = sent_again == "replayed after giving up"
    policy = RetryPolicy(max_attempts=1) if replayed else FAST
    with _hanging_after_write() as http:
        timed_out = deliver_write_back(row_id, client=http, clock=clock, policy=policy)
    assert timed_out is not None
    assert timed_out.state == ("dead" if replayed else "pending")
    assert timed_out.last_error.endswith("RetryableError: timed out: ReadTimeout")
    assert SandboxShipment.objects.count() == 1

    # when it is retried after its back-off, or the merchant replays it
    if replayed:
        replay_write_back(account, row_id)
        clock.now = timezone.now() + timedelta(seconds=1)
    else:
        assert timed_out.next_attempt_at is not None
        clock.now = timed_out.next_attempt_at
    requests: list[httpx.Request] = []
    row = _deliver(row_id, clock, sandbox_http(log=requests))

    # then it is found on the channel by its key and not sent a second time
    assert row is not None
    assert (row.state, row.attempts) == ("accepted", 1 if replayed else 2)
    assert [request.method for request in requests] == ["GET"]
    assert SandboxShipment.objects.count() == 1
    assert row.external_id == SandboxShipment.objects.get().public_id


def test_an_unexpected_failure_backs_off_and_ends_dead_instead_of_looping(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    row_id = ship(order).write_backs.get().pk
    clock = Clock()

    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("disk on fire")

    states = []
    for _ in range(FAST.max_attempts):
        delivered = _deliver(row_id, clock, httpx.Client(transport=httpx.MockTransport(explode)))
        assert delivered is not None
        states.append(delivered.state)
        clock.now += FAST.cap

    assert states == ["pending"] * (FAST.max_attempts - 1) + ["dead"]
    assert WriteBack.objects.get(pk=row_id).last_error == (
        f"gave up after {FAST.max_attempts} attempts; last: "
        "RetryableError: unexpected RuntimeError: disk on fire"
    )
    assert SandboxShipment.objects.count() == 0


def test_a_retryable_failure_hands_the_next_attempt_to_the_retry_hook_and_no_job_else(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    # given a shipped order whose first job is gone and a channel that answers 503
    order = _pulled_orders(channel, shop[0], 1)[0]
    row_id = ship(order).write_backs.get().pk
    DBTaskResult.objects.all().delete()
    configure_faults(shop[0], {"error_rate": "1"})
    asked: list[tuple[int, datetime]] = []
    clock = Clock()

    # when delivery fails once with the task's retry hook, then once without one
    with sandbox_http() as http:
        deliver_write_back(
            row_id,
            client=http,
            clock=clock,
            policy=FAST,
            retry=lambda pk, due: asked.append((pk, due)),
        )
    first = WriteBack.objects.get(pk=row_id)
    assert first.next_attempt_at is not None
    clock.now = first.next_attempt_at
    with sandbox_http() as http:
        deliver_write_back(row_id, client=http, clock=clock, policy=FAST)

    # then the hook got the row and its backed-off time, and delivery enqueued nothing itself
    assert first.state == "pending"
    assert asked == [(row_id, first.next_attempt_at)]
    assert WriteBack.objects.get(pk=row_id).attempts == 2
    assert DBTaskResult.objects.count() == 0


def test_the_sweep_enqueues_rows_whose_job_was_lost(
    channel: Channel, shop: tuple[SandboxShop, str]
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order)
    DBTaskResult.objects.all().delete()
    row = WriteBack.objects.get()

    assert sweep_write_backs(timezone.now()) == 0
    assert sweep_write_backs(timezone.now() + timedelta(minutes=5)) == 1
    job = DBTaskResult.objects.get()
    assert job.args_kwargs == {"args": [row.pk], "kwargs": {}}


def test_a_refused_write_back_is_rejected_with_the_reason_then_replayed(
    channel: Channel, shop: tuple[SandboxShop, str], account: Account
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    # A merchant mapping the sandbox refuses: its carriers are lower case.
    set_mapping(account, channel_kind="sandbox", carrier="USPS", channel_carrier="USPS")
    ship(order)
    clock = Clock()

    rejected = _deliver(WriteBack.objects.get().pk, clock)

    assert rejected is not None
    assert rejected.state == "rejected"
    assert rejected.last_error.startswith("ValidationError: POST ")
    assert "→ 422" in rejected.last_error
    assert "carrier 'USPS' is not one of" in rejected.last_error
    assert SandboxShipment.objects.count() == 0

    set_mapping(account, channel_kind="sandbox", carrier="USPS", channel_carrier="usps")
    replayed = replay_write_back(account, rejected.pk)
    assert (replayed.state, replayed.attempts, replayed.last_error) == ("pending", 0, "")
    clock.now = timezone.now() + timedelta(seconds=1)
    accepted = _deliver(rejected.pk, clock)
    assert accepted is not None
    assert accepted.state == "accepted"
    assert SandboxShipment.objects.get().carrier == "usps"


def test_a_write_back_out_of_attempts_is_dead_and_only_failed_rows_replay(
    channel: Channel, shop: tuple[SandboxShop, str], account: Account
) -> None:
    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order)
    configure_faults(shop[0], {"error_rate": "1"})
    row_id = WriteBack.objects.get().pk
    clock = Clock()
    policy = RetryPolicy(base=timedelta(seconds=1), max_attempts=3)

    with pytest.raises(ChannelConflict):
        replay_write_back(account, row_id)
    for _ in range(3):
        row = WriteBack.objects.get()
        assert row.next_attempt_at is not None
        clock.now = max(clock.now, row.next_attempt_at)
        with sandbox_http() as http:
            deliver_write_back(row_id, client=http, clock=clock, policy=policy)

    dead = WriteBack.objects.get()
    assert (dead.state, dead.attempts, dead.next_attempt_at) == ("dead", 3, None)
    # A retry looks the shipment up first (the 503 may have come after it was stored), and
    # that look-up is what failed last.
    assert dead.last_error.startswith("gave up after 3 attempts; last: RetryableError: GET")
    # Some of those 503s came after the marketplace stored the shipment: a replay must
    # still leave exactly one there.
    configure_faults(shop[0], {"error_rate": "0"})
    assert replay_write_back(account, row_id).state == "pending"
    clock.now = timezone.now() + timedelta(seconds=1)
    assert _deliver(row_id, clock) is not None
    assert WriteBack.objects.get().state == "accepted"
    assert SandboxShipment.objects.count() == 1


def test_a_write_back_of_another_account_cannot_be_replayed(
    channel: Channel, shop: tuple[SandboxShop, str], make_account: object
) -> None:
    from crossdock.hub.channels.errors import ChannelNotFound

    order = _pulled_orders(channel, shop[0], 1)[0]
    ship(order)
    row = WriteBack.objects.get()
    WriteBack.objects.filter(pk=row.pk).update(state=State.DEAD)
    assert callable(make_account)
    stranger = make_account("Stranger")

    with pytest.raises(ChannelNotFound):
        replay_write_back(stranger, row.pk)
    assert WriteBack.objects.get().state == "dead"


def test_the_manual_channel_accepts_write_backs_as_a_no_op(account: Account) -> None:
    order = create_order(account, order_data("M-1"), SYSTEM, channel=ensure_manual_channel(account))
    fulfillment = Fulfillment.objects.create(
        account=account, order=order, source="manual", carrier="UPS", dedupe_key="k"
    )
    row = queue_write_back(fulfillment)

    delivered = deliver_write_back(row.pk, client=httpx.Client(), clock=Clock())

    assert delivered is not None
    assert (delivered.state, delivered.external_id) == ("accepted", "")


def test_backoff_doubles_with_jitter_is_capped_and_honours_retry_after() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(seconds=100))
    rng = random.Random(1)

    delays = [backoff_delay(attempt, None, policy, rng) for attempt in range(1, 8)]

    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(timedelta(seconds=100), timedelta(seconds=10 * 2 ** (attempt - 1)))
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_delay(1, 300.0, policy, rng) == timedelta(seconds=300)
    assert backoff_delay(10_000, None, policy, rng) <= timedelta(seconds=100)
