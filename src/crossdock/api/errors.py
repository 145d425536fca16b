"""Uniform error answers: 422 carries field-level messages in ninja's own ``detail`` shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from crossdock.hub.orders.errors import (
    OrderExists,
    OrderNotFound,
    OrderStateError,
    OrderValidationError,
)


def field_error(api: NinjaAPI, request: HttpRequest, field: str, message: str) -> HttpResponse:
    """A 422 naming one body field, shaped exactly like ninja's own validation errors.

    Every route names its body parameter ``body``, so ninja locates a field at
    ``["body", "body", field, …]``; errors found by the services use the same path.
    """
    loc = ["body", "body", *field.split(".")]
    return api.create_response(
        request,
        {"detail": [{"type": "value_error", "loc": loc, "msg": message}]},
        status=422,
    )


def message(api: NinjaAPI, request: HttpRequest, status: int, text: str) -> HttpResponse:
    return api.create_response(request, {"detail": text}, status=status)


def install_handlers(api: NinjaAPI) -> None:
    """Map service errors to HTTP answers once, for every router."""

    @api.exception_handler(OrderValidationError)
    def _validation(request: HttpRequest, error: OrderValidationError) -> HttpResponse:
        return field_error(api, request, error.field, error.message)

    @api.exception_handler(OrderNotFound)
    def _not_found(request: HttpRequest, error: OrderNotFound) -> HttpResponse:
        return message(api, request, 404, str(error))

    @api.exception_handler(OrderExists)
    def _exists(request: HttpRequest, error: OrderExists) -> HttpResponse:
        return message(api, request, 409, str(error))

    @api.exception_handler(OrderStateError)
    def _state(request: HttpRequest, error: OrderStateError) -> HttpResponse:
        return message(api, request, 409, str(error))
