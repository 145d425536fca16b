"""Every hub account has its built-in manual channel from the moment it exists."""

from __future__ import annotations

import pytest

from crossdock.hub.accounts.errors import AccountExists
from crossdock.hub.accounts.services import create_account
from crossdock.hub.channels.models import MANUAL_KIND, Channel

PASSWORD = "correct horse battery staple 42"


@pytest.mark.django_db
def test_a_new_account_has_exactly_its_manual_channel() -> None:
    # given no accounts
    # when an account is created
    account = create_account("Acme", "owner@acme.example", PASSWORD)

    # then it holds one channel, the manual one
    assert list(Channel.objects.filter(account=account).values_list("name", "kind")) == [
        ("Manual", MANUAL_KIND)
    ]


@pytest.mark.django_db
def test_an_account_refused_as_a_duplicate_leaves_no_second_manual_channel() -> None:
    # given an account
    create_account("Acme", "owner@acme.example", PASSWORD)

    # when a second one with the same e-mail is refused
    with pytest.raises(AccountExists):
        create_account("Other", "owner@acme.example", PASSWORD)

    # then nothing changed: still one channel in all
    assert Channel.objects.count() == 1
