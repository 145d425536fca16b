"""Bounds on one desk account: store calls from web threads, and how many stores it has."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from typer.testing import CliRunner

from crossdock.cli.root import app
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account, create_token
from crossdock.desk.stores.gate import in_flight, store_call_slot
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import add_unverified_store
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import desk_client
from tests.fixtures.independent_store import IndependentStore

FULL = "this desk account has 2 stores, the most it may have; remove one before connecting another"


def _connect_body(store: IndependentStore, name: str) -> dict[str, Any]:
    return {
        "kind": "custom",
        "name": name,
        "url": store.url,
        "username": store.username,
        "password": store.password,
    }


@pytest.fixture
def other_account(db: None) -> DeskAccount:
    return create_account("Other Desk", "other@desk.test", "other-pass-1")


@pytest.fixture
def held() -> Iterator[ExitStack]:
    """Slots held as long-running store calls would hold them."""
    with ExitStack() as stack:
        yield stack


def test_an_account_waiting_on_its_share_of_store_calls_gets_429_and_others_go_on(
    desk_api: DeskApiClient,
    desk_account: DeskAccount,
    other_account: DeskAccount,
    independent_store: IndependentStore,
    held: ExitStack,
) -> None:
    # given: the account already waits on two slow store calls
    for _ in range(2):
        held.enter_context(store_call_slot(desk_account.pk))
    other_api = DeskApiClient(create_token(other_account, "other").secret)

    # when
    refused = desk_api.post("/stores", _connect_body(independent_store, "Mine"))
    accepted = other_api.post("/stores", _connect_body(independent_store, "Theirs"))

    # then
    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"
    assert refused.json() == {
        "detail": "this desk account is already waiting on 2 store calls; try again in 10 seconds"
    }
    assert accepted.status_code == 201
    assert list(DeskStore.objects.values_list("name", flat=True)) == ["Theirs"]
    assert in_flight() == 2


def test_every_account_gets_429_while_the_desk_waits_on_its_whole_share(
    desk_account: DeskAccount, other_account: DeskAccount, held: ExitStack, settings: Any
) -> None:
    # given: four slow calls in flight, two accounts' worth
    settings.DESK_WEB_STORE_CALLS = 4
    for account in (other_account, other_account):
        held.enter_context(store_call_slot(account.pk))
    third = create_account("Third Desk", "third@desk.test", "third-pass-1")
    for _ in range(2):
        held.enter_context(store_call_slot(third.pk))
    browser = desk_client("packer@parcelpals.test", "packing-pass-1")

    # when
    page = browser.post(
        "/desk/stores/connect/custom/",
        {"name": "Mine", "url": "http://127.0.0.1:9/x", "username": "u", "password": "p"},
    )

    # then
    assert page.status_code == 429
    assert page["Retry-After"] == "10"
    assert page.context["form"].non_field_errors() == [
        "the desk is busy calling stores; try again in 10 seconds"
    ]
    assert DeskStore.objects.count() == 0


def _fill(account: DeskAccount) -> None:
    for name in ("One", "Two"):
        add_unverified_store(
            account,
            kind="custom",
            name=name,
            url="http://127.0.0.1:9/x",
            username="u",
            password="p",
        )


def test_a_full_account_cannot_connect_another_store_anywhere(
    desk_api: DeskApiClient, desk_account: DeskAccount, settings: Any
) -> None:
    # given
    settings.DESK_MAX_STORES = 2
    _fill(desk_account)
    browser = desk_client("packer@parcelpals.test", "packing-pass-1")
    body = {"name": "Three", "url": "http://127.0.0.1:9/x", "username": "u", "password": "p"}

    # when
    api = desk_api.post("/stores", {"kind": "custom", **body})
    page = browser.post("/desk/stores/connect/custom/", body)
    cli = CliRunner().invoke(
        app,
        [
            *("desk", "stores", "add", "--account", desk_account.name, "--name", "Three"),
            *("--url", body["url"], "--username", "u", "--password", "p"),
        ],
    )

    # then: refused before any call to the (unreachable) store
    assert (api.status_code, api.json()) == (409, {"detail": FULL})
    assert page.context["form"].non_field_errors() == [FULL]
    assert cli.exit_code == 4  # a conflict: the account is full
    assert FULL in " ".join(cli.output.split())
    assert DeskStore.objects.count() == 2


def test_the_store_limit_is_per_account(
    desk_account: DeskAccount, other_account: DeskAccount, settings: Any
) -> None:
    # given
    settings.DESK_MAX_STORES = 2
    _fill(desk_account)

    # when
    _fill(other_account)

    # then
    assert DeskStore.objects.filter(account=other_account).count() == 2
