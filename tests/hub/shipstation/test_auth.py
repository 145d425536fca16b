"""Signing in to the Custom Store endpoint: every credential path, failures, lockout, secrets."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from crossdock.core.secrets import keyed_hash
from crossdock.hub.accounts.models import Account
from crossdock.hub.shipstation.models import ShipStationIntegration
from crossdock.hub.shipstation.services import (
    PAIR_LIMIT,
    IssuedCredentials,
    revoke_integration,
    rotate_password,
)
from crossdock.platform.models import AuthThrottle
from tests.hub.shipstation.conftest import ENDPOINT, basic, content

WINDOW = {"action": "export", "start_date": "01/01/2026 00:00", "end_date": "01/02/2026 00:00"}


def _get(params: dict[str, str] | None = None, **extra: Any) -> Any:
    return Client().get(ENDPOINT, {**WINDOW, **(params or {})}, **extra)


def test_basic_auth_opens_the_integration(issued: IssuedCredentials) -> None:
    response = Client().get(
        ENDPOINT, WINDOW, headers=basic(issued.integration.username, issued.password)
    )

    assert response.status_code == 200
    assert content(response).startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<Orders')


def test_the_ss_pair_in_the_query_opens_the_integration(issued: IssuedCredentials) -> None:
    response = _get({"SS-UserName": issued.integration.username, "SS-Password": issued.password})

    assert response.status_code == 200


def test_the_ss_pair_in_headers_opens_the_integration(issued: IssuedCredentials) -> None:
    response = Client().get(
        ENDPOINT,
        WINDOW,
        headers={"SS-UserName": issued.integration.username, "SS-Password": issued.password},
    )

    assert response.status_code == 200


def test_both_values_come_from_one_place(issued: IssuedCredentials) -> None:
    response = Client().get(
        ENDPOINT,
        {**WINDOW, "SS-UserName": issued.integration.username},
        headers={"SS-Password": issued.password},
    )

    assert response.status_code == 401


def test_basic_auth_wins_over_the_query_pair(issued: IssuedCredentials) -> None:
    response = Client().get(
        ENDPOINT,
        {**WINDOW, "SS-UserName": issued.integration.username, "SS-Password": issued.password},
        headers=basic(issued.integration.username, "wrong-password"),
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Bearer abc"},
        basic("crossdock-unknown", "whatever"),
        # PostgreSQL refuses a NUL in a query: it must still be a plain 401.
        basic("crossdock-\x00", "whatever"),
        {"SS-UserName": "crossdock-\x00", "SS-Password": "whatever"},
    ],
)
def test_missing_or_wrong_credentials_answer_401_with_a_challenge(
    issued: IssuedCredentials, headers: dict[str, str]
) -> None:
    response = Client().get(ENDPOINT, WINDOW, headers=headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Crossdock ShipStation", charset="UTF-8"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert b"<html" not in response.content.lower()


def test_a_wrong_password_is_refused(issued: IssuedCredentials) -> None:
    response = Client().get(
        ENDPOINT, WINDOW, headers=basic(issued.integration.username, issued.password + "x")
    )

    assert response.status_code == 401


def test_only_a_keyed_hash_of_the_password_is_stored(issued: IssuedCredentials) -> None:
    stored = ShipStationIntegration.objects.get(pk=issued.integration.pk)

    assert issued.password not in stored.password_hash
    assert stored.password_hash == keyed_hash(settings.HASH_KEY, issued.password)
    assert len(issued.password) >= 32


def test_rotation_stops_the_old_password_at_once(
    account: Account, issued: IssuedCredentials
) -> None:
    rotated = rotate_password(account, issued.integration.pk)
    username = issued.integration.username

    old = Client().get(ENDPOINT, WINDOW, headers=basic(username, issued.password))
    new = Client().get(ENDPOINT, WINDOW, headers=basic(username, rotated.password))

    assert (old.status_code, new.status_code) == (401, 200)
    assert rotated.integration.username == username


def test_a_revoked_integration_is_refused(account: Account, issued: IssuedCredentials) -> None:
    revoke_integration(account, issued.integration.pk)

    response = Client().get(
        ENDPOINT, WINDOW, headers=basic(issued.integration.username, issued.password)
    )

    assert response.status_code == 401


def test_repeated_failures_lock_the_client_out_but_not_others(issued: IssuedCredentials) -> None:
    username = issued.integration.username
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(PAIR_LIMIT):
        assert attacker.get(ENDPOINT, WINDOW, headers=basic(username, "guess")).status_code == 401

    locked = attacker.get(ENDPOINT, WINDOW, headers=basic(username, issued.password))
    elsewhere = Client(REMOTE_ADDR="198.51.100.7").get(
        ENDPOINT, WINDOW, headers=basic(username, issued.password)
    )

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 60
    assert locked["Content-Type"] == "text/plain; charset=utf-8"
    assert elsewhere.status_code == 200
    assert AuthThrottle.objects.filter(locked_until__isnull=False).count() == 1


def test_a_success_clears_the_failures_of_that_client(issued: IssuedCredentials) -> None:
    username = issued.integration.username
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(PAIR_LIMIT - 1):
        client.get(ENDPOINT, WINDOW, headers=basic(username, "typo"))

    assert client.get(ENDPOINT, WINDOW, headers=basic(username, issued.password)).status_code == 200
    assert client.get(ENDPOINT, WINDOW, headers=basic(username, "typo")).status_code == 401
    assert client.get(ENDPOINT, WINDOW, headers=basic(username, issued.password)).status_code == 200


def test_the_password_never_reaches_the_logs(
    issued: IssuedCredentials, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_query = {"SS-UserName": issued.integration.username, "SS-Password": issued.password}
    _get(secret_query)
    _get({**secret_query, "action": "nonsense"})
    _get({"SS-UserName": issued.integration.username, "SS-Password": "wrong-secret-value"})

    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("crossdock.hub.shipstation.views.export_page", explode)
    failed = _get(secret_query)

    assert failed.status_code == 503
    assert caplog.records
    assert issued.password not in caplog.text
    assert "wrong-secret-value" not in caplog.text
