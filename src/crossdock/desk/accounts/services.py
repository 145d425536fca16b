"""Desk account, user and API token writes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from crossdock.core.secrets import generate_secret, keyed_hash, secret_matches
from crossdock.desk.accounts.errors import (
    DeskAccountExists,
    DeskAccountNotFound,
    InvalidDeskToken,
)
from crossdock.desk.accounts.models import DeskAccount, DeskApiToken, DeskMembership

#: Desk tokens read ``dsk_<prefix>_<secret>`` so they are never confused with hub tokens.
TOKEN_SCHEME = "dsk"  # noqa: S105 - the public prefix of tokens, not a secret


@dataclass(frozen=True, slots=True)
class IssuedDeskToken:
    """A token just created: ``secret`` is the whole bearer value, shown once."""

    token: DeskApiToken
    secret: str


def create_account(name: str, email: str, password: str) -> DeskAccount:
    """Create a desk account and its first user (the e-mail is the login)."""
    user_model = get_user_model()
    name = name.strip()
    email = email.strip().lower()
    try:
        with transaction.atomic():
            if DeskAccount.objects.filter(name=name).exists():
                raise DeskAccountExists(f"a desk account named {name!r} already exists")
            if user_model.objects.filter(username=email).exists():
                raise DeskAccountExists(f"a user with e-mail {email!r} already exists")
            account = DeskAccount.objects.create(name=name)
            user = user_model.objects.create_user(username=email, email=email, password=password)
            DeskMembership.objects.create(account=account, user=user)
    except IntegrityError as error:
        raise DeskAccountExists(f"desk account {name!r} or user {email!r} exists") from error
    return account


def get_account(name: str) -> DeskAccount:
    try:
        return DeskAccount.objects.get(name=name)
    except DeskAccount.DoesNotExist as error:
        raise DeskAccountNotFound(f"no desk account named {name!r}") from error


def create_token(account: DeskAccount, name: str) -> IssuedDeskToken:
    """Issue a desk API token. The secret is returned once; only its keyed hash is kept."""
    prefix = secrets.token_hex(6)
    secret = generate_secret(24)
    token = DeskApiToken.objects.create(
        account=account,
        name=name.strip() or "API token",
        prefix=prefix,
        secret_hash=keyed_hash(settings.HASH_KEY, secret),
    )
    return IssuedDeskToken(token=token, secret=f"{TOKEN_SCHEME}_{prefix}_{secret}")


def authenticate_token(bearer: str) -> DeskApiToken:
    """The active token a bearer value names; raises :class:`InvalidDeskToken` otherwise."""
    scheme, _, rest = bearer.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not prefix or not secret:
        raise InvalidDeskToken("malformed token")
    token = (
        DeskApiToken.objects.select_related("account")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not secret_matches(settings.HASH_KEY, secret, token.secret_hash):
        raise InvalidDeskToken("unknown or revoked token")
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        DeskApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
