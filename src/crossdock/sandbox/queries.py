"""The sandbox marketplace's reads and the JSON documents its API serves."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Q

from crossdock.sandbox.errors import SandboxInvalid, SandboxNotFound
from crossdock.sandbox.models import (
    SandboxFaultMet,
    SandboxListing,
    SandboxOrder,
    SandboxShipment,
    SandboxShop,
    SandboxStockUpdate,
)

MAX_PAGE = 200


def shop_page_url(base_url: str, shop_id: int) -> str:
    """The shop's page on the marketplace (what the hub links to as "Open in marketplace")."""
    return f"{base_url.rstrip('/')}/sandbox/shops/{shop_id}/"


def api_base_url(base_url: str) -> str:
    """The marketplace API's base URL, as a channel's ``base_url`` setting takes it."""
    return f"{base_url.rstrip('/')}/sandbox/api/v1"


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def absolute(url: str, base_url: str) -> str:
    """A picture path of this marketplace (``/static/…``) as a URL on ``base_url``."""
    return base_url.rstrip("/") + url if url.startswith("/") and base_url else url


def order_document(order: SandboxOrder, base_url: str = "") -> dict[str, Any]:
    """The order as the API serves it; picture paths made absolute on ``base_url``."""
    lines = [
        {**line, "image_url": absolute(line.get("image_url", ""), base_url)}
        for line in order.document.get("lines", [])
    ]
    return {
        **order.document,
        "lines": lines,
        "status": order.status,
        "created_at": stamp(order.created_at),
        "updated_at": stamp(order.updated_at),
    }


def shipment_document(shipment: SandboxShipment) -> dict[str, Any]:
    return {
        "id": shipment.public_id,
        "order_id": shipment.order.public_id,
        "carrier": shipment.carrier,
        "carrier_name": shipment.carrier_name,
        "service": shipment.service,
        "tracking_number": shipment.tracking_number,
        "tracking_url": shipment.tracking_url,
        "shipped_on": shipment.shipped_on.isoformat() if shipment.shipped_on else None,
        "lines": shipment.lines,
        "note_to_buyer": shipment.note_to_buyer,
        "notify_buyer": shipment.notify_buyer,
        "idempotency_key": shipment.idempotency_key,
        "received_at": stamp(shipment.received_at),
    }


def listing_document(listing: SandboxListing, base_url: str = "") -> dict[str, Any]:
    return {
        "id": listing.public_id,
        "sku": listing.sku,
        "title": listing.title,
        "price": str(listing.price),
        "quantity": listing.quantity,
        "image_url": absolute(listing.image_url, base_url),
        "weight": {"value": str(listing.weight_value), "unit": listing.weight_unit},
        "options": listing.options,
    }


def stock_update_document(update: SandboxStockUpdate) -> dict[str, Any]:
    return {
        "sku": update.sku,
        "quantity": update.quantity,
        "received_at": stamp(update.received_at),
    }


def fault_met_document(met: SandboxFaultMet) -> dict[str, Any]:
    return {
        "request_number": met.request_number,
        "method": met.method,
        "path": met.path,
        "kind": met.kind,
        "met_at": stamp(met.met_at),
    }


def shop_document(shop: SandboxShop) -> dict[str, Any]:
    return {"id": shop.pk, "name": shop.name, "code": shop.code, "currency": shop.currency}


def fault_document(shop: SandboxShop) -> dict[str, Any]:
    return {
        "error_rate": str(shop.error_rate),
        "rate_limit_rate": str(shop.rate_limit_rate),
        "retry_after_seconds": shop.retry_after_seconds,
        "delay_ms": shop.delay_ms,
        "timeout_rate": str(shop.timeout_rate),
        "timeout_seconds": str(shop.timeout_seconds),
        "fault_seed": shop.fault_seed,
        "request_count": shop.request_count,
    }


def _encode_page(order: SandboxOrder) -> str:
    raw = f"{order.updated_at.isoformat()}|{order.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _decode_page(token: str) -> tuple[datetime, int]:
    try:
        moment, _, pk = base64.urlsafe_b64decode(token.encode("ascii")).decode().partition("|")
        return datetime.fromisoformat(moment), int(pk)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise SandboxInvalid("page_token is not one this API issued") from error


def changed_orders(
    shop: SandboxShop, since: datetime | None, page_token: str | None, limit: int
) -> tuple[list[SandboxOrder], str | None]:
    """Orders changed at or after ``since``, oldest change first, keyset paged.

    Paging on ``(updated_at, id)`` instead of an offset means an order changed while a
    client pages moves to the end of the list and is served again: it is never skipped.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise SandboxInvalid(f"limit must be between 1 and {MAX_PAGE}")
    found = SandboxOrder.objects.filter(shop=shop).order_by("updated_at", "id")
    if since is not None:
        found = found.filter(updated_at__gte=since)
    if page_token:
        moment, pk = _decode_page(page_token)
        found = found.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, id__gt=pk))
    page = list(found[: limit + 1])
    if len(page) > limit:
        page = page[:limit]
        return page, _encode_page(page[-1])
    return page, None


def shops() -> list[SandboxShop]:
    """Every shop with its order, shipment and stock-update counts, by name."""
    return list(
        SandboxShop.objects.annotate(
            order_count=Count("orders", distinct=True),
            shipment_count=Count("shipments", distinct=True),
            stock_update_count=Count("stock_updates", distinct=True),
        ).order_by("name")
    )


def shop(shop_id: int) -> SandboxShop:
    found = SandboxShop.objects.filter(pk=shop_id).first()
    if found is None:
        raise SandboxNotFound(f"no shop {shop_id}")
    return found


def recent_orders(shop: SandboxShop, limit: int = 100) -> list[SandboxOrder]:
    """The shop's latest changed orders, newest first, with their shipment counts."""
    return list(
        shop.orders.annotate(shipment_count=Count("shipments")).order_by("-updated_at", "-id")[
            :limit
        ]
    )


def received_shipments(shop: SandboxShop, limit: int = 200) -> list[SandboxShipment]:
    """The shipments the shop received, newest first."""
    return list(shop.shipments.select_related("order").order_by("-received_at", "-id")[:limit])


def received_stock(shop: SandboxShop, limit: int = 200) -> list[SandboxStockUpdate]:
    """The stock levels the shop received, newest first."""
    return list(shop.stock_updates.order_by("-received_at", "-id")[:limit])


def faults_met(shop: SandboxShop, limit: int = 20) -> list[SandboxFaultMet]:
    """The requests of the shop's API that met a fault, newest first."""
    return list(shop.faults_met.order_by("-request_number", "-id")[:limit])
