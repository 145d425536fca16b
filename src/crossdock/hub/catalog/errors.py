"""Errors raised by the catalog and stock services.

::

    CatalogError
    ├── CatalogNotFound      no such product, source, listing or channel in this account
    ├── CatalogConflict      not possible in the current state (a SKU taken, a source in use)
    └── CatalogInvalid       a value breaks a rule (names each field at fault)
"""

from __future__ import annotations

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound


class CatalogError(CrossdockError):
    """Base of the catalog errors."""


class CatalogNotFound(CatalogError, NotFound):
    pass


class CatalogConflict(CatalogError, Conflict):
    pass


class CatalogInvalid(CatalogError, Invalid):
    """Input that breaks a rule; ``field_errors`` names each field (``quantity``, ``sku`` …)."""

    @classmethod
    def field(cls, field: str, message: str) -> CatalogInvalid:
        return cls([(field, message)])
