"""The CLI's one error translation: a refused command ends in one line and an exit code.

Commands do not catch service errors: a :class:`~crossdock.core.errors.CrossdockError` (or
a connector's error) raised from any command reaches :class:`CrossdockGroup`, the root
group, which prints ``error: <message>`` on stderr, on one line, and exits with the code of
its kind:

====  ==========================================================================
code  meaning
====  ==========================================================================
0     done
1     refused: a rule of the command itself, or an error of no narrower kind
2     usage: an unknown option or a missing argument (Click's own)
3     not found: no such account, channel, store, token … (``NotFound``)
4     conflict: exists already, in use, running, not in a state that allows it
5     invalid input: a value breaks a rule (``Invalid``; the field is named)
6     rate limited: too many at once; try again later (``RateLimited``)
7     unavailable: a dependency (a store, a channel, the stored secrets) cannot
      answer now (``Unavailable``, and a connector's retryable error)
8     the channel refused (a connector's terminal error)
====  ==========================================================================
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup

from crossdock.cli.output import fail
from crossdock.connectors.base import ConnectorError, RetryableError
from crossdock.connectors.registry import UnknownConnector
from crossdock.core.errors import (
    Conflict,
    CrossdockError,
    Invalid,
    NotFound,
    RateLimited,
    Unavailable,
)

REFUSED = 1
NOT_FOUND = 3
CONFLICT = 4
INVALID = 5
RATE_LIMITED = 6
UNAVAILABLE = 7
CHANNEL_REFUSED = 8

#: The first kind an error is an instance of gives its code (narrowest first).
EXIT_CODES: tuple[tuple[type[Exception], int], ...] = (
    (NotFound, NOT_FOUND),
    (UnknownConnector, NOT_FOUND),
    (Conflict, CONFLICT),
    (Invalid, INVALID),
    (RateLimited, RATE_LIMITED),
    (Unavailable, UNAVAILABLE),
    (RetryableError, UNAVAILABLE),
    (ConnectorError, CHANNEL_REFUSED),
    (CrossdockError, REFUSED),
)

TRANSLATED = (CrossdockError, ConnectorError, UnknownConnector)


def exit_code(error: Exception) -> int:
    """The exit code of an error's kind (see the module docstring)."""
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)), REFUSED)


def message(error: Exception) -> str:
    """The error as one line (a message never spans lines on the terminal)."""
    return " ".join(str(error).split()) or type(error).__name__


class CrossdockGroup(TyperGroup):
    """The root command group: translates every service error, whatever command raised it."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TRANSLATED as error:
            raise fail(message(error), exit_code(error)) from error
