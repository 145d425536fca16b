"""Connecting tests the connection with a real export call and says precisely what failed."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from crossdock.desk.stores.models import DeskStore
from tests.fixtures.api import DeskApiClient
from tests.fixtures.independent_store import Answer, IndependentStore


def _connect(desk_api: DeskApiClient, url: str, password: str = "s3cret pass/+") -> Any:  # noqa: S107 - the test store's login
    return desk_api.post(
        "/stores",
        {
            "kind": "custom",
            "name": "Corner Shop",
            "url": url,
            "username": "shipper",
            "password": password,
        },
    )


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_store_is_named(desk_api: DeskApiClient) -> None:
    port = _closed_port()

    answer = _connect(desk_api, f"http://127.0.0.1:{port}/feed")

    assert answer.status_code == 422
    (detail,) = answer.json()["detail"]
    assert detail["loc"] == ["body", "body", "url"]
    assert detail["msg"] == (
        f"Could not connect to host 127.0.0.1:{port}: check the URL, and that the store is online."
    )
    assert DeskStore.objects.count() == 0


def test_wrong_credentials_are_a_401(
    desk_api: DeskApiClient, independent_store: IndependentStore
) -> None:
    answer = _connect(desk_api, independent_store.url, password="not-it")

    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {
            "type": "value_error",
            "loc": ["body", "body", "password"],
            "msg": "The store refused the username or password (HTTP 401). It said: 'Bad login' "
            "(If it reads only the SS-UserName/SS-Password query, choose that under "
            "“Send credentials”.)",
        }
    ]
    assert DeskStore.objects.count() == 0


NOT_AN_ENDPOINT = "a Custom Store URL usually ends in /shipstation/custom-store."


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            Answer(200, b""),
            "The store's answer (HTTP 200 (text/plain)) is empty: an export answers an "
            "<Orders> document.",
        ),
        (
            Answer(200, b"<!doctype html><html><body>Welcome</body></html>", "text/html"),
            f"No Custom Store endpoint at this URL: it answered HTTP 200 (text/html) — "
            f"{NOT_AN_ENDPOINT}",
        ),
        (
            Answer(200, b"Orders: none today"),
            "The store's answer (HTTP 200 (text/plain)) is not XML: an export answers an "
            "<Orders> document.",
        ),
        (
            Answer(200, b"<html><body>Log in</body></html>", "text/html"),
            "No Custom Store endpoint at this URL: it answered HTTP 200 (text/html), XML in which "
            f"the root element is <html>, not <Orders> — {NOT_AN_ENDPOINT}",
        ),
        (
            Answer(200, b'<Orders pages="many"/>', "text/xml"),
            'The store\'s answer has a bad page count: the pages attribute "many" is not a '
            "whole number.",
        ),
        (
            Answer(200, b'<Orders pages="0"/>', "text/xml"),
            "The store's answer has a bad page count: the pages attribute is 0; "
            "it must be at least 1.",
        ),
        (
            Answer(500, b"Fatal error: Allowed memory size exhausted"),
            "The store answered HTTP 500 (text/plain). It said: "
            "'Fatal error: Allowed memory size exhausted'",
        ),
        (
            Answer(404, b""),
            f"No Custom Store endpoint at this URL: it answered HTTP 404 (text/plain) — "
            f"{NOT_AN_ENDPOINT}",
        ),
        (
            Answer(301, b"", headers={"Location": "https://shop.example/feed"}),
            "The URL redirects (HTTP 301) to https://shop.example/feed: a Custom Store "
            "endpoint answers directly; enter the final URL (it usually ends in "
            "/shipstation/custom-store).",
        ),
    ],
)
def test_each_bad_answer_has_a_precise_message(
    desk_api: DeskApiClient, independent_store: IndependentStore, answer: Answer, message: str
) -> None:
    # given a store that answers the export badly
    independent_store.answer = answer

    # when the merchant connects
    response = _connect(desk_api, independent_store.url)

    # then the reason is precise, and nothing is stored
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == message
    assert DeskStore.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "ftp://shop.example/feed", "enter a full http:// or https:// URL"),
        ("url", "https://user:pw@shop.example/", "put the username and password in their own"),
        ("name", "  ", "this field is required"),
        ("password", "", "enter the password the store generated"),
    ],
)
def test_bad_input_is_refused_before_any_call(
    desk_api: DeskApiClient,
    independent_store: IndependentStore,
    field: str,
    value: str,
    message: str,
) -> None:
    body = {
        "kind": "custom",
        "name": "Corner Shop",
        "url": independent_store.url,
        "username": "shipper",
        "password": "s3cret pass/+",
        field: value,
    }

    answer = desk_api.post("/stores", body)

    assert answer.status_code == 422
    (detail,) = answer.json()["detail"]
    assert detail["loc"] == ["body", "body", field]
    assert detail["msg"].startswith(message)
    assert independent_store.exports == []
    assert DeskStore.objects.count() == 0
