"""Errors of the desk shipment services.

ShipmentError
 ├─ ShipmentNotFound     no such order or shipment in this account
 ├─ ShipmentInvalid      bad input; ``errors`` maps each field to its message
 └─ ShipmentStateError   the order or shipment cannot do that now (voided, cancelled …)
"""

from __future__ import annotations


class ShipmentError(Exception):
    """Base of the desk shipment errors."""


class ShipmentNotFound(ShipmentError):
    pass


class ShipmentInvalid(ShipmentError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class ShipmentStateError(ShipmentError):
    pass
