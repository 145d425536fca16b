"""One browser, two sign-ins: the desk keeps its session in a cookie of its own.

The hub (and the admin and sandbox) use Django's session cookie; every path under
``/desk/`` uses :data:`DESK_SESSION_COOKIE`, limited to that path. So signing in to, or out
of, one product never touches the other, and one browser can be signed in to both as two
different users. The CSRF secret lives in the session (``CSRF_USE_SESSIONS``), so signing
in to one product (which rotates it) leaves the other's open forms valid.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

DESK_PREFIX = "/desk/"
DESK_SESSION_COOKIE = "crossdock_desk_session"


def session_cookie(path: str) -> tuple[str, str]:
    """The cookie name and cookie path of the session a request to ``path`` belongs to."""
    if path == DESK_PREFIX.rstrip("/") or path.startswith(DESK_PREFIX):
        return DESK_SESSION_COOKIE, DESK_PREFIX
    return settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_PATH


class ProductSessionMiddleware(SessionMiddleware):
    """Django's session middleware, with the cookie chosen by :func:`session_cookie`."""

    def process_request(self, request: HttpRequest) -> None:
        name, _ = session_cookie(request.path_info)
        request.session = self.SessionStore(request.COOKIES.get(name))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None:
            return response
        name, path = session_cookie(request.path_info)
        empty = session.is_empty()
        if name in request.COOKIES and empty:
            # Signed out (flushed): drop the cookie so the browser stops sending it.
            response.delete_cookie(
                name,
                path=path,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
            patch_vary_headers(response, ("Cookie",))
            return response
        if session.accessed:
            patch_vary_headers(response, ("Cookie",))
        if (session.modified or settings.SESSION_SAVE_EVERY_REQUEST) and not empty:
            if session.get_expire_at_browser_close():
                max_age, expires = None, None
            else:
                max_age = session.get_expiry_age()
                expires = http_date(time.time() + max_age)
            if response.status_code < 500:
                try:
                    session.save()
                except UpdateError as error:
                    raise SessionInterrupted(
                        "The session was deleted before the request completed."
                    ) from error
                response.set_cookie(
                    name,
                    session.session_key,
                    max_age=max_age,
                    expires=expires,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    path=path,
                    secure=bool(settings.SESSION_COOKIE_SECURE),
                    httponly=bool(settings.SESSION_COOKIE_HTTPONLY),
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
        return response
