"""Shipments to BigCommerce (``POST /v2/orders/{id}/shipments``): pure functions, no I/O.

A BigCommerce shipment belongs to one order address, so the shipped lines are grouped by
the ``order_address_id`` of their order products: one body per address. The carrier is
BigCommerce's ``shipping_provider`` code from the carrier mapping; an unknown carrier goes
with an empty provider, its name in ``comments`` and the tracking page in
``tracking_link``, as BigCommerce allows for custom providers.

BigCommerce takes no idempotency key, so a shipment is the same one when it has the same
order address and tracking number (or, without a tracking number, the same items).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crossdock.connectors.base import CarrierMapping, ShipmentData, ValidationError
from crossdock.connectors.bigcommerce import wire
from crossdock.connectors.bigcommerce.wire import Document

#: BigCommerce's own shipping providers (``shipping_provider_standard`` of the spec).
PROVIDERS = (
    "auspost",
    "canadapost",
    "endicia",
    "usps",
    "fedex",
    "ups",
    "upsready",
    "upsonline",
    "shipperhq",
    "royalmail",
)
#: The tracking carrier BigCommerce builds a tracking link from, for each provider.
TRACKING_CARRIERS: dict[str, str] = {
    "auspost": "australia-post",
    "canadapost": "canada-post",
    "endicia": "usps",
    "usps": "usps",
    "fedex": "fedex",
    "ups": "ups",
    "upsready": "ups",
    "upsonline": "ups",
    "royalmail": "royal-mail",
}
#: ShipStation's carriers (as reported, or their canonical code) in BigCommerce's words.
#: DHL has no BigCommerce provider: it travels by the fallback, named in the comments.
CARRIER_MAPPINGS = (
    CarrierMapping("USPS", "usps"),
    CarrierMapping("stamps_com", "usps"),
    CarrierMapping("UPS", "ups"),
    CarrierMapping("FedEx", "fedex"),
    CarrierMapping("DHL", ""),
    CarrierMapping("canada_post", "canadapost"),
    CarrierMapping("australia_post", "auspost"),
    CarrierMapping("royal_mail", "royalmail"),
)
#: The fallback: no provider (BigCommerce's "custom" provider is free text, left empty).
NO_PROVIDER = ""
TRACKING_NUMBER_LIMIT = 50
TRACKING_LINK_LIMIT = 500


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One order product as the shipment needs it."""

    id: int
    order_address_id: int
    quantity: int
    quantity_shipped: int

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.quantity_shipped, 0)


def parse_order_lines(products: Sequence[Document]) -> dict[int, OrderLine]:
    """``GET /v2/orders/{id}/products`` as lines by order product id."""
    lines: dict[int, OrderLine] = {}
    for index, raw in enumerate(products):
        where = f"products[{index}]."
        line = OrderLine(
            id=wire.integer(raw, "id", where),
            order_address_id=wire.integer(raw, "order_address_id", where),
            quantity=wire.integer(raw, "quantity", where),
            quantity_shipped=int(wire.decimal(raw, "quantity_shipped", where) or 0),
        )
        lines[line.id] = line
    return lines


def _line_id(raw: str) -> int:
    text = raw.strip()
    if not text.isdigit():
        raise ValidationError(f"line {raw!r} is not a BigCommerce order product id")
    return int(text)


def shipped_items(shipment: ShipmentData, lines: Mapping[int, OrderLine]) -> dict[int, int]:
    """Order product id → quantity; no lines means everything not yet shipped."""
    if not shipment.lines:
        return {line.id: line.remaining for line in lines.values() if line.remaining}
    items: Counter[int] = Counter()
    for shipped in shipment.lines:
        line_id = _line_id(shipped.external_line_id)
        if line_id not in lines:
            raise ValidationError(
                f"line {shipped.external_line_id} is not a product of order "
                f"{shipment.order_external_id}"
            )
        if shipped.quantity < 1:
            raise ValidationError(f"line {line_id}: quantity must be at least 1")
        items[line_id] += shipped.quantity
    return dict(items)


def _comments(shipment: ShipmentData) -> str:
    parts = [shipment.note_to_buyer.strip()]
    if shipment.carrier not in PROVIDERS and (shipment.carrier_name or shipment.carrier):
        carrier = shipment.carrier_name or shipment.carrier
        service = f" {shipment.service}" if shipment.service else ""
        parts.append(f"Shipped with {carrier}{service}.")
    return "\n".join(part for part in parts if part)


def render_shipments(
    shipment: ShipmentData, lines: Mapping[int, OrderLine]
) -> dict[int, dict[str, Any]]:
    """The body of each ``POST /v2/orders/{id}/shipments``, by order address id."""
    tracking = shipment.tracking_number.strip()
    if len(tracking) > TRACKING_NUMBER_LIMIT:
        raise ValidationError(
            f"tracking_number is longer than BigCommerce's {TRACKING_NUMBER_LIMIT} characters"
        )
    items = shipped_items(shipment, lines)
    if not items:
        raise ValidationError(f"order {shipment.order_external_id} has nothing left to ship")
    provider = shipment.carrier if shipment.carrier in PROVIDERS else NO_PROVIDER
    by_address: dict[int, list[dict[str, int]]] = {}
    for line_id, quantity in items.items():
        by_address.setdefault(lines[line_id].order_address_id, []).append(
            {"order_product_id": line_id, "quantity": quantity}
        )
    bodies: dict[int, dict[str, Any]] = {}
    for address_id, address_items in sorted(by_address.items()):
        body: dict[str, Any] = {
            "order_address_id": address_id,
            "tracking_number": tracking,
            "shipping_provider": provider,
            "tracking_carrier": TRACKING_CARRIERS.get(provider, ""),
            "shipping_method": shipment.service,
            "items": address_items,
        }
        comments = _comments(shipment)
        if comments:
            body["comments"] = comments
        if not provider and shipment.tracking_url:
            body["tracking_link"] = shipment.tracking_url[:TRACKING_LINK_LIMIT]
        bodies[address_id] = body
    return bodies


@dataclass(frozen=True, slots=True)
class ExistingShipment:
    id: int
    order_address_id: int
    tracking_number: str
    items: tuple[tuple[int, int], ...]


def parse_shipments(documents: Sequence[Document]) -> tuple[ExistingShipment, ...]:
    """``GET /v2/orders/{id}/shipments`` (an empty list for 204)."""
    found = []
    for index, raw in enumerate(documents):
        where = f"shipments[{index}]."
        items = wire.objects(raw, "items", where)
        found.append(
            ExistingShipment(
                id=wire.integer(raw, "id", where),
                order_address_id=wire.integer(raw, "order_address_id", where),
                tracking_number=wire.text(raw, "tracking_number").strip(),
                items=tuple(
                    sorted(
                        (
                            wire.integer(item, "order_product_id", where),
                            wire.integer(item, "quantity", where),
                        )
                        for item in items
                    )
                ),
            )
        )
    return tuple(found)


def same_shipment(existing: ExistingShipment, body: Mapping[str, Any]) -> bool:
    """Whether ``existing`` is the shipment ``body`` would record (see the module doc)."""
    if existing.order_address_id != body["order_address_id"]:
        return False
    if body["tracking_number"]:
        return bool(existing.tracking_number == body["tracking_number"])
    wanted = tuple(sorted((item["order_product_id"], item["quantity"]) for item in body["items"]))
    return not existing.tracking_number and existing.items == wanted


def parse_created(document: object) -> int:
    """The id of a shipment BigCommerce just created."""
    if not isinstance(document, Mapping):
        raise ValidationError("shipment answer is not a JSON object")
    return wire.integer(document, "id", "shipment.")
