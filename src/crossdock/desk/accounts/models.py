"""Desk accounts, their seats and their API tokens (separate from the hub's accounts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from crossdock.bearer import BearerToken


class DeskAccount(models.Model):
    """A shipping business using the desk. Every desk row belongs to exactly one."""

    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeskMembership(models.Model):
    """A user's seat in a desk account."""

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="desk_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.account}"


class DeskApiToken(BearerToken):
    """A bearer token for the desk API. Only a keyed hash of the secret is stored."""

    account = models.ForeignKey(DeskAccount, on_delete=models.CASCADE, related_name="api_tokens")
