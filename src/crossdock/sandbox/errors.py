"""What the sandbox marketplace refuses, and the HTTP status each refusal answers with.

::

    SandboxError
    ├── SandboxNotFound         404: no such order or shop
    ├── SandboxConflict         409: the order cannot take this (cancelled, already shipped)
    └── SandboxInvalid          422: the request is missing or contradicts something
"""

from __future__ import annotations


class SandboxError(Exception):
    status = 400


class SandboxNotFound(SandboxError):
    status = 404


class SandboxConflict(SandboxError):
    status = 409


class SandboxInvalid(SandboxError):
    status = 422

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        #: The input field the message is about, when it is about one.
        self.field = field
