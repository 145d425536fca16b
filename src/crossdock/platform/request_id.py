"""A request id for every answer: the ``X-Request-ID`` header, log records and the access line.

The id is the caller's ``X-Request-ID`` when it is a safe short token (a proxy or load
balancer that already numbered the request keeps its number), else a fresh random one. It is
set on the answer and in :data:`request_id` for the duration of the request, where the log
filter (``crossdock.platform.logging.RequestIdFilter``) reads it, so every line a request
logs carries it. After the answer, one access line goes to the ``crossdock.access`` logger:
method, path without its query (the Custom Store protocol puts ``SS-Password`` there),
status and duration.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
#: A caller's id is kept only if it is this: letters, digits and ``-_.:``, 1 to 64 of them.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")

#: The id of the request this thread (or task) is answering; ``None`` outside a request.
request_id: ContextVar[str | None] = ContextVar("crossdock_request_id", default=None)

access_logger = logging.getLogger("crossdock.access")


def new_request_id() -> str:
    """A random id, 32 hexadecimal characters."""
    return secrets.token_hex(16)


def choose_request_id(incoming: str | None) -> str:
    """The caller's id when it is a safe short token, else a new one."""
    if incoming is not None and SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return new_request_id()


class RequestIdMiddleware:
    """Give each request an id, answer with it, and log one access line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = choose_request_id(request.headers.get(REQUEST_ID_HEADER))
        token = request_id.set(chosen)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = chosen
            access_logger.info(
                "%s %s %s %.0fms",
                request.method,
                # The path only: a query may hold credentials (SS-Password).
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            return response
        finally:
            request_id.reset(token)
