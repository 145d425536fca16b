"""Web pages answer a service's :class:`~crossdock.core.errors.NotFound` with the 404 page.

One place instead of a hand-written ``Http404`` in every view: a view simply calls the
query or service, and a thing missing from the account (or another account's) is the
product's own "not found" page. The REST APIs translate their errors themselves
(:mod:`crossdock.platform.api_errors`) before this runs.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from crossdock.core.errors import NotFound


class NotFoundPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Raise the 404 for a ``NotFound``; ``None`` leaves every other error to Django."""
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        return None
