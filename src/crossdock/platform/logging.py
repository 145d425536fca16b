"""Logging filters and formats: one line for suspicious requests, request ids, redaction, JSON.

``settings.LOGGING`` puts :class:`RequestIdFilter` and :class:`RedactFilter` on every
console handler and picks the plain or the :class:`JsonFormatter` format from
``CROSSDOCK_LOG_FORMAT``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from crossdock.core.redaction import redact
from crossdock.platform.request_id import request_id

#: The longest message and traceback a log line keeps (longer ones are cut with "…").
MESSAGE_LIMIT = 10_000
TRACEBACK_LIMIT = 20_000
_TRACEBACK = logging.Formatter()


class OneLineFilter(logging.Filter):
    """Drop the traceback from a record, keeping its message (e.g. a bad Host header).

    Django logs each ``DisallowedHost`` with the whole stack; a scanner sending a wrong
    Host would otherwise write a dozen lines per request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


class RequestIdFilter(logging.Filter):
    """Put the id of the request being answered (or ``None``) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class RedactFilter(logging.Filter):
    """Run every message (and its traceback) through ``core.redaction.redact``.

    A message may quote a URL whose query carries a credential (an httpx error names the
    Custom Store URL with ``SS-Password``); the record leaves with the URL's query dropped
    and ``name=value`` credentials masked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), limit=MESSAGE_LIMIT)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACK.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, limit=TRACEBACK_LIMIT)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)
