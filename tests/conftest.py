"""Fixtures every test may use: accounts, tokens, API clients, a signed-in merchant.

Builders and fixtures live in ``tests/fixtures/`` (one module per area); the modules
below register their fixtures for the whole suite. A test imports helpers from
``tests.fixtures``, never from another test module or a conftest.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings

from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account, create_token
from tests.fixtures.api import ApiClient

# Property tests never fail on time: the machine running them may be busy.
hypothesis_settings.register_profile(
    "crossdock", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("crossdock")

pytest_plugins = (
    "tests.fixtures.channels",
    "tests.fixtures.desk",
    "tests.fixtures.shipstation",
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """A fast hasher for the users tests make: no test is about hashing cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def web(account: Account) -> Client:
    """The Django test client, signed in as the owner of ``account``."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="acme@example.com"))
    return client
