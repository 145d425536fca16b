"""The sandbox marketplace's HTTP API under ``/sandbox/api/v1`` (token auth per shop).

Marketplace endpoints (orders, shipments, stock, listings) meet the shop's injected faults;
the inspection and simulation endpoints (what was received, generate/modify/cancel orders,
fault settings) never do, so tests and demos can always drive the sandbox.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from crossdock.sandbox import queries, services
from crossdock.sandbox.errors import SandboxError, SandboxInvalid
from crossdock.sandbox.faults import FaultKind
from crossdock.sandbox.models import SandboxOrder, SandboxShop
from crossdock.sandbox.pages import base_url, pages_enabled

Handler = Callable[..., HttpResponse]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, headers=headers)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise SandboxInvalid("the body is not JSON") from error
    if not isinstance(body, dict):
        raise SandboxInvalid("the body must be a JSON object")
    return body


def endpoint(methods: tuple[str, ...], *, faults: bool) -> Callable[[Handler], Handler]:
    """Authenticate the shop, apply its faults (when ``faults``), map errors to answers."""

    def decorate(view: Handler) -> Handler:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return _error(405, f"use {' or '.join(methods)}")
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            shop = services.authenticate(token.strip()) if scheme.lower() == "bearer" else None
            if shop is None:
                return _error(401, "missing or unknown bearer token")
            fault = FaultKind.NONE
            if faults:
                fault = services.next_fault(shop, method=request.method, path=request.path)
                if shop.delay_ms:
                    time.sleep(shop.delay_ms / 1000)
                if fault == FaultKind.TIMEOUT:
                    time.sleep(float(shop.timeout_seconds))
                    return _error(504, "the marketplace timed out")
                if fault == FaultKind.RATE_LIMITED:
                    return _error(
                        429,
                        "too many requests",
                        {"Retry-After": str(shop.retry_after_seconds)},
                    )
                if fault == FaultKind.ERROR:
                    return _error(503, "the marketplace is unavailable")
            try:
                response = view(request, shop, *args, **kwargs)
            except SandboxError as error:
                return _error(error.status, str(error))
            if fault == FaultKind.ERROR_AFTER_WRITE:
                return _error(503, "the marketplace is unavailable")
            if fault == FaultKind.TIMEOUT_AFTER_WRITE:
                time.sleep(float(shop.timeout_seconds))
                return _error(504, "the marketplace timed out")
            return response

        return wrapped

    return decorate


def index(request: HttpRequest) -> JsonResponse:
    """What the sandbox is and where its API lives."""
    return JsonResponse(
        {
            "name": "Crossdock sandbox marketplace",
            "api": request.build_absolute_uri("/sandbox/api/v1/"),
            "auth": "Authorization: Bearer <shop token>",
            "open_a_shop": "POST /sandbox/api/v1/shops {name, code?, currency?}"
            if pages_enabled()
            else "off (CROSSDOCK_SANDBOX)",
        }
    )


@csrf_exempt
def open_shop(request: HttpRequest) -> JsonResponse:
    """Open a shop (anyone may, as on a public marketplace, while the sandbox is on).

    The answer carries the shop's token, once, and what a hub channel needs to connect.
    """
    if not pages_enabled():
        return _error(404, "opening shops is off (set CROSSDOCK_SANDBOX=1)")
    if request.method != "POST":
        return _error(405, "use POST")
    try:
        body = _json_body(request)
        values: dict[str, str] = {}
        for key, default in (("name", ""), ("code", ""), ("currency", "USD")):
            value = body.get(key) or default
            if not isinstance(value, str):
                raise SandboxInvalid(f"{key} must be text", field=key)
            values[key] = value
        made = services.create_shop(values["name"], values["code"], currency=values["currency"])
    except SandboxError as error:
        payload: dict[str, str] = {"error": str(error)}
        if isinstance(error, SandboxInvalid) and error.field:
            payload["field"] = error.field
        return JsonResponse(payload, status=error.status)
    base = base_url(request)
    return JsonResponse(
        {
            **queries.shop_document(made.shop),
            "token": made.token,
            "api_base_url": queries.api_base_url(base),
            "shop_url": queries.shop_page_url(base, made.shop.pk),
        },
        status=201,
    )


def _since(request: HttpRequest) -> datetime | None:
    raw = request.GET.get("updated_since")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise SandboxInvalid("updated_since is not an ISO 8601 timestamp") from error
    if value.tzinfo is None:
        raise SandboxInvalid("updated_since needs a UTC offset")
    return value


@endpoint(("GET",), faults=True)
def orders(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    try:
        limit = int(request.GET.get("limit", "50"))
    except ValueError as error:
        raise SandboxInvalid("limit must be an integer") from error
    page, next_token = queries.changed_orders(
        shop, _since(request), request.GET.get("page_token"), limit
    )
    return JsonResponse(
        {
            "orders": [queries.order_document(order, base_url(request)) for order in page],
            "next_page_token": next_token,
        }
    )


@endpoint(("GET",), faults=True)
def order(request: HttpRequest, shop: SandboxShop, order_id: str) -> JsonResponse:
    found = SandboxOrder.objects.filter(shop=shop, public_id=order_id).first()
    if found is None:
        return _error(404, f"no order {order_id!r}")
    return JsonResponse(queries.order_document(found, base_url(request)))


@endpoint(("GET", "POST"), faults=True)
def order_shipments(request: HttpRequest, shop: SandboxShop, order_id: str) -> JsonResponse:
    if request.method == "GET":
        found = shop.shipments.filter(order__public_id=order_id).select_related("order")
        key = request.GET.get("idempotency_key")
        if key:
            found = found.filter(idempotency_key=key)
        return JsonResponse({"shipments": [queries.shipment_document(item) for item in found]})
    shipment, created = services.record_shipment(
        shop, order_id, _json_body(request), request.headers.get("Idempotency-Key", "")
    )
    return JsonResponse(queries.shipment_document(shipment), status=201 if created else 200)


@endpoint(("POST",), faults=True)
def stock(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    updated = services.set_stock(shop, _json_body(request).get("items"))
    return JsonResponse({"updated": updated})


@endpoint(("GET",), faults=True)
def listings(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    return JsonResponse(
        {
            "listings": [
                queries.listing_document(item, base_url(request)) for item in shop.listings.all()
            ]
        }
    )


@endpoint(("GET",), faults=False)
def received_shipments(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    """Every shipment the marketplace received, oldest first."""
    found = shop.shipments.select_related("order")
    return JsonResponse({"shipments": [queries.shipment_document(item) for item in found]})


@endpoint(("GET",), faults=False)
def received_stock(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    """Every stock level the marketplace received, oldest first."""
    found = shop.stock_updates.all()
    return JsonResponse({"stock_updates": [queries.stock_update_document(item) for item in found]})


@endpoint(("GET",), faults=False)
def received_faults(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    """Every marketplace request that met an injected fault, in the order they came."""
    found = shop.faults_met.all()
    return JsonResponse({"faults": [queries.fault_met_document(item) for item in found]})


@endpoint(("POST",), faults=False)
def simulate_orders(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    """Simulated buyers place ``count`` new orders."""
    count = _json_body(request).get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool):
        raise SandboxInvalid("count must be an integer")
    created = services.generate_orders(shop, count)
    return JsonResponse(
        {"orders": [queries.order_document(item, base_url(request)) for item in created]},
        status=201,
    )


@endpoint(("POST",), faults=False)
def simulate_change(request: HttpRequest, shop: SandboxShop, order_id: str) -> JsonResponse:
    """A buyer changes an order: the given fields, or something realistic at random."""
    changes = _json_body(request).get("changes")
    if changes is not None and not isinstance(changes, dict):
        raise SandboxInvalid("changes must be an object")
    return JsonResponse(
        queries.order_document(services.change_order(shop, order_id, changes), base_url(request))
    )


@endpoint(("POST",), faults=False)
def simulate_cancel(request: HttpRequest, shop: SandboxShop, order_id: str) -> JsonResponse:
    return JsonResponse(
        queries.order_document(services.cancel_order(shop, order_id), base_url(request))
    )


@endpoint(("GET", "PUT"), faults=False)
def fault_settings(request: HttpRequest, shop: SandboxShop) -> JsonResponse:
    """Read or change the faults this shop injects into its marketplace endpoints."""
    if request.method == "PUT":
        shop = services.configure_faults(shop, _json_body(request))
    return JsonResponse(queries.fault_document(shop))
