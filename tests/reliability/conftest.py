"""Fixtures of the reliability suites: two hub merchants and two desk businesses."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from tests.reliability.world import DeskSide, HubSide, make_desk_side, make_hub_side


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    # The suites sign users in many times; hashing cost is not what they are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alpha(db: None) -> HubSide:
    return make_hub_side("Alpha")


@pytest.fixture
def bravo(db: None) -> HubSide:
    return make_hub_side("Bravo")


@pytest.fixture
def alpha_desk(db: None) -> DeskSide:
    return make_desk_side("Alpha")


@pytest.fixture
def bravo_desk(db: None) -> DeskSide:
    return make_desk_side("Bravo")
