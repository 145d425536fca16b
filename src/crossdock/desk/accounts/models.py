"""Desk accounts, their seats and their API tokens (separate from the hub's accounts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from crossdock.bearer import BearerToken
from crossdock.platform.accounts import AccountBase, SeatBase


class DeskAccount(AccountBase):
    """A shipping business using the desk. Every desk row belongs to exactly one."""


class DeskMembership(SeatBase):
    """A user's seat in a desk account."""

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="desk_membership_unique")
        ]


class DeskApiToken(BearerToken):
    """A bearer token for the desk API. Only a keyed hash of the secret is stored."""

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="api_tokens")
