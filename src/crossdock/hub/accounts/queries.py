"""Account reads."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from crossdock.hub.accounts.models import Account, ApiToken, Membership


def account_for_user(user: AbstractBaseUser | AnonymousUser) -> Account | None:
    """The account a signed-in user works in (their first membership)."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.select_related("account").filter(user_id=user.pk).order_by("pk").first()
    )
    return membership.account if membership else None


def tokens(account: Account) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(account=account)


def members(account: Account) -> QuerySet[Membership]:
    return Membership.objects.filter(account=account).select_related("user")


def all_accounts() -> QuerySet[Account]:
    """Every merchant account, by name, with its members' users loaded."""
    return Account.objects.prefetch_related("memberships__user").order_by("name")
