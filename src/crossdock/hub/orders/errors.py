"""Errors raised by the order services.

::

    OrderError
    ├── OrderNotFound        no such order in this account
    ├── OrderExists          the channel already has an order with that number
    ├── OrderStateError      the change is not allowed in the order's status
    └── OrderValidationError a field value breaks a rule (carries the field path)
"""

from __future__ import annotations

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound


class OrderError(CrossdockError):
    """Base of the order errors."""


class OrderNotFound(OrderError, NotFound):
    pass


class OrderExists(OrderError, Conflict):
    pass


class OrderStateError(OrderError, Conflict):
    pass


class OrderValidationError(OrderError, Invalid):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([(field, message)])
        self.field = field
        self.message = message
