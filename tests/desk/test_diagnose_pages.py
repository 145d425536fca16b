"""The desk's Diagnose pages: a connected store's check, and a check of any URL."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from django.test import Client

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.stores.gate import store_call_slot
from crossdock.desk.stores.models import DeskStore
from tests.fixtures.desk import desk_client
from tests.fixtures.independent_store import IndependentStore


@pytest.fixture
def browser(desk_account: DeskAccount) -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


@pytest.fixture
def store(imported: DeskOrder) -> DeskStore:
    return imported.store


def test_a_stores_diagnose_tab_runs_the_check_and_shows_it_after_a_redirect(
    browser: Client, store: DeskStore, independent_store: IndependentStore
) -> None:
    # given a connected store whose settings page links to Diagnose
    settings_page = browser.get(f"/desk/stores/{store.pk}/settings/").content.decode()
    assert f'href="/desk/stores/{store.pk}/diagnose/"' in settings_page
    exports_before = len(independent_store.exports)

    # when the check is run
    posted = browser.post(f"/desk/stores/{store.pk}/diagnose/")
    shown = browser.get(f"/desk/stores/{store.pk}/diagnose/").content.decode()

    # then the POST redirects to the page, which shows one row per check, read-only
    assert posted.status_code == 302
    assert posted.url == f"/desk/stores/{store.pk}/diagnose/"  # type: ignore[attr-defined]
    assert "<code>export.schema</code>" in shown
    assert "&lt;ThisStoreOnlyElement&gt; This element is not expected." in shown
    assert "<code>paging.lost</code>" in shown
    assert len(independent_store.exports) > exports_before
    assert independent_store.notices == []
    assert independent_store.password not in shown


def test_any_url_can_be_checked_and_the_password_is_not_kept(
    browser: Client, desk_account: DeskAccount, independent_store: IndependentStore
) -> None:
    # given the Diagnose form for any URL, linked from the store list
    assert 'href="/desk/stores/diagnose/"' in browser.get("/desk/stores/").content.decode()

    # when a store URL and its login are checked
    posted = browser.post(
        "/desk/stores/diagnose/",
        {
            "url": independent_store.url,
            "username": independent_store.username,
            "password": independent_store.password,
            "days": "7",
        },
    )
    shown = browser.get("/desk/stores/diagnose/").content.decode()

    # then the report is shown after the redirect, and the password is nowhere
    assert posted.status_code == 302
    assert "<code>auth.wrong</code>" in shown
    assert "Wrong credentials were answered HTTP 401." in shown
    assert independent_store.password not in shown
    assert independent_store.password not in str(dict(browser.session))


def test_a_bad_form_names_the_field_and_calls_no_store(
    browser: Client, independent_store: IndependentStore
) -> None:
    # given a form with a URL that is no web address and no days
    answer = browser.post(
        "/desk/stores/diagnose/",
        {"url": "ftp://store.example/", "username": "u", "password": "p", "days": "0"},
    )

    # then the page answers 200 with each field's error, and no store was called
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in page
    assert independent_store.exports == []


def test_a_check_past_the_store_call_gate_is_refused_with_429(
    browser: Client,
    desk_account: DeskAccount,
    store: DeskStore,
    independent_store: IndependentStore,
) -> None:
    # given this account already waiting on as many store calls as it may
    exports_before = len(independent_store.exports)
    with ExitStack() as held:
        for _ in range(2):
            held.enter_context(store_call_slot(desk_account.pk))

        # when a check is asked for
        answer = browser.post(f"/desk/stores/{store.pk}/diagnose/")

    # then it is refused at once with Retry-After, and the store heard nothing
    assert answer.status_code == 429
    assert answer["Retry-After"] == "10"
    assert "already waiting on 2 store calls" in answer.content.decode()
    assert len(independent_store.exports) == exports_before
