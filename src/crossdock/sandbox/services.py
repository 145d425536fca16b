"""The sandbox marketplace's writes: shops, simulated buyers, shipments and stock received.

Each write runs in one transaction. A shipment sent twice with the same idempotency key
lands on the first one (the unique key decides a race), the way real marketplaces that
honour such keys behave.
"""

from __future__ import annotations

import hmac
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from crossdock.core.secrets import generate_secret, keyed_hash
from crossdock.sandbox.errors import SandboxConflict, SandboxInvalid, SandboxNotFound
from crossdock.sandbox.faults import FaultKind, FaultSettings, draw_fault
from crossdock.sandbox.generator import (
    CATALOGUE,
    ListingSeed,
    generate_order,
    modify_order,
    order_total,
    showcase_order,
)
from crossdock.sandbox.models import (
    SandboxFaultMet,
    SandboxListing,
    SandboxOrder,
    SandboxShipment,
    SandboxShop,
    SandboxStockUpdate,
)

#: Carrier codes the sandbox accepts, case-sensitive; ``other`` needs a ``carrier_name``.
CARRIERS = frozenset({"usps", "ups", "fedex", "dhl_express", "dhl_ecommerce", "other"})
#: The largest quantity a listing holds (the column is a 32-bit integer).
MAX_QUANTITY = 2**31 - 1
TOKEN_PREFIX = "sbx_"  # noqa: S105 - the public prefix of generated tokens


@dataclass(frozen=True, slots=True)
class NewShop:
    shop: SandboxShop
    #: The API token, shown once; only its keyed hash is stored.
    token: str


def _token_hash(token: str) -> str:
    return keyed_hash(settings.HASH_KEY, token)


def _shop_fields(name: str, code: str, currency: str) -> tuple[str, str, str]:
    """The cleaned name, order-number prefix and currency of a new shop, or the field at fault."""
    name = " ".join(name.split())
    if not name:
        raise SandboxInvalid("name is required", field="name")
    if len(name) > 100:
        raise SandboxInvalid("name is longer than 100 characters", field="name")
    code = code.strip().upper() or "".join(word[0] for word in name.split() if word[0].isalnum())
    code = code[:8] if code else "SHOP"
    if not (code.isascii() and code.isalnum()) or len(code) > 8:
        raise SandboxInvalid("code must be 1 to 8 letters or digits", field="code")
    currency = currency.strip().upper()
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise SandboxInvalid("currency must be a 3-letter code such as USD", field="currency")
    return name, code, currency


def create_shop(
    name: str,
    code: str = "",
    *,
    currency: str = "USD",
    catalogue: Sequence[ListingSeed] = CATALOGUE,
    fault_seed: int = 0,
) -> NewShop:
    """A shop with a fresh token and the given catalogue as its listings.

    ``code`` (the order-number prefix) defaults to the name's initials. A name in use is a
    :class:`SandboxConflict`; a bad field a :class:`SandboxInvalid` naming it.
    """
    name, code, currency = _shop_fields(name, code, currency)
    token = TOKEN_PREFIX + generate_secret()
    try:
        with transaction.atomic():
            shop = SandboxShop.objects.create(
                name=name,
                code=code,
                token_hash=_token_hash(token),
                currency=currency,
                fault_seed=fault_seed,
            )
            SandboxListing.objects.bulk_create(
                SandboxListing(
                    shop=shop,
                    public_id=f"LST-{shop.pk}-{index + 1}",
                    sku=seed.sku,
                    title=seed.title,
                    price=seed.price,
                    quantity=seed.quantity,
                    image_url=seed.image_url,
                    weight_value=seed.weight_value,
                    weight_unit=seed.weight_unit,
                    options=seed.options,
                )
                for index, seed in enumerate(catalogue)
            )
    except IntegrityError as error:
        raise SandboxConflict(f"a shop named {name!r} exists already") from error
    return NewShop(shop, token)


