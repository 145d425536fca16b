"""Credentials go as HTTP Basic, and no surface ever shows the store's password.

A store answering with a redirect that keeps the query, or an error page echoing the URL
the desk called, must not put the password (or any piece of it) in the store's last error,
the import history, the import result, the log, the "import failed" e-mail, a desk page or
a desk API answer.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import Client

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.importing import run_import
from crossdock.desk.stores.models import DeskStore, ImportRun
from tests.fixtures.api import DeskApiClient
from tests.fixtures.desk import assert_no_secret, connect_corner_shop, desk_client
from tests.fixtures.independent_store import Answer, IndependentStore

PASSWORD = "Qz7Xv/K9p+Wm4J"


@pytest.fixture
def secret_store() -> Iterator[IndependentStore]:
    store = IndependentStore(password=PASSWORD).start()
    yield store
    store.stop()


@pytest.fixture
def browser(desk_account: DeskAccount) -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


def _called(store: IndependentStore) -> str:
    """The URL the desk calls in query mode, as an echoing store would repeat it."""
    return (
        f"{store.url}&action=export&page=1&SS-UserName=shipper&SS-Password={quote_plus(PASSWORD)}"
    )


def _echoing_answers(store: IndependentStore) -> list[Answer]:
    called = _called(store)
    return [
        # HTTP → HTTPS, keeping the query (password included)
        Answer(301, b"", headers={"Location": called.replace("http://", "https://")}),
        # a login redirect carrying the whole request in ``next``
        Answer(302, b"", headers={"Location": f"/login/?next={quote(called, safe='')}"}),
        # a short plain-text error that repeats the URL and the password
        Answer(500, f"cannot serve {called} for {PASSWORD}".encode()),
        # a framework's HTML 404 page echoing the URL
        Answer(
            404,
            f"<!doctype html><html><body><h1>Not Found</h1><p>{called}</p></body></html>".encode(),
            "text/html",
        ),
        # a plain-text page that is no XML, naming the password
        Answer(200, f"wrong password? {PASSWORD[:7]}".encode()),
    ]


def test_credentials_go_as_http_basic_only_by_default(
    desk_account: DeskAccount, secret_store: IndependentStore, desk_api: DeskApiClient
) -> None:
    # given a store connected with the defaults
    store = connect_corner_shop(desk_account, secret_store, username="shipper", password=PASSWORD)

    # when it is imported from
    run_import(store.pk, ImportRun.Trigger.MANUAL)

    # then no call carried a credential in its query, and the API shows the mode
    assert secret_store.exports != []
    assert all(
        "SS-UserName" not in query and "SS-Password" not in query for query in secret_store.exports
    )
    assert DeskStore.objects.get(pk=store.pk).auth_mode == "basic"
    assert desk_api.get(f"/stores/{store.pk}").json()["auth_mode"] == "basic"


def test_a_store_that_needs_the_query_pair_gets_it_when_asked(
    desk_api: DeskApiClient, secret_store: IndependentStore, browser: Client
) -> None:
    # when the merchant connects through the API asking for the query pair
    answer = desk_api.post(
        "/stores",
        {
            "kind": "custom",
            "name": "Old Plugin Shop",
            "url": secret_store.url,
            "username": "shipper",
            "password": PASSWORD,
            "auth_mode": "query",
        },
    )

    # then the call carried it, the store remembers it, and the settings page says so
    assert answer.status_code == 201
    assert answer.json()["store"]["auth_mode"] == "query"
    assert secret_store.exports[-1]["SS-UserName"] == "shipper"
    assert secret_store.exports[-1]["SS-Password"] == PASSWORD
    store_id = answer.json()["store"]["id"]
    page = browser.get(f"/desk/stores/{store_id}/settings/").content.decode()
    assert "credentials: HTTP Basic and SS-UserName/SS-Password in the query" in page


def test_an_unknown_auth_mode_is_refused_naming_the_field(
    desk_api: DeskApiClient, secret_store: IndependentStore
) -> None:
    answer = desk_api.post(
        "/stores",
        {
            "kind": "custom",
            "name": "Corner Shop",
            "url": secret_store.url,
            "username": "shipper",
            "password": PASSWORD,
            "auth_mode": "digest",
        },
    )

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "body", "auth_mode"]
    assert secret_store.exports == []
    assert DeskStore.objects.count() == 0


def test_the_reconnect_form_switches_the_auth_mode_after_a_test(
    desk_account: DeskAccount, secret_store: IndependentStore, browser: Client
) -> None:
    store = connect_corner_shop(desk_account, secret_store, username="shipper", password=PASSWORD)

    done = browser.post(
        f"/desk/stores/{store.pk}/connection/",
        {"url": secret_store.url, "username": "shipper", "password": "", "auth_mode": "query"},
    )

    assert done.status_code == 302
    assert DeskStore.objects.get(pk=store.pk).auth_mode == "query"
    assert secret_store.exports[-1]["SS-Password"] == PASSWORD


@pytest.mark.parametrize("index", range(5))
def test_no_surface_shows_the_password_when_an_import_fails(
    index: int,
    desk_account: DeskAccount,
    secret_store: IndependentStore,
    desk_api: DeskApiClient,
    browser: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a store that reads the query pair, connected while it worked
    store = connect_corner_shop(
        desk_account, secret_store, username="shipper", password=PASSWORD, auth_mode="query"
    )
    assert secret_store.exports[-1]["SS-Password"] == PASSWORD
    # and that now answers by echoing the URL it was called with
    secret_store.answer = _echoing_answers(secret_store)[index]

    # when an import runs (the first failure e-mails the merchant)
    with caplog.at_level(logging.DEBUG):
        summary = run_import(store.pk, ImportRun.Trigger.MANUAL)
        api_import = desk_api.post(f"/stores/{store.pk}/import")
        ui_import = browser.post(f"/desk/stores/{store.pk}/import/", follow=True)

    # then it failed, and no surface shows the password or any piece of it
    assert summary.succeeded is False
    assert summary.error.startswith("page 1 of 1: ")
    fresh = DeskStore.objects.get(pk=store.pk)
    assert fresh.last_error != ""
    assert_no_secret(fresh.last_error, "last_error")
    for run in ImportRun.objects.filter(store=store):
        assert_no_secret(f"{run.error} {run.note} {run.skipped}", "import history row")
    assert_no_secret(f"{summary.error} {summary.skipped}", "import result")
    assert caplog.records != []
    assert_no_secret(
        " ".join(f"{record.name}:{record.getMessage()}" for record in caplog.records), "log"
    )
    assert len(mail.outbox) == 1
    assert_no_secret(f"{mail.outbox[0].subject} {mail.outbox[0].body}", "e-mail")
    for path in ("/desk/", "/desk/stores/", f"/desk/stores/{store.pk}/imports/"):
        assert_no_secret(browser.get(path).content.decode(), path)
    assert_no_secret(
        browser.get(f"/desk/stores/{store.pk}/settings/").content.decode(), "settings page"
    )
    assert_no_secret(ui_import.content.decode(), "import now page")
    assert_no_secret(api_import.content.decode(), "API import answer")
    assert_no_secret(desk_api.get(f"/stores/{store.pk}").content.decode(), "API store")
    assert_no_secret(desk_api.get("/stores").content.decode(), "API store list")


@pytest.mark.parametrize("index", range(5))
def test_no_connect_error_shows_the_password(
    index: int, desk_api: DeskApiClient, secret_store: IndependentStore, browser: Client
) -> None:
    # given a store that echoes the URL it was called with
    secret_store.answer = _echoing_answers(secret_store)[index]
    body = {
        "kind": "custom",
        "name": "Corner Shop",
        "url": secret_store.url,
        "username": "shipper",
        "password": PASSWORD,
        "auth_mode": "query",
    }

    # when the merchant connects through the API and through the form
    api = desk_api.post("/stores", body)
    form = browser.post("/desk/stores/connect/custom/", body)

    # then both refuse in words that hold no piece of the password, and nothing is stored
    assert api.status_code == 422
    assert_no_secret(api.content.decode(), "API connect error")
    assert form.status_code == 200
    page = form.content.decode()
    assert 'class="errorlist"' in page
    assert_no_secret(page, "connect form")
    assert DeskStore.objects.count() == 0


def test_errors_stored_before_the_redaction_are_redacted_by_the_migration(
    desk_account: DeskAccount, secret_store: IndependentStore
) -> None:
    # given a store and an import whose errors were stored with the query in them
    store = connect_corner_shop(
        desk_account, secret_store, username="shipper", password=PASSWORD, status_mapping=None
    )
    leaked = f"page 1 of 1: The store answered HTTP 301, a redirect to '{_called(secret_store)}'"
    run = run_import(store.pk, ImportRun.Trigger.MANUAL)
    ImportRun.objects.filter(pk=run.run_id).update(error=leaked)
    DeskStore.objects.filter(pk=store.pk).update(connection="error", last_error=leaked)
    clean_run = ImportRun.objects.create(
        store=store,
        trigger="manual",
        started_at=store.created_at,
        window_start=store.created_at,
        window_end=store.created_at,
        error="page 2 of 3: The store answered HTTP 500 (text/plain).",
    )

    # when the migration runs
    migration = importlib.import_module(
        "crossdock.desk.stores.migrations.0007_redact_stored_store_errors"
    )
    migration.redact_stored_errors(django_apps, None)

    # then the query is gone from both, and an error without one is unchanged
    shown = leaked.split("?", 1)[0] + "'"
    assert DeskStore.objects.get(pk=store.pk).last_error == shown
    assert ImportRun.objects.get(pk=run.run_id).error == shown
    assert ImportRun.objects.get(pk=clean_run.pk).error == (
        "page 2 of 3: The store answered HTTP 500 (text/plain)."
    )
