"""Errors raised by the fulfillment services.

::

    FulfillmentError
    └── FulfillmentValidationError   a shipment that cannot be recorded as asked (names the field)
"""

from __future__ import annotations

from crossdock.core.errors import CrossdockError, Invalid


class FulfillmentError(CrossdockError):
    """Base of the fulfillment errors."""


class FulfillmentValidationError(FulfillmentError, Invalid):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([(field, message)])
        self.field = field
        self.message = message