def authenticate(token: str) -> SandboxShop | None:
    """The shop a bearer token belongs to (lookup by keyed hash, then a constant-time check)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    shop = SandboxShop.objects.filter(token_hash=_token_hash(token)).first()
    if shop is None:
        return None
    return shop if hmac.compare_digest(shop.token_hash, _token_hash(token)) else None


def next_fault(shop: SandboxShop, *, method: str, path: str) -> FaultKind:
    """Count one API request of ``shop``, draw the fault it meets and log a fault met."""
    with transaction.atomic():
        SandboxShop.objects.filter(pk=shop.pk).update(request_count=F("request_count") + 1)
        fresh = SandboxShop.objects.get(pk=shop.pk)
        faults = FaultSettings(
            error_rate=fresh.error_rate,
            rate_limit_rate=fresh.rate_limit_rate,
            timeout_rate=fresh.timeout_rate,
            seed=fresh.fault_seed,
        )
        fault = draw_fault(faults, fresh.request_count, is_write=method != "GET")
        if fault is not FaultKind.NONE:
            SandboxFaultMet.objects.create(
                shop=fresh,
                request_number=fresh.request_count,
                method=method[:10],
                path=path[:300],
                kind=fault,
            )
    return fault


#: Each fault setting and its largest value (rates are shares, 0 to 1).
FAULT_LIMITS: dict[str, Decimal] = {
    "error_rate": Decimal(1),
    "rate_limit_rate": Decimal(1),
    "retry_after_seconds": Decimal(3600),
    "delay_ms": Decimal(60_000),
    "timeout_rate": Decimal(1),
    "timeout_seconds": Decimal(600),
    "fault_seed": Decimal(2**31 - 1),
}
FAULT_FIELDS = tuple(FAULT_LIMITS)
_INTEGER_FAULTS = frozenset({"retry_after_seconds", "delay_ms", "fault_seed"})


def configure_faults(shop: SandboxShop, values: Mapping[str, Any]) -> SandboxShop:
    """Change a shop's fault settings; unknown names or out-of-range rates change nothing."""
    unknown = set(values) - set(FAULT_FIELDS)
    if unknown:
        raise SandboxInvalid(
            f"unknown fault settings: {', '.join(sorted(unknown))}", field=min(unknown)
        )
    cleaned: dict[str, Any] = {}
    for name, raw in values.items():
        try:
            number = Decimal(str(raw))
        except ArithmeticError as error:
            raise SandboxInvalid(f"{name} must be a number", field=name) from error
        if not number.is_finite() or not 0 <= number <= FAULT_LIMITS[name]:
            raise SandboxInvalid(f"{name} must be between 0 and {FAULT_LIMITS[name]}", field=name)
        cleaned[name] = int(number) if name in _INTEGER_FAULTS else number
    with transaction.atomic():
        SandboxShop.objects.filter(pk=shop.pk).update(**cleaned)
        return SandboxShop.objects.get(pk=shop.pk)


def _listing_seeds(shop: SandboxShop) -> list[ListingSeed]:
    return [
        ListingSeed(
            sku=listing.sku,
            title=listing.title,
            price=listing.price,
            weight_value=listing.weight_value,
            weight_unit=listing.weight_unit,
            quantity=listing.quantity,
            image_url=listing.image_url,
            options=listing.options,
        )
        for listing in shop.listings.all()
    ]


def generate_orders(
    shop: SandboxShop, count: int, *, now: datetime | None = None
) -> list[SandboxOrder]:
    """``count`` new orders from simulated buyers, all changed at ``now``."""
    if not 1 <= count <= 500:
        raise SandboxInvalid("count must be between 1 and 500")
    return _place_orders(shop, count, now or timezone.now(), showcase=False)


def place_showcase_order(shop: SandboxShop, *, now: datetime | None = None) -> SandboxOrder:
    """A buyer places the showcase order: every feature a shipper meets, at once."""
    return _place_orders(shop, 1, now or timezone.now(), showcase=True)[0]


def _place_orders(
    shop: SandboxShop, count: int, when: datetime, *, showcase: bool
) -> list[SandboxOrder]:
    with transaction.atomic():
        locked = SandboxShop.objects.select_for_update().get(pk=shop.pk)
        seeds = _listing_seeds(locked)
        created = []
        for offset in range(count):
            sequence = locked.next_number + offset
            number = f"{locked.code}-{sequence}"
            common: dict[str, Any] = {
                "number": number,
                "public_id": f"SB{locked.pk}-{sequence}",
                "currency": locked.currency,
                "listings": seeds,
                "now": when,
            }
            if showcase:
                document = showcase_order(**common)
            else:
                rng = random.Random(f"{locked.fault_seed}:{locked.code}:{sequence}")  # noqa: S311 - simulation
                document = generate_order(rng, **common)
            created.append(
                SandboxOrder.objects.create(
                    shop=locked,
                    public_id=document["id"],
                    number=number,
                    status=document["status"],
                    document=document,
                    created_at=when,
                    updated_at=when,
                )
            )
        SandboxShop.objects.filter(pk=locked.pk).update(next_number=F("next_number") + count)
        _sell(locked, created)
    return created


