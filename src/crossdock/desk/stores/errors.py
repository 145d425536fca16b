"""Errors of the desk store services.

DeskStoreError
 ├─ StoreNotFound          no such store in this account
 ├─ StoreInvalid           bad input; ``errors`` maps each field to its message
 ├─ StoreConnectionFailed  the connection test failed; ``message`` says precisely why
 └─ ImportAlreadyRunning   an import of this store is under way
"""

from __future__ import annotations


class DeskStoreError(Exception):
    """Base of the desk store errors."""


class StoreNotFound(DeskStoreError):
    pass


class StoreInvalid(DeskStoreError):
    """Input that cannot be saved; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class StoreConnectionFailed(DeskStoreError):
    """The store did not pass the connection test; nothing was saved."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ImportAlreadyRunning(DeskStoreError):
    pass
