"""Connected sales-channel accounts."""

from __future__ import annotations

from django.db import models

from crossdock.hub.accounts.models import Account

MANUAL_KIND = "manual"


class Channel(models.Model):
    """A merchant's connected account on one kind of channel (the ``kind`` is a connector slug).

    Every account has one built-in ``manual`` channel for orders entered by hand or by API.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="channel_account_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"