def _sell(shop: SandboxShop, orders: Sequence[SandboxOrder]) -> None:
    """Buyers took the ordered units: each listing's quantity goes down (never below zero)."""
    sold: dict[str, int] = {}
    for order in orders:
        for line in order.document.get("lines", []):
            sold[line["sku"]] = sold.get(line["sku"], 0) + int(line["quantity"])
    for sku, quantity in sorted(sold.items()):
        SandboxListing.objects.filter(shop=shop, sku=sku).update(
            quantity=Greatest(F("quantity") - quantity, 0)
        )


def _locked_order(shop: SandboxShop, public_id: str) -> SandboxOrder:
    order = SandboxOrder.objects.select_for_update().filter(shop=shop, public_id=public_id).first()
    if order is None:
        raise SandboxNotFound(f"no order {public_id!r}")
    return order


#: Statuses an order can have on the sandbox marketplace.
STATUSES = frozenset({"awaiting_payment", "paid", "partially_shipped", "shipped", "cancelled"})


def _check_document(document: Mapping[str, Any]) -> None:
    """Refuse a changed order the marketplace could not serve, total or ship."""
    if document.get("status") not in STATUSES:
        raise SandboxInvalid(f"status must be one of {', '.join(sorted(STATUSES))}")
    lines = document.get("lines")
    if not isinstance(lines, list) or not lines:
        raise SandboxInvalid("lines must be a non-empty list")
    for line in lines:
        quantity = line.get("quantity") if isinstance(line, dict) else None
        if (
            not isinstance(line, dict)
            or not isinstance(line.get("id"), str)
            or not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or quantity < 1
        ):
            raise SandboxInvalid("each line needs a text id and a positive integer quantity")
    if not isinstance(document.get("coupons"), list):
        raise SandboxInvalid("coupons must be a list")
    try:
        order_total(dict(document))
    except (KeyError, TypeError, ArithmeticError, ValueError) as error:
        raise SandboxInvalid(f"the changed order has no computable total: {error!r}") from error


