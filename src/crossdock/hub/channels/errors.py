"""What channel services refuse.

::

    ChannelError
    ├── ChannelNotFound          no such channel (or write-back, or mapping) in this account
    ├── ChannelValidationError   a field is missing or wrong (``field``, ``message``)
    └── ChannelConflict          the change contradicts the current state (name taken, in use)
"""

from __future__ import annotations

from crossdock.core.errors import Conflict, CrossdockError, Invalid, NotFound


class ChannelError(CrossdockError):
    pass


class ChannelNotFound(ChannelError, NotFound):
    pass


class ChannelValidationError(ChannelError, Invalid):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([(field, message)])
        self.field = field
        self.message = message


class ChannelConflict(ChannelError, Conflict):
    pass
