"""One request budget per channel, shared by every worker: the bucket row and its signals."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.db import connection, connections

from crossdock.connectors.base import RateLimit, RetryableError
from crossdock.connectors.http import QuotaSignal, build_client, send
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.connections import connected
from crossdock.hub.channels.models import Channel, ChannelRateLimit
from crossdock.hub.channels.ratelimit import Limiter, hold_back, take
from crossdock.hub.channels.services import add_channel
from tests.connectors.conformance.harness import Harness
from tests.connectors.woocommerce.fake import WooFake

LIMIT = RateLimit(per_second=2, burst=3)
T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture
def channel(account: Account) -> Channel:
    config = WooFake().good_config()
    return add_channel(account, "woocommerce", "Woo", {**config.settings, **config.secrets})


@pytest.mark.django_db
def test_the_burst_is_spent_then_tokens_come_back_at_the_rate(channel: Channel) -> None:
    spent = [take(channel.pk, LIMIT, T0) for _ in range(4)]

    assert spent == [0.0, 0.0, 0.0, 0.5]
    assert take(channel.pk, LIMIT, T0 + timedelta(seconds=0.5)) == 0.0
    assert take(channel.pk, LIMIT, T0 + timedelta(seconds=0.5)) == pytest.approx(0.5)


@pytest.mark.django_db
def test_two_workers_share_one_budget_and_the_second_waits_its_turn(channel: Channel) -> None:
    slept: list[float] = []
    first = Limiter(channel.pk, LIMIT, clock=lambda: T0, sleep=slept.append)
    clock = iter([T0, T0 + timedelta(seconds=0.5)])
    second = Limiter(channel.pk, LIMIT, clock=lambda: next(clock), sleep=slept.append)
    request = httpx.Request("GET", "https://shop.example.com/")

    for _ in range(3):
        first.before_request(request)
    second.before_request(request)

    assert slept == [0.5]


@pytest.mark.django_db
def test_a_wait_longer_than_the_limit_fails_as_retryable_without_sleeping(
    channel: Channel,
) -> None:
    hold_back(channel.pk, LIMIT, QuotaSignal(retry_after=120), T0)
    slept: list[float] = []
    limiter = Limiter(channel.pk, LIMIT, clock=lambda: T0, sleep=slept.append)

    with pytest.raises(RetryableError) as raised:
        limiter.before_request(httpx.Request("GET", "https://shop.example.com/"))

    assert raised.value.retry_after == 120.0
    assert slept == []


@pytest.mark.django_db
def test_retry_after_and_quota_headers_of_any_answer_hold_back_every_worker(
    channel: Channel,
) -> None:
    answers = iter(
        [
            httpx.Response(
                200,
                headers={"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "1500"},
            ),
            httpx.Response(429, headers={"Retry-After": "9"}),
        ]
    )
    client = build_client(transport=httpx.MockTransport(lambda request: next(answers)))
    now = [T0]
    slept: list[float] = []
    Limiter(channel.pk, LIMIT, clock=lambda: now[0], sleep=slept.append).attach(client)

    send(client, "GET", "https://shop.example.com/a")
    reset = ChannelRateLimit.objects.get(channel=channel)
    now[0] = T0 + timedelta(seconds=2)
    with pytest.raises(RetryableError) as limited:
        send(client, "GET", "https://shop.example.com/b")
    held = ChannelRateLimit.objects.get(channel=channel)

    assert (reset.blocked_until, reset.tokens) == (T0 + timedelta(seconds=1.5), 0.0)
    assert (limited.value.retry_after, slept) == (9.0, [])
    assert held.blocked_until == T0 + timedelta(seconds=11)
    assert take(channel.pk, LIMIT, T0 + timedelta(seconds=5)) == pytest.approx(6.0)


@pytest.mark.django_db
def test_the_hub_client_of_a_channel_with_a_budget_spends_it_and_lets_go_after(
    channel: Channel,
) -> None:
    fake = WooFake()
    client = Harness(fake).client()

    with connected(channel, client) as connector:
        connector.fetch_orders(None, None)  # type: ignore[attr-defined]
        hooks_inside = len(client.event_hooks["request"])

    bucket = ChannelRateLimit.objects.get(channel=channel)
    assert hooks_inside == 1
    assert client.event_hooks["request"] == []
    assert bucket.tokens < 10  # the Woo budget's burst, less what the pull spent


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL): SQLite serialises writers, so there is no race",
)
@pytest.mark.usefixtures("transactional_db")
def test_racing_workers_never_take_more_than_the_burst(channel: Channel) -> None:
    start = threading.Barrier(8)
    waits: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            start.wait()
            wait = take(channel.pk, RateLimit(per_second=0.001, burst=5), T0)
            with lock:
                waits.append(wait)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(wait == 0.0 for wait in waits) == [False] * 3 + [True] * 5
