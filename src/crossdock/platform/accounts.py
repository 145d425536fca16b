"""What the hub's accounts and the desk's accounts share: the shape of an account and a
seat, opening an account with its first login, and a token just issued.

Each product keeps its own tables (``Account``/``Membership`` in the hub,
``DeskAccount``/``DeskMembership`` in the desk) built on these abstract models, and its own
error names; the platform imports neither product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction

from crossdock.core.errors import Conflict

TokenT = TypeVar("TokenT")
AccountT = TypeVar("AccountT", bound="AccountBase")


class AccountBase(models.Model):
    """A business using one product. Every row of that product belongs to exactly one."""

    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SeatBase(models.Model):
    """A user's seat in an account (concrete models add the account and the user)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, 'user', '?')} in {getattr(self, 'account', '?')}"


@dataclass(frozen=True, slots=True)
class IssuedToken(Generic[TokenT]):
    """A token just created: ``secret`` is the whole bearer value, shown once."""

    token: TokenT
    secret: str


def open_account(
    account_model: type[AccountT],
    seat_model: type[models.Model],
    name: str,
    email: str,
    password: str,
    *,
    exists: Callable[[str], Conflict],
    noun: str,
    seat_values: dict[str, Any] | None = None,
) -> AccountT:
    """Create an account named ``name`` and its first login ``email`` with a seat in it.

    The caller has checked the name, the e-mail and the password; ``exists`` makes the
    product's own error when the name or the login is taken (nothing is created then).
    """
    user_model = get_user_model()
    try:
        with transaction.atomic():
            if account_model._default_manager.filter(name=name).exists():
                raise exists(f"{noun} named {name!r} already exists")
            if user_model._default_manager.filter(username=email).exists():
                raise exists(f"a user with e-mail {email!r} already exists")
            account = account_model._default_manager.create(name=name)
            user = user_model._default_manager.create_user(
                username=email, email=email, password=password
            )
            seat_model._default_manager.create(account=account, user=user, **(seat_values or {}))
    except IntegrityError as error:
        raise exists(f"{noun} {name!r} or user {email!r} already exists") from error
    return account
