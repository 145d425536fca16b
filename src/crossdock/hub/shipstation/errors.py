"""Errors of the ShipStation integration.

::

    ShipStationError
    ├── IntegrationNotFound          no such integration in this account
    ├── IntegrationValidationError   an option value breaks a rule (carries the field)
    ├── AuthenticationFailed         unknown username, wrong password or revoked (HTTP 401)
    ├── ClientLocked                 too many failures from this client (HTTP 429)
    └── NoticeOrderError             a ship notice names no usable order
        ├── NoticeOrderNotFound      no order matches (HTTP 404)
        └── NoticeOrderAmbiguous     an order number matches several orders (HTTP 400)
"""

from __future__ import annotations

from crossdock.core.errors import CrossdockError, Invalid, NotFound, RateLimited


class ShipStationError(CrossdockError):
    """Base of the ShipStation integration errors."""


class IntegrationNotFound(ShipStationError, NotFound):
    pass


class IntegrationValidationError(ShipStationError, Invalid):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([(field, message)])
        self.field = field
        self.message = message


class AuthenticationFailed(ShipStationError):
    pass


class ClientLocked(ShipStationError, RateLimited):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; retry in {retry_after} s", retry_after)


class NoticeOrderError(ShipStationError):
    pass


class NoticeOrderNotFound(NoticeOrderError, NotFound):
    pass


class NoticeOrderAmbiguous(NoticeOrderError):
    pass
