"""Errors of the desk accounts services.

DeskAccountError
 ├─ DeskAccountExists    an account or user with that name or e-mail exists
 ├─ DeskAccountNotFound  no account has that name
 ├─ InvalidDeskToken     a bearer token that is malformed, unknown or revoked
 ├─ DeskUserInvalid      a user to add is refused; ``errors`` maps each field to its message
 └─ DeskSeatRefused      a seat that cannot be removed (your own, or the last one)
"""

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound


class DeskAccountError(CrossdockError):
    """Base of the desk accounts errors."""


class DeskAccountExists(DeskAccountError, Conflict):
    """An account or user with that name or e-mail already exists."""


class DeskAccountNotFound(DeskAccountError, NotFound):
    """No desk account has that name."""


class InvalidDeskToken(DeskAccountError, NotFound):
    """A bearer token that is malformed, unknown or revoked."""


class DeskUserInvalid(DeskAccountError, Invalid):
    """A user to add is refused; ``errors`` maps each form field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors.items())
        self.errors = errors


class DeskSeatRefused(DeskAccountError, Conflict):
    """A seat that cannot be removed: the caller's own, or the account's last."""
