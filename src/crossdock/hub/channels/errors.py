"""What channel services refuse.

::

    ChannelError
    ├── ChannelNotFound          no such channel (or write-back, or mapping) in this account
    ├── ChannelValidationError   a field is missing or wrong (``field``, ``message``)
    ├── ChannelCheckFailed       the connection check named problems (each with its setting)
    └── ChannelConflict          the change contradicts the current state (name taken, in use)
"""

from __future__ import annotations

from collections.abc import Sequence

from crossdock.connectors.base import ConnectionProblem
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


class ChannelCheckFailed(ChannelError, Invalid):
    """The channel answered the connection check with problems the merchant must fix.

    Each problem is a field error on the setting at fault (``settings.<name>``; plain
    ``settings`` when no one setting is). Messages never hold a secret.
    """

    def __init__(self, problems: Sequence[ConnectionProblem]) -> None:
        super().__init__(
            [
                (f"settings.{problem.field}" if problem.field else "settings", problem.message)
                for problem in problems
            ]
        )
        self.problems = tuple(problems)


class ChannelConflict(ChannelError, Conflict):
    pass
