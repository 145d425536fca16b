"""Bearer tokens for the hub's and the desk's APIs: one model shape, one issue/check path.

Neither the hub nor the desk owns this module, so both may use it without importing each
other. The secret is shown once; only its keyed hash (``settings.HASH_KEY``) is stored.
"""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils import timezone

from crossdock.core.secrets import issue_token, secret_matches, split_token, usage_is_stale


class BearerToken(models.Model):
    """The columns of an API token; concrete models add the account they belong to."""

    name = models.CharField(max_length=100)
    #: The public part of the token, used to find the row without scanning hashes.
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


TokenT = TypeVar("TokenT", bound=BearerToken)


class BearerTokenAdmin(admin.ModelAdmin[TokenT]):
    """Staff admin of a token model: names, prefixes and dates, never the secret's hash."""

    list_display = ("name", "prefix", "account", "created_at", "last_used_at", "revoked_at")
    list_filter = ("account",)
    exclude = ("secret_hash",)
    readonly_fields = ("prefix", "created_at", "last_used_at")


def create_bearer_token(
    model: type[TokenT], scheme: str, name: str, **owner: object
) -> tuple[TokenT, str]:
    """Store a new token of ``model`` for ``owner``; returns the row and the bearer value."""
    new = issue_token(scheme, settings.HASH_KEY)
    token = model._default_manager.create(
        name=name.strip() or "API token",
        prefix=new.prefix,
        secret_hash=new.secret_hash,
        **owner,
    )
    return token, new.bearer


def find_bearer_token(model: type[TokenT], scheme: str, bearer: str) -> TokenT | None:
    """The active token a bearer value names (its account loaded), or ``None``."""
    parts = split_token(scheme, bearer)
    if parts is None:
        return None
    prefix, secret = parts
    token = (
        model._default_manager.select_related("account")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not secret_matches(settings.HASH_KEY, secret, token.secret_hash):
        return None
    now = timezone.now()
    # Touch at most once a minute: avoids a write per request under load.
    if usage_is_stale(token.last_used_at, now):
        model._default_manager.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_bearer_token(model: type[TokenT], token_id: int, **owner: object) -> bool:
    """Revoke ``owner``'s active token ``token_id``; it stops working at once.

    Returns ``False`` when ``owner`` has no such active token (unknown, another owner's, or
    already revoked), so a caller can never revoke outside its own account.
    """
    updated = model._default_manager.filter(pk=token_id, revoked_at__isnull=True, **owner).update(
        revoked_at=timezone.now()
    )
    return bool(updated)
