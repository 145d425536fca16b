"""Errors raised by the fulfillment services.

::

    FulfillmentError
    └── FulfillmentValidationError   a shipment that cannot be recorded as asked (names the field)
"""

from __future__ import annotations


class FulfillmentError(Exception):
    """Base of the fulfillment errors."""


class FulfillmentValidationError(FulfillmentError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
