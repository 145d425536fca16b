"""Framework-free values that cross layers: an order as a channel or a person hands it in.

A connector's ``mapping`` turns a channel payload into an :class:`OrderData`; the API turns
a request body into one; the orders service stores it. Nothing here knows Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight


@dataclass(frozen=True, slots=True)
class Address:
    name: str = ""
    company: str = ""
    phone: str = ""
    email: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class Customer:
    code: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount or coupon; ``amount`` is what it takes off the order (positive)."""

    code: str
    description: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineOption:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class LineData:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    weight: Weight | None = None
    image_url: str = ""
    options: tuple[LineOption, ...] = ()
    location: str = ""
    external_id: str = ""
    upc: str = ""


@dataclass(frozen=True, slots=True)
class RefundLine:
    """Part of a refund that names a line: the channel's line id (or SKU) and the quantity."""

    external_line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Refund:
    """Money the channel returned to the buyer; ``amount`` is positive.

    ``external_id`` is the channel's id of the refund (refunds are matched on it);
    ``lines`` is empty for a refund of an amount only (shipping, a goodwill gesture).
    """

    external_id: str
    amount: Decimal
    reason: str = ""
    refunded_at: datetime | None = None
    lines: tuple[RefundLine, ...] = ()


@dataclass(frozen=True, slots=True)
class OrderData:
    """One order as its source describes it. ``external_id`` is the channel's own id."""

    number: str
    external_id: str
    status: OrderStatus
    placed_at: datetime
    currency: str
    customer: Customer
    bill_to: Address
    ship_to: Address
    lines: tuple[LineData, ...]
    payment_method: str = ""
    requested_shipping_service: str = ""
    shipping_paid: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")
    discounts: tuple[Discount, ...] = ()
    gift: bool = False
    gift_message: str = ""
    customer_notes: str = ""
    internal_notes: str = ""
    weight: Weight | None = None
    #: Who fulfils the order: ``merchant``, or a marketplace / third party (e.g. FBA).
    fulfillment_source: str = "merchant"
    #: The channel's own order id when it differs from ``number`` (marketplace order id).
    marketplace_order_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    #: Money returned to the buyer on the channel, oldest first.
    refunds: tuple[Refund, ...] = ()
    #: When and why the channel cancelled the order (``status`` says whether it is).
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
