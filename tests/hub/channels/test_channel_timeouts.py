"""Every call to a channel waits ``CROSSDOCK_CHANNEL_TIMEOUT`` seconds at most."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from django.test import override_settings

from crossdock.connectors.http import Timeouts
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels.connections import channel_timeouts
from crossdock.hub.channels.models import Channel
from crossdock.hub.channels.services import add_channel
from crossdock.hub.orders.pull import pull_orders
from crossdock.sandbox.models import SandboxShop

pytestmark = pytest.mark.django_db


def test_the_default_channel_timeout_is_twenty_seconds_to_send_and_to_answer() -> None:
    assert channel_timeouts() == Timeouts(connect=5.0, read=20.0, write=20.0, pool=5.0)


def test_a_lower_channel_timeout_bounds_every_phase_of_a_call() -> None:
    with override_settings(CHANNEL_TIMEOUT=2):
        assert channel_timeouts() == Timeouts(connect=2.0, read=2.0, write=2.0, pool=2.0)


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A loopback server that takes every connection and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for connection in held:
        connection.close()


def test_a_pull_from_a_channel_that_never_answers_fails_at_the_timeout(
    account: Account, shop: tuple[SandboxShop, str], hanging_port: int
) -> None:
    # given a channel whose server takes the call and never answers, and a 1 second timeout
    channel = add_channel(
        account,
        "sandbox",
        "Hung shop",
        {"base_url": f"http://127.0.0.1:{hanging_port}/sandbox/api/v1", "api_token": shop[1]},
    )

    # when the hub pulls it with the client it builds itself
    with override_settings(CHANNEL_TIMEOUT=1):
        run = pull_orders(channel.pk)

    # then the pull ends as failed with the timeout, and the channel is free for the next
    assert run is not None
    channel = Channel.objects.get(pk=channel.pk)
    assert (run.outcome, run.error) == ("failed", "RetryableError: timed out: ReadTimeout")
    assert (channel.last_error, channel.sync_lease_owner) == (run.error, "")
