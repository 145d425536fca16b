"""Shared fixtures: accounts, tokens and an authenticated API client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account, create_token


class ApiClient:
    """A Django test client that sends a bearer token and JSON bodies to ``/api/v1``."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self.headers)


@pytest.fixture
def make_account(db: None) -> Callable[[str], Account]:
    def make(name: str) -> Account:
        return create_account(name, f"{name.lower().replace(' ', '-')}@example.com", "s3cret-pass")

    return make


@pytest.fixture
def account(make_account: Callable[[str], Account]) -> Account:
    return make_account("Acme")


@pytest.fixture
def api(account: Account) -> ApiClient:
    return ApiClient(create_token(account, "tests").secret)
