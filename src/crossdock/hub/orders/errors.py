"""Errors raised by the order services.

::

    OrderError
    ├── OrderNotFound        no such order in this account
    ├── OrderExists          the channel already has an order with that number
    ├── OrderStateError      the change is not allowed in the order's status
    └── OrderValidationError a field value breaks a rule (carries the field path)
"""

from __future__ import annotations


class OrderError(Exception):
    """Base of the order errors."""


class OrderNotFound(OrderError):
    pass


class OrderExists(OrderError):
    pass


class OrderStateError(OrderError):
    pass


class OrderValidationError(OrderError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
