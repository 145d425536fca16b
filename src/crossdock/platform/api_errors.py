"""Service errors as REST answers, once for each kind of :mod:`crossdock.core.errors`.

Both REST APIs (the hub's ``/api/v1`` and the desk's) install these handlers, so every
app's errors answer alike: ``NotFound`` 404, ``Conflict`` 409, ``RateLimited`` 429 with
``Retry-After``, ``Unavailable`` 503, each as ``{"detail": message}``; ``Invalid`` 422 with
its field errors shaped exactly like ninja's own validation errors. Every route names its
body parameter ``body``, so ninja locates a field at ``["body", "body", field, …]``; errors
found by the services use the same path.

A database that cannot answer (its connection dropped mid-request, a restart, a failover;
on SQLite a lock held past the busy timeout) is a ``503`` with ``Retry-After``, never a
500: the request's transaction was rolled back whole, so the client may simply send it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from crossdock.core.errors import Conflict, Invalid, NotFound, RateLimited, Unavailable

logger = logging.getLogger(__name__)

#: How long a client is asked to wait before it sends a request the database could not answer.
DATABASE_RETRY_AFTER = 5


def fields_error(
    api: NinjaAPI, request: HttpRequest, field_errors: Iterable[tuple[str, str]]
) -> HttpResponse:
    """A 422 naming body fields at the path ninja itself uses."""
    detail = [
        {"type": "value_error", "loc": ["body", "body", *field.split(".")], "msg": text}
        for field, text in field_errors
    ]
    return api.create_response(request, {"detail": detail}, status=422)


def message(api: NinjaAPI, request: HttpRequest, status: int, text: str) -> HttpResponse:
    return api.create_response(request, {"detail": text}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every service error kind to its HTTP answer, for every router of ``api``."""

    @api.exception_handler(NotFound)
    def _not_found(request: HttpRequest, error: NotFound) -> HttpResponse:
        return message(api, request, 404, str(error))

    @api.exception_handler(Conflict)
    def _conflict(request: HttpRequest, error: Conflict) -> HttpResponse:
        return message(api, request, 409, str(error))

    @api.exception_handler(Invalid)
    def _invalid(request: HttpRequest, error: Invalid) -> HttpResponse:
        if error.field_errors:
            return fields_error(api, request, error.field_errors)
        return message(api, request, 422, str(error))

    @api.exception_handler(RateLimited)
    def _rate_limited(request: HttpRequest, error: RateLimited) -> HttpResponse:
        response = message(api, request, 429, str(error))
        response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(Unavailable)
    def _unavailable(request: HttpRequest, error: Unavailable) -> HttpResponse:
        return message(api, request, 503, str(error))

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def _database_unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
        # The path only: a query string may carry a credential.
        logger.warning(
            "%s %s: the database could not answer: %s",
            request.method,
            request.path,
            type(error).__name__,
            exc_info=error,
        )
        response = message(
            api, request, 503, "the database could not answer just now; send the request again"
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response


def rest_api(title: str, description: str, auth: Callable[..., Any], namespace: str) -> NinjaAPI:
    """A product's REST API: bearer ``auth``, Swagger UI from the files django-ninja ships
    (``ninja`` is an installed app, not a CDN; no validator badge, which would fetch an image
    from swagger.io), and the error kinds answered by :func:`install_error_handlers`."""
    api = NinjaAPI(
        title=title,
        version="1",
        description=description,
        auth=auth,
        docs_url="/docs",
        docs=Swagger(settings={"validatorUrl": None}),
        urls_namespace=namespace,
    )
    install_error_handlers(api)
    return api
