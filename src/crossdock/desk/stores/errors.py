"""Errors of the desk store services.

DeskStoreError
 ├─ StoreNotFound          no such store in this account
 ├─ StoreInvalid           bad input; ``errors`` maps each field to its message
 ├─ StoreConnectionFailed  the connection test failed; ``message`` says precisely why
 ├─ StoreLimitReached      the desk account has as many stores as it may have
 ├─ ImportAlreadyRunning   an import of this store is under way
 ├─ AccountImportsBusy     the account already runs as many imports as it may at once
 ├─ ImportLeaseLost        the import's lease ran out and another import took the store
 └─ StoreCallsBusy         too many calls to stores from web requests; retry after a pause
"""

from __future__ import annotations

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound, RateLimited


class DeskStoreError(CrossdockError):
    """Base of the desk store errors."""


class StoreNotFound(DeskStoreError, NotFound):
    pass


class StoreInvalid(DeskStoreError, Invalid):
    """Input that cannot be saved; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors.items())
        self.errors = errors


class StoreConnectionFailed(DeskStoreError, Invalid):
    """The store did not pass the connection test; nothing was saved."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__([(field, message)], message)
        self.message = message
        self.field = field


class ImportAlreadyRunning(DeskStoreError, Conflict):
    pass


class StoreLimitReached(DeskStoreError, Conflict):
    """The account has ``limit`` stores already (``CROSSDOCK_DESK_MAX_STORES``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"this desk account has {limit} stores, the most it may have; "
            "remove one before connecting another"
        )
        self.limit = limit


class AccountImportsBusy(DeskStoreError, Conflict):
    """The account's other stores use every import slot it has; this one waits its turn."""


class ImportLeaseLost(DeskStoreError, Conflict):
    """The import stopped renewing its lease in time and another import took the store."""


class StoreCallsBusy(DeskStoreError, RateLimited):
    """Web requests already make as many calls to stores as allowed; ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after)
