"""Desk account reads."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from crossdock.desk.accounts.models import DeskAccount, DeskApiToken, DeskMembership


def account_for_user(user: AbstractBaseUser | AnonymousUser) -> DeskAccount | None:
    """The desk account a signed-in user works in (their first desk seat), if any."""
    if not user.is_authenticated:
        return None
    membership = (
        DeskMembership.objects.select_related("account")
        .filter(user_id=user.pk)
        .order_by("pk")
        .first()
    )
    return membership.account if membership else None


def seats(account: DeskAccount) -> QuerySet[DeskMembership]:
    """The account's seats with their users, oldest first."""
    return DeskMembership.objects.filter(account=account).select_related("user").order_by("pk")


def all_accounts() -> QuerySet[DeskAccount]:
    """Every desk account, by name, with its seats' users loaded."""
    return DeskAccount.objects.prefetch_related("memberships__user").order_by("name")


def tokens(account: DeskAccount) -> QuerySet[DeskApiToken]:
    """The account's API tokens, active and revoked, newest first."""
    return DeskApiToken.objects.filter(account=account).order_by("-created_at", "-pk")


def token(account: DeskAccount, token_id: int) -> DeskApiToken | None:
    return DeskApiToken.objects.filter(account=account, pk=token_id).first()
