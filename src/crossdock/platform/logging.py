"""Logging filters: one line, not a traceback, for requests refused as suspicious."""

from __future__ import annotations

import logging


class OneLineFilter(logging.Filter):
    """Drop the traceback from a record, keeping its message (e.g. a bad Host header).

    Django logs each ``DisallowedHost`` with the whole stack; a scanner sending a wrong
    Host would otherwise write a dozen lines per request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