def change_order(
    shop: SandboxShop,
    public_id: str,
    changes: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> SandboxOrder:
    """A buyer changes an order: the given top-level fields, or a random realistic change."""
    when = now or timezone.now()
    with transaction.atomic():
        order = _locked_order(shop, public_id)
        if order.status in ("cancelled", "shipped"):
            raise SandboxConflict(f"order {public_id} is {order.status}")
        if changes:
            protected = {"id", "number", "created_at", "updated_at"} & set(changes)
            if protected:
                raise SandboxInvalid(f"cannot change {', '.join(sorted(protected))}")
            document = {**order.document, **changes}
            _check_document(document)
            document["total"] = order_total(document)
        else:
            rng = random.Random(f"{shop.fault_seed}:{public_id}:{when.isoformat()}")  # noqa: S311 - simulation
            document = modify_order(rng, order.document, when)
        order.document = document
        order.status = str(document.get("status", order.status))
        order.updated_at = when
        order.save()
        return order


def cancel_order(shop: SandboxShop, public_id: str, *, now: datetime | None = None) -> SandboxOrder:
    """The buyer or the marketplace cancels an order that has not shipped."""
    with transaction.atomic():
        order = _locked_order(shop, public_id)
        if order.status == "cancelled":
            return order
        if order.status in ("shipped", "partially_shipped"):
            raise SandboxConflict(f"order {public_id} is {order.status}")
        order.status = "cancelled"
        order.document = {**order.document, "status": "cancelled"}
        order.updated_at = now or timezone.now()
        order.save()
        return order


def _shipped_quantities(order: SandboxOrder) -> dict[str, int]:
    shipped: dict[str, int] = {}
    for shipment in order.shipments.all():
        for line in shipment.lines:
            shipped[line["line_id"]] = shipped.get(line["line_id"], 0) + int(line["quantity"])
    return shipped


def _shipment_lines(order: SandboxOrder, raw_lines: object) -> list[dict[str, Any]]:
    ordered = {line["id"]: int(line["quantity"]) for line in order.document["lines"]}
    shipped = _shipped_quantities(order)
    remaining = {line_id: ordered[line_id] - shipped.get(line_id, 0) for line_id in ordered}
    if raw_lines in (None, []):
        lines = [{"line_id": key, "quantity": left} for key, left in remaining.items() if left > 0]
        if not lines:
            raise SandboxConflict(f"order {order.public_id} has nothing left to ship")
        return lines
    if not isinstance(raw_lines, list):
        raise SandboxInvalid("lines must be a list")
    lines = []
    for raw in raw_lines:
        line_id = raw.get("line_id") if isinstance(raw, dict) else None
        if not isinstance(line_id, str) or line_id not in ordered:
            raise SandboxInvalid(f"unknown line {raw!r}"[:200])
        quantity = raw.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise SandboxInvalid(f"line {line_id}: quantity must be a positive integer")
        if quantity > remaining[line_id]:
            raise SandboxConflict(
                f"line {line_id}: {quantity} exceeds the {remaining[line_id]} left"
            )
        lines.append({"line_id": line_id, "quantity": quantity})
    return lines


def _shipped_on(raw: object) -> date | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise SandboxInvalid("shipped_on must be a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise SandboxInvalid("shipped_on must be a date (YYYY-MM-DD)") from error


def _text(body: Mapping[str, Any], key: str, limit: int) -> str:
    value = body.get(key) or ""
    if not isinstance(value, str):
        raise SandboxInvalid(f"{key} must be text")
    if len(value) > limit:
        raise SandboxInvalid(f"{key} is longer than {limit} characters")
    return value


def record_shipment(
    shop: SandboxShop, public_id: str, body: Mapping[str, Any], idempotency_key: str = ""
) -> tuple[SandboxShipment, bool]:
    """Store a shipment of an order; ``(shipment, created)``. A known key returns the first."""
    key = idempotency_key.strip()[:100]
    if key:
        existing = SandboxShipment.objects.filter(shop=shop, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    carrier = _text(body, "carrier", 40)
    carrier_name = _text(body, "carrier_name", 100)
    tracking_number = _text(body, "tracking_number", 100).strip()
    if carrier not in CARRIERS:
        raise SandboxInvalid(f"carrier {carrier!r} is not one of {', '.join(sorted(CARRIERS))}")
    if carrier == "other" and not carrier_name.strip():
        raise SandboxInvalid("carrier 'other' needs a carrier_name")
    if not tracking_number:
        raise SandboxInvalid("tracking_number is required")
    try:
        with transaction.atomic():
            order = _locked_order(shop, public_id)
            if order.status == "cancelled":
                raise SandboxConflict(f"order {public_id} is cancelled")
            lines = _shipment_lines(order, body.get("lines"))
            count = SandboxShipment.objects.filter(shop=shop).count()
            shipment = SandboxShipment.objects.create(
                shop=shop,
                order=order,
                public_id=f"SHP{shop.pk}-{count + 1}-{generate_secret(4)}",
                idempotency_key=key,
                carrier=carrier,
                carrier_name=carrier_name,
                service=_text(body, "service", 100),
                tracking_number=tracking_number,
                tracking_url=_text(body, "tracking_url", 500),
                shipped_on=_shipped_on(body.get("shipped_on")),
                lines=lines,
                note_to_buyer=_text(body, "note_to_buyer", 1000),
                notify_buyer=bool(body.get("notify_buyer", True)),
            )
            shipped = _shipped_quantities(order)
            fully = all(
                shipped.get(line["id"], 0) >= int(line["quantity"])
                for line in order.document["lines"]
            )
            order.status = "shipped" if fully else "partially_shipped"
            order.document = {**order.document, "status": order.status}
            order.updated_at = timezone.now()
            order.save()
    except IntegrityError as error:
        if not key:
            raise SandboxConflict("the shipment collided with another; send it again") from error
        # A concurrent request with the same key won the unique constraint.
        return SandboxShipment.objects.get(shop=shop, idempotency_key=key), False
    return shipment, True


def set_stock(shop: SandboxShop, items: object) -> int:
    """Set listing quantities; one unknown SKU or bad quantity changes nothing."""
    if not isinstance(items, list) or not items:
        raise SandboxInvalid("items must be a non-empty list")
    levels: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("sku"), str):
            raise SandboxInvalid(f"item {item!r} has no sku")
        quantity = item.get("quantity")
        if (
            not isinstance(quantity, int)
            or isinstance(quantity, bool)
            or not 0 <= quantity <= MAX_QUANTITY
        ):
            raise SandboxInvalid(
                f"{item['sku'][:100]}: quantity must be an integer from 0 to {MAX_QUANTITY}"
            )
        levels[item["sku"]] = quantity
    with transaction.atomic():
        listings = {
            listing.sku: listing
            for listing in SandboxListing.objects.select_for_update().filter(
                shop=shop, sku__in=list(levels)
            )
        }
        missing = sorted(set(levels) - set(listings))
        if missing:
            raise SandboxInvalid(f"unknown SKUs: {', '.join(missing)}")
        for sku, quantity in levels.items():
            listings[sku].quantity = quantity
            listings[sku].save(update_fields=["quantity"])
        SandboxStockUpdate.objects.bulk_create(
            SandboxStockUpdate(shop=shop, sku=sku, quantity=quantity)
            for sku, quantity in levels.items()
        )
    return len(levels)
