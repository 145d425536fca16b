"""Merchant accounts, their users and their API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from crossdock.bearer import BearerToken
from crossdock.platform.accounts import AccountBase, SeatBase


class Account(AccountBase):
    """A merchant. Every domain row in the hub belongs to exactly one account."""


class Membership(SeatBase):
    """A user's seat in an account."""

    class Role(models.TextChoices):
        OWNER = "owner"
        STAFF = "staff"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OWNER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="membership_account_user")
        ]


class ApiToken(BearerToken):
    """A bearer token for the REST API. Only a keyed hash of the secret is stored."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_tokens")
