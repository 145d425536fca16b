"""A signed-in browser-less client for the merchant UI."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings

from crossdock.hub.accounts.models import Account


@pytest.fixture
def web(account: Account) -> Client:
    """The Django test client, signed in as the owner of ``account``."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="acme@example.com"))
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """A fast hasher for the users these tests make: the tests are not about hashing cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
