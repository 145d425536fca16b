"""Desk service errors as HTTP answers; 422 carries field messages in ninja's own shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from crossdock.desk.accounts.errors import InvalidDeskToken
from crossdock.desk.shipments.errors import (
    ShipmentInvalid,
    ShipmentNotFound,
    ShipmentStateError,
)
from crossdock.desk.stores.errors import (
    ImportAlreadyRunning,
    ImportLeaseLost,
    StoreCallsBusy,
    StoreConnectionFailed,
    StoreInvalid,
    StoreLimitReached,
    StoreNotFound,
)


def fields_error(api: NinjaAPI, request: HttpRequest, errors: dict[str, str]) -> HttpResponse:
    """A 422 naming body fields at the path ninja itself uses (``["body", "body", field]``)."""
    detail = [
        {"type": "value_error", "loc": ["body", "body", *field.split(".")], "msg": message}
        for field, message in errors.items()
    ]
    return api.create_response(request, {"detail": detail}, status=422)


def message(api: NinjaAPI, request: HttpRequest, status: int, text: str) -> HttpResponse:
    return api.create_response(request, {"detail": text}, status=status)


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(StoreInvalid)
    def _store_invalid(request: HttpRequest, error: StoreInvalid) -> HttpResponse:
        return fields_error(api, request, error.errors)

    @api.exception_handler(StoreConnectionFailed)
    def _connection(request: HttpRequest, error: StoreConnectionFailed) -> HttpResponse:
        return fields_error(api, request, {error.field: error.message})

    @api.exception_handler(ShipmentInvalid)
    def _shipment_invalid(request: HttpRequest, error: ShipmentInvalid) -> HttpResponse:
        return fields_error(api, request, error.errors)

    @api.exception_handler(StoreNotFound)
    def _store_missing(request: HttpRequest, error: StoreNotFound) -> HttpResponse:
        return message(api, request, 404, str(error))

    @api.exception_handler(InvalidDeskToken)
    def _token_missing(request: HttpRequest, error: InvalidDeskToken) -> HttpResponse:
        return message(api, request, 404, str(error))

    @api.exception_handler(ShipmentNotFound)
    def _shipment_missing(request: HttpRequest, error: ShipmentNotFound) -> HttpResponse:
        return message(api, request, 404, str(error))

    @api.exception_handler(ShipmentStateError)
    def _state(request: HttpRequest, error: ShipmentStateError) -> HttpResponse:
        return message(api, request, 409, str(error))

    @api.exception_handler(StoreLimitReached)
    def _full(request: HttpRequest, error: StoreLimitReached) -> HttpResponse:
        return message(api, request, 409, str(error))

    @api.exception_handler(StoreCallsBusy)
    def _busy(request: HttpRequest, error: StoreCallsBusy) -> HttpResponse:
        response = message(api, request, 429, str(error))
        response["Retry-After"] = str(error.retry_after)
        return response

    @api.exception_handler(ImportAlreadyRunning)
    @api.exception_handler(ImportLeaseLost)
    def _running(
        request: HttpRequest, error: ImportAlreadyRunning | ImportLeaseLost
    ) -> HttpResponse:
        return message(api, request, 409, str(error))
