"""Errors of the desk accounts services.

DeskAccountError
 ├─ DeskAccountExists    an account or user with that name or e-mail exists
 ├─ DeskAccountNotFound  no account has that name
 └─ InvalidDeskToken     a bearer token that is malformed, unknown or revoked
"""


class DeskAccountError(Exception):
    """Base of the desk accounts errors."""


class DeskAccountExists(DeskAccountError):
    """An account or user with that name or e-mail already exists."""


class DeskAccountNotFound(DeskAccountError):
    """No desk account has that name."""


class InvalidDeskToken(DeskAccountError):
    """A bearer token that is malformed, unknown or revoked."""
