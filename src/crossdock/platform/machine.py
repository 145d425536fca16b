"""Machine endpoints answered without the page middleware: sessions, CSRF, messages …

Some paths are only ever called by other software with credentials of their own: the
ShipStation Custom Store endpoint (``/shipstation/``: Basic auth, plain text and XML
answers, ``csrf_exempt``). They read no session, no signed-in user, no message and no
page policy, yet every call ran the whole stack for pages. Measured on a ship notice
(cProfile, 199 notices): the session, common, CSRF, authentication and message middleware,
htmx, the page headers and the 404 page took about 8% of the request.

This middleware sits after the operations probes, the request id (one access line per
request, the ``X-Request-ID`` header) and Django's ``SecurityMiddleware`` (host check,
HTTPS redirect, HSTS, ``nosniff``), and calls the view of a path under
``settings.MACHINE_PATHS`` itself; every other request goes on through the stack.
It gives a whole answer its ``Content-Length`` as ``CommonMiddleware`` would. A view
it calls must answer every error itself (the Custom Store's answers every unexpected
error with a plain 503).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve


class MachineEndpointMiddleware:
    """Call the view of a machine path directly, past the rest of the middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(settings.MACHINE_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(self.prefixes):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            request.resolver_match = match
            response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            # What CommonMiddleware does for a whole answer: its length, so the server
            # need not chunk it (and a 413 can close the connection cleanly).
            if not response.streaming and not response.has_header("Content-Length"):
                response.headers["Content-Length"] = str(len(response.content))
            return response
        return self.get_response(request)
