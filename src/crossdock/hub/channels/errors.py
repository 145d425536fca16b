"""What channel services refuse.

::

    ChannelError
    ├── ChannelNotFound          no such channel (or write-back, or mapping) in this account
    ├── ChannelValidationError   a field is missing or wrong (``field``, ``message``)
    └── ChannelConflict          the change contradicts the current state (name taken, in use)
"""

from __future__ import annotations


class ChannelError(Exception):
    pass


class ChannelNotFound(ChannelError):
    pass


class ChannelValidationError(ChannelError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ChannelConflict(ChannelError):
    pass
