"""Desk fixtures: a desk account, an API client with a desk token, an independent store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account, create_token
from crossdock.desk.orders.importing import run_import
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.stores.models import ImportRun
from crossdock.desk.stores.services import connect_store
from tests.desk.independent_store import MAPPING, IndependentStore, full_order


class DeskApiClient:
    """A Django test client sending a desk bearer token and JSON bodies to ``/desk/api/v1``."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/desk/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/desk/api/v1{path}",
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/desk/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Creating users is most of a desk test's cost with the real hasher; tests need no cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def desk_account(db: None) -> DeskAccount:
    return create_account("Parcel Pals", "packer@parcelpals.test", "packing-pass-1")


@pytest.fixture
def desk_api(desk_account: DeskAccount) -> DeskApiClient:
    return DeskApiClient(create_token(desk_account, "tests").secret)


@pytest.fixture
def imported(desk_account: DeskAccount, independent_store: IndependentStore) -> DeskOrder:
    """Order 1001 of Corner Shop imported: 2 × TEE-M, 1 × MUG and a coupon line."""
    independent_store.orders = [full_order("1001", datetime.now(UTC) - timedelta(hours=1))]
    store, _ = connect_store(
        desk_account,
        kind="custom",
        name="Corner Shop",
        url=independent_store.url,
        username=independent_store.username,
        password=independent_store.password,
        status_mapping=MAPPING,
    )
    run_import(store.pk, ImportRun.Trigger.MANUAL)
    return DeskOrder.objects.get(order_number="1001")


@pytest.fixture
def independent_store() -> Iterator[IndependentStore]:
    store = IndependentStore().start()
    yield store
    store.stop()


def run_tasks(queues: tuple[str, ...] = ("desk", "desk_imports")) -> None:
    """Run every ready background task of ``queues`` (``"*"``: all) now, in this thread.

    The queue worker itself is not used: it closes the database connection between tasks,
    which ends a test's transaction on PostgreSQL.
    """
    while True:
        ready = DBTaskResult.objects.ready().order_by("enqueued_at")
        if "*" not in queues:
            ready = ready.filter(queue_name__in=queues)
        result = ready.first()
        if result is None:
            return
        result.claim("tests")
        try:
            result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        except Exception as error:
            result.set_failed(error)
            raise
        result.set_successful(None)
