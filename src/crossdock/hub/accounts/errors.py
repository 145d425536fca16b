"""Errors raised by the accounts services."""

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound


class AccountError(CrossdockError):
    """Base of the accounts errors."""


class AccountExists(AccountError, Conflict):
    """An account or user with that name or e-mail already exists."""


class AccountInvalid(AccountError, Invalid):
    """A name or e-mail an account or user cannot have (blank, or too long to store)."""

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


class AccountNotFound(AccountError, NotFound):
    """No account has that name."""


class InvalidToken(AccountError, NotFound):
    """A bearer token that is malformed, unknown or revoked (as the desk's)."""
