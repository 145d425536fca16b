"""Desk account, user (seat) and API token writes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from crossdock.bearer import create_bearer_token, find_bearer_token, revoke_bearer_token
from crossdock.desk.accounts.errors import (
    DeskAccountExists,
    DeskAccountNotFound,
    DeskSeatRefused,
    DeskUserInvalid,
    InvalidDeskToken,
)
from crossdock.desk.accounts.models import DeskAccount, DeskApiToken, DeskMembership
from crossdock.platform.accounts import IssuedToken, open_account
from crossdock.platform.passwords import password_problems

#: Desk tokens read ``dsk_<prefix>_<secret>`` so they are never confused with hub tokens.
TOKEN_SCHEME = "dsk"  # noqa: S105 - the public prefix of tokens, not a secret


def create_account(name: str, email: str, password: str) -> DeskAccount:
    """Create a desk account and its first user (the e-mail is the login).

    The password must pass every rule in ``settings.AUTH_PASSWORD_VALIDATORS``.
    """
    name = name.strip()
    email = email.strip().lower()
    problems = password_problems(password, email)
    if problems:
        raise DeskUserInvalid({"password": problems})
    return open_account(
        DeskAccount,
        DeskMembership,
        name,
        email,
        password,
        exists=DeskAccountExists,
        noun="a desk account",
    )


def add_user(account: DeskAccount, email: str, password: str) -> DeskMembership:
    """Give a new user (the e-mail is the login) a seat in the account.

    A login that exists already is refused rather than joined: the desk never hands an
    existing user, perhaps a hub merchant, access to another business's desk.
    """
    email = email.strip().lower()
    errors: dict[str, str] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "enter an e-mail address"
    problems = password_problems(password, email)
    if problems:
        errors["password"] = problems
    if errors:
        raise DeskUserInvalid(errors)
    user_model = get_user_model()
    try:
        with transaction.atomic():
            if user_model.objects.filter(username=email).exists():
                raise DeskUserInvalid({"email": f"a user with e-mail {email} already exists"})
            user = user_model.objects.create_user(username=email, email=email, password=password)
            return DeskMembership.objects.create(account=account, user=user)
    except IntegrityError as error:
        raise DeskUserInvalid({"email": f"a user with e-mail {email} already exists"}) from error


def remove_seat(account: DeskAccount, membership_id: int, *, acting_user_id: int | None) -> None:
    """Take a user's seat away; never the acting user's own, never the account's last.

    The user row stays (its sign-in then leads nowhere in the desk); seats are locked so two
    removals at once cannot leave the account empty.
    """
    with transaction.atomic():
        seats = list(DeskMembership.objects.select_for_update().filter(account=account))
        seat = next((seat for seat in seats if seat.pk == membership_id), None)
        if seat is None:
            raise DeskAccountNotFound(f"no seat {membership_id} in this desk account")
        if seat.user_id == acting_user_id:
            raise DeskSeatRefused("you cannot remove your own seat")
        if len(seats) == 1:
            raise DeskSeatRefused("the last seat of a desk account cannot be removed")
        seat.delete()


def get_account(name: str) -> DeskAccount:
    try:
        return DeskAccount.objects.get(name=name)
    except DeskAccount.DoesNotExist as error:
        raise DeskAccountNotFound(f"no desk account named {name!r}") from error


def create_token(account: DeskAccount, name: str) -> IssuedToken[DeskApiToken]:
    """Issue a desk API token. The secret is returned once; only its keyed hash is kept."""
    token, bearer = create_bearer_token(DeskApiToken, TOKEN_SCHEME, name, account=account)
    return IssuedToken(token=token, secret=bearer)


def authenticate_token(bearer: str) -> DeskApiToken:
    """The active token a bearer value names; raises :class:`InvalidDeskToken` otherwise."""
    token = find_bearer_token(DeskApiToken, TOKEN_SCHEME, bearer)
    if token is None:
        raise InvalidDeskToken("malformed, unknown or revoked token")
    return token


def revoke_token(account: DeskAccount, token_id: int) -> DeskApiToken:
    """Revoke a token of ``account``; it stops working at once (requests already made stand)."""
    if not revoke_bearer_token(DeskApiToken, token_id, account=account):
        raise InvalidDeskToken(f"no active token {token_id} in this desk account")
    return DeskApiToken.objects.get(pk=token_id)
