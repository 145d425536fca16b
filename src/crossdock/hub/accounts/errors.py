"""Errors raised by the accounts services."""


class AccountError(Exception):
    """Base of the accounts errors."""


class AccountExists(AccountError):
    """An account or user with that name or e-mail already exists."""


class AccountInvalid(AccountError):
    """A name or e-mail an account or user cannot have (blank, or too long to store)."""


class AccountNotFound(AccountError):
    """No account has that name."""


class InvalidToken(AccountError):
    """A bearer token that is malformed, unknown or revoked."""
