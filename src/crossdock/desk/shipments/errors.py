"""Errors of the desk shipment services.

ShipmentError
 ├─ ShipmentNotFound     no such order or shipment in this account
 ├─ ShipmentInvalid      bad input; ``errors`` maps each field to its message
 └─ ShipmentStateError   the order or shipment cannot do that now (voided, cancelled …)
"""

from __future__ import annotations

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound


class ShipmentError(CrossdockError):
    """Base of the desk shipment errors."""


class ShipmentNotFound(ShipmentError, NotFound):
    pass


class ShipmentInvalid(ShipmentError, Invalid):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors.items())
        self.errors = errors


class ShipmentStateError(ShipmentError, Conflict):
    pass
