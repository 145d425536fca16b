"""Two products, one user table: a hub merchant and a desk packer to sign in as."""

from __future__ import annotations

import pytest

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.accounts.services import create_account as create_desk_account
from crossdock.hub.accounts.models import Account
from crossdock.hub.accounts.services import create_account as create_hub_account
from tests.fixtures.api import DESK_LOGIN, HUB_LOGIN


@pytest.fixture
def hub_account(db: None) -> Account:
    return create_hub_account("Acme", HUB_LOGIN["username"], HUB_LOGIN["password"])


@pytest.fixture
def desk_account(db: None) -> DeskAccount:
    return create_desk_account("Parcels", DESK_LOGIN["username"], DESK_LOGIN["password"])
