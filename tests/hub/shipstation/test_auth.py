"""Signing in to the Custom Store endpoint: every credential path, failures, lockout, secrets."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crossdock.core.secrets import keyed_hash
from crossdock.hub.accounts.models import Account
from crossdock.hub.shipstation.models import ShipStationIntegration
from crossdock.hub.shipstation.services import (
    ADDRESS_LIMIT,
    PASSWORD_OVERLAP,
    USERNAME_LIMIT,
    IssuedCredentials,
    authenticate,
    create_integration,
    revoke_integration,
    rotate_password,
)
from crossdock.platform.models import AuthThrottle
from tests.fixtures.shipstation import ENDPOINT, basic, content

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


def test_after_a_rotation_both_passwords_work_during_the_overlap(
    account: Account, issued: IssuedCredentials
) -> None:
    # given a rotated password
    rotated = rotate_password(account, issued.integration.pk)
    username = issued.integration.username

    # when ShipStation still calls with the old one, and with the new one
    old = Client().get(ENDPOINT, WINDOW, headers=basic(username, issued.password))
    new = Client().get(ENDPOINT, WINDOW, headers=basic(username, rotated.password))

    # then both open the integration, and the old one only until the overlap ends
    assert (old.status_code, new.status_code) == (200, 200)
    assert rotated.integration.username == username
    stored = ShipStationIntegration.objects.get(pk=issued.integration.pk)
    assert stored.previous_password_expires_at == stored.password_changed_at + PASSWORD_OVERLAP
    assert timedelta(hours=24) == PASSWORD_OVERLAP


def test_the_old_password_stops_when_the_overlap_ends(
    account: Account, issued: IssuedCredentials
) -> None:
    # given a rotation whose overlap has run out
    rotated = rotate_password(account, issued.integration.pk)
    ShipStationIntegration.objects.filter(pk=issued.integration.pk).update(
        previous_password_expires_at=timezone.now() - timedelta(seconds=1)
    )
    username = issued.integration.username

    # when ShipStation calls with each
    old = Client().get(ENDPOINT, WINDOW, headers=basic(username, issued.password))
    new = Client().get(ENDPOINT, WINDOW, headers=basic(username, rotated.password))

    # then only the new one works
    assert (old.status_code, new.status_code) == (401, 200)


def test_a_second_rotation_ends_the_first_password_and_no_overlap_ends_it_at_once(
    account: Account, issued: IssuedCredentials
) -> None:
    # given two rotations, the second without overlap
    second = rotate_password(account, issued.integration.pk)
    third = rotate_password(account, issued.integration.pk, overlap=timedelta(0))
    username = issued.integration.username

    # when each password is tried
    codes = [
        Client().get(ENDPOINT, WINDOW, headers=basic(username, password)).status_code
        for password in (issued.password, second.password, third.password)
    ]

    # then only the newest opens the integration
    assert codes == [401, 401, 200]


def test_a_revoked_integration_is_refused(account: Account, issued: IssuedCredentials) -> None:
    revoke_integration(account, issued.integration.pk)

    response = Client().get(
        ENDPOINT, WINDOW, headers=basic(issued.integration.username, issued.password)
    )

    assert response.status_code == 401


def test_repeated_failures_lock_the_client_out_but_not_others(issued: IssuedCredentials) -> None:
    username = issued.integration.username
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(USERNAME_LIMIT):
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


def test_failures_for_unknown_usernames_never_lock_out_valid_credentials_from_that_address(
    issued: IssuedCredentials,
) -> None:
    # given a desk user on 127.0.0.1 who failed ADDRESS_LIMIT connection tests
    local = Client(REMOTE_ADDR="127.0.0.1")
    for attempt in range(ADDRESS_LIMIT):
        failed = local.get(ENDPOINT, WINDOW, headers=basic(f"crossdock-typo{attempt}", "guess"))
        assert failed.status_code == 401

    # when the demo desk's import calls from the same address with valid credentials,
    # and someone tries yet another unknown username
    valid = local.get(ENDPOINT, WINDOW, headers=basic(issued.integration.username, issued.password))
    unknown = local.get(ENDPOINT, WINDOW, headers=basic("crossdock-nobody", "guess"))

    # then the valid call goes through and only unknown usernames are refused
    assert valid.status_code == 200
    assert unknown.status_code == 429
    assert int(unknown["Retry-After"]) > 60


def test_a_locked_username_does_not_lock_another_integration_on_the_same_address(
    account: Account, issued: IssuedCredentials
) -> None:
    # given one integration's username locked by wrong passwords from 127.0.0.1
    other = create_integration(account, "Second store")
    local = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(USERNAME_LIMIT):
        local.get(ENDPOINT, WINDOW, headers=basic(issued.integration.username, "guess"))

    # when each integration calls with its valid credentials
    locked = local.get(
        ENDPOINT, WINDOW, headers=basic(issued.integration.username, issued.password)
    )
    fine = local.get(ENDPOINT, WINDOW, headers=basic(other.integration.username, other.password))

    # then only the attacked username is refused
    assert (locked.status_code, fine.status_code) == (429, 200)


def test_a_success_clears_the_failures_of_that_client(issued: IssuedCredentials) -> None:
    username = issued.integration.username
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(USERNAME_LIMIT - 1):
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


def test_a_sign_in_reads_the_integration_and_one_count_and_writes_nothing(
    issued: IssuedCredentials,
) -> None:
    # given an integration that answered a call a moment ago (last_request_at is fresh)
    username = issued.integration.username
    client = Client(REMOTE_ADDR="203.0.113.20")
    assert client.get(ENDPOINT, WINDOW, headers=basic(username, issued.password)).status_code == 200
    # when it signs in again
    with CaptureQueriesContext(connection) as captured:
        found = authenticate(username, issued.password, "203.0.113.20")
    # then two reads: the integration (no join, no sort) and the one count that decides
    assert found.pk == issued.integration.pk
    sql = [query["sql"] for query in captured.captured_queries]
    assert [text.split()[0] for text in sql] == ["SELECT", "SELECT"]
    assert "shipstation_shipstationintegration" in sql[0]
    assert "JOIN" not in sql[0]
    assert "ORDER BY" not in sql[0]
    assert "platform_auththrottle" in sql[1]
    assert " IN " not in sql[1]
    assert AuthThrottle.objects.count() == 0
