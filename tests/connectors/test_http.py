"""Mapping HTTP outcomes onto the connector error tree (``httpx.MockTransport``)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from crossdock.connectors.base import (
    AuthenticationError,
    RetryableError,
    TerminalError,
    ValidationError,
)
from crossdock.connectors.http import (
    DEFAULT_TIMEOUTS,
    MAX_RETRY_AFTER,
    build_client,
    json_body,
    parse_retry_after,
    send,
)


def _client(response: httpx.Response | Exception) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    return build_client(transport=httpx.MockTransport(handle))


@pytest.mark.parametrize(
    ("status", "headers", "error", "retry_after"),
    [
        (429, {"Retry-After": "17"}, RetryableError, 17.0),
        (503, {}, RetryableError, None),
        (500, {"Retry-After": "soon"}, RetryableError, None),
        (408, {}, RetryableError, None),
        (401, {}, AuthenticationError, None),
        (403, {}, AuthenticationError, None),
        (422, {}, ValidationError, None),
        (404, {}, ValidationError, None),
    ],
)
def test_error_statuses_map_to_the_error_tree(
    status: int, headers: dict[str, str], error: type[Exception], retry_after: float | None
) -> None:
    client = _client(httpx.Response(status, headers=headers, text="nope"))

    with pytest.raises(error) as raised:
        send(client, "GET", "https://channel.example/orders")

    assert str(raised.value) == f"GET /orders → {status}: nope"
    if isinstance(raised.value, RetryableError):
        assert raised.value.retry_after == retry_after
    else:
        assert isinstance(raised.value, TerminalError)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("cut"),
    ],
)
def test_network_failures_and_timeouts_are_retryable(failure: Exception) -> None:
    with pytest.raises(RetryableError):
        send(_client(failure), "GET", "https://channel.example/orders")


def test_a_success_returns_the_response_and_a_non_json_body_is_a_validation_error() -> None:
    ok = send(_client(httpx.Response(200, json={"a": 1})), "GET", "https://channel.example/x")
    html = send(_client(httpx.Response(200, text="<html>")), "GET", "https://channel.example/x")

    assert json_body(ok) == {"a": 1}
    with pytest.raises(ValidationError, match="answer is not JSON"):
        json_body(html)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)

    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Fri, 27 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("999999", now) == MAX_RETRY_AFTER
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after("later", now) is None
    assert parse_retry_after(None, now) is None


def test_clients_have_explicit_timeouts_and_follow_no_redirects() -> None:
    client = build_client()

    assert client.timeout == httpx.Timeout(connect=5.0, read=20.0, write=20.0, pool=5.0)
    assert DEFAULT_TIMEOUTS.read == 20.0
    assert client.follow_redirects is False
    assert client.headers["User-Agent"] == "Crossdock/0.1"
