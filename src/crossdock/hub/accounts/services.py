"""Account, user and API token writes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from crossdock.bearer import create_bearer_token, find_bearer_token, revoke_bearer_token
from crossdock.hub.accounts.errors import (
    AccountExists,
    AccountInvalid,
    AccountNotFound,
    InvalidToken,
)
from crossdock.hub.accounts.models import Account, ApiToken, Membership
from crossdock.platform.accounts import IssuedToken, open_account
from crossdock.platform.passwords import password_problems

TOKEN_SCHEME = "cdk"  # noqa: S105 - the public prefix of tokens, not a secret

#: The longest account name and login e-mail the tables hold.
MAX_NAME = 100
MAX_EMAIL = 150


def create_account(name: str, email: str, password: str) -> Account:
    """Create a merchant account and its owner user.

    The channels app gives every new account its built-in ``manual`` channel in the same
    transaction (``ChannelsConfig.ready``).

    The password must pass every rule in ``settings.AUTH_PASSWORD_VALIDATORS``.
    """
    name = name.strip()
    email = _checked_email(email)
    if not name or len(name) > MAX_NAME:
        raise AccountInvalid(f"an account name must be 1 to {MAX_NAME} characters")
    _check_password(password, email)
    return open_account(
        Account,
        Membership,
        name,
        email,
        password,
        exists=AccountExists,
        noun="an account",
        seat_values={"role": Membership.Role.OWNER},
    )


def _checked_email(email: str) -> str:
    email = email.strip().lower()
    if not email or len(email) > MAX_EMAIL:
        raise AccountInvalid(f"an e-mail must be 1 to {MAX_EMAIL} characters")
    return email


def _check_password(password: str, email: str) -> None:
    problems = password_problems(password, email)
    if problems:
        raise AccountInvalid(f"password: {problems}")


def add_user(account: Account, email: str, password: str) -> AbstractBaseUser:
    """Add a staff user to an account (the password must pass the password rules)."""
    user_model = get_user_model()
    email = _checked_email(email)
    _check_password(password, email)
    try:
        with transaction.atomic():
            user = user_model.objects.create_user(username=email, email=email, password=password)
            Membership.objects.create(account=account, user=user, role=Membership.Role.STAFF)
    except IntegrityError as error:
        raise AccountExists(f"a user with e-mail {email!r} already exists") from error
    return user


def get_account(name: str) -> Account:
    try:
        return Account.objects.get(name=name)
    except Account.DoesNotExist as error:
        raise AccountNotFound(f"no account named {name!r}") from error


def create_token(account: Account, name: str) -> IssuedToken[ApiToken]:
    """Issue an API token. The secret is returned once; only its keyed hash is kept."""
    token, bearer = create_bearer_token(ApiToken, TOKEN_SCHEME, name, account=account)
    return IssuedToken(token=token, secret=bearer)


def authenticate_token(bearer: str) -> ApiToken:
    """The active token a bearer value names; raises :class:`InvalidToken` otherwise."""
    token = find_bearer_token(ApiToken, TOKEN_SCHEME, bearer)
    if token is None:
        raise InvalidToken("malformed, unknown or revoked token")
    return token


def revoke_token(account: Account, token_id: int) -> ApiToken:
    """Revoke a token of ``account``; it stops working at once."""
    if not revoke_bearer_token(ApiToken, token_id, account=account):
        raise InvalidToken(f"no active token {token_id} in this account")
    return ApiToken.objects.get(pk=token_id)
