"""One error vocabulary for every Crossdock service, hub and desk alike.

Each app keeps its own error names (``OrderNotFound``, ``StoreInvalid`` …) for what it
refuses, and each of them is one of these kinds, so every surface (the REST APIs, the web
pages, the CLI) translates a kind once instead of each app's classes one by one::

    CrossdockError            something a service refused; nothing was changed
    ├── NotFound              no such thing in this account (HTTP 404)
    ├── Conflict              not possible in the current state: exists, in use, running (409)
    ├── Invalid               input that breaks a rule (422); ``field_errors`` lists
    │                         (field path, message) pairs, empty when no one field is at fault
    ├── RateLimited           too many at once; try again after ``retry_after`` seconds (429)
    └── Unavailable           a dependency cannot answer now (503)

Pure: no framework imports, so core, customstore-adjacent code and every app may use it.
"""

from __future__ import annotations

from collections.abc import Iterable


class CrossdockError(Exception):
    """Base of every error a Crossdock service raises on purpose."""


class NotFound(CrossdockError):
    """No such thing in this account."""


class Conflict(CrossdockError):
    """The change contradicts the current state (already exists, in use, running, closed)."""


class Invalid(CrossdockError):
    """Input that breaks a rule; ``field_errors`` names each field at fault with its message.

    The message defaults to ``"field: message"`` pairs joined by ``"; "``.
    """

    def __init__(self, field_errors: Iterable[tuple[str, str]] = (), message: str = "") -> None:
        self.field_errors: tuple[tuple[str, str], ...] = tuple(field_errors)
        super().__init__(
            message or "; ".join(f"{field}: {text}" for field, text in self.field_errors)
        )


class RateLimited(CrossdockError):
    """Too many requests at once; the caller may try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(CrossdockError):
    """Something the service needs cannot answer now; trying later may work."""
