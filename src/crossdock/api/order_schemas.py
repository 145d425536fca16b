"""Order request and answer bodies, and their translation to and from core DTOs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, field_validator

from crossdock.core.countries import country_problem
from crossdock.core.dto import Address, Customer, Discount, LineData, LineOption, OrderData
from crossdock.core.money import MAX_AMOUNT
from crossdock.core.numbers import plain_decimal
from crossdock.core.statuses import OrderStatus
from crossdock.core.weights import Weight, WeightUnit
from crossdock.hub.orders.conversion import address_of, customer_of, line_options, weight_of
from crossdock.hub.orders.models import Order, OrderLine
from crossdock.platform.api_schemas import InSchema

Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2, ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
PositiveMoney = Annotated[Decimal, Field(max_digits=12, decimal_places=2, ge=0, le=MAX_AMOUNT)]


def aware_utc(value: datetime) -> datetime:
    """A datetime that carries its time zone, in UTC; a naive or unrepresentable one is refused."""
    if value.tzinfo is None:
        raise ValueError("must carry a time zone (e.g. 2026-11-20T10:15:00Z)")
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("is out of range") from error


def _http_url(value: str) -> str:
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError("must be an http or https URL")
    return value


class WeightSchema(InSchema):
    value: Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
    unit: Literal["g", "kg", "oz", "lb"]

    def to_weight(self) -> Weight:
        return Weight(self.value, WeightUnit(self.unit))


class WeightOut(Schema):
    value: str
    unit: str


class AddressSchema(InSchema):
    name: str = Field(default="", max_length=100)
    company: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=50)
    email: str = Field(default="", max_length=254)
    address1: str = Field(default="", max_length=200)
    address2: str = Field(default="", max_length=200)
    city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=50)
    country: str = Field(default="", max_length=100)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        problem = country_problem(value)
        if problem:
            raise ValueError(problem)
        return value.strip().upper()

    def to_address(self) -> Address:
        # A validated schema's __dict__ holds exactly its fields (extra keys are ignored):
        # read as they are, without model_dump's copy (a bulk call converts 1,000 of them).
        return Address(**self.__dict__)


class CustomerSchema(InSchema):
    code: str = Field(default="", max_length=50)
    name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=50)


class OptionSchema(InSchema):
    name: str = Field(max_length=100)
    value: str = Field(max_length=100)


class DiscountSchema(InSchema):
    code: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=200)
    amount: PositiveMoney


class LineIn(InSchema):
    sku: str = Field(default="", max_length=100)
    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(ge=1, le=1_000_000)
    unit_price: PositiveMoney
    weight: WeightSchema | None = None
    image_url: Annotated[str, AfterValidator(_http_url)] = Field(default="", max_length=500)
    options: list[OptionSchema] = Field(default_factory=list, max_length=50)
    location: str = Field(default="", max_length=100)
    external_id: str = Field(default="", max_length=100)


class OrderIn(InSchema):
    number: str = Field(min_length=1, max_length=50)
    status: Literal["unpaid", "paid", "on_hold"] = "paid"
    custom_status: str | None = Field(default=None, max_length=50)
    placed_at: datetime
    currency: str = Field(pattern=r"^[A-Za-z]{3}$")
    # Factories, not instances: pydantic deep-copies an instance default for every body
    # that leaves the field out (a tenth of validating a bulk call of 500 orders).
    customer: CustomerSchema = Field(default_factory=CustomerSchema)
    bill_to: AddressSchema = Field(default_factory=AddressSchema)
    ship_to: AddressSchema
    payment_method: str = Field(default="", max_length=50)
    requested_shipping_service: str = Field(default="", max_length=100)
    shipping_paid: PositiveMoney = Decimal("0.00")
    tax: PositiveMoney = Decimal("0.00")
    total: Money | None = None
    discounts: list[DiscountSchema] = Field(default_factory=list, max_length=50)
    gift: bool = False
    gift_message: str = Field(default="", max_length=1000)
    customer_notes: str = Field(default="", max_length=1000)
    internal_notes: str = Field(default="", max_length=1000)
    weight: WeightSchema | None = None
    lines: list[LineIn] = Field(min_length=1, max_length=500)

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("placed_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return aware_utc(value)

    def to_order_data(self) -> OrderData:
        return OrderData(
            number=self.number,
            external_id=self.number,
            status=OrderStatus(self.status),
            placed_at=self.placed_at,
            currency=self.currency.upper(),
            customer=Customer(**self.customer.__dict__),
            bill_to=self.bill_to.to_address(),
            ship_to=self.ship_to.to_address(),
            lines=tuple(
                LineData(
                    sku=line.sku,
                    name=line.name,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    weight=line.weight.to_weight() if line.weight else None,
                    image_url=line.image_url,
                    options=tuple(LineOption(o.name, o.value) for o in line.options),
                    location=line.location,
                    external_id=line.external_id,
                )
                for line in self.lines
            ),
            payment_method=self.payment_method,
            requested_shipping_service=self.requested_shipping_service,
            shipping_paid=self.shipping_paid,
            tax=self.tax,
            discounts=tuple(
                Discount(code=d.code, description=d.description, amount=d.amount)
                for d in self.discounts
            ),
            gift=self.gift,
            gift_message=self.gift_message,
            customer_notes=self.customer_notes,
            internal_notes=self.internal_notes,
            weight=self.weight.to_weight() if self.weight else None,
        )


class OrderPatch(InSchema):
    internal_notes: str | None = Field(default=None, max_length=1000)
    customer_notes: str | None = Field(default=None, max_length=1000)
    gift_message: str | None = Field(default=None, max_length=1000)
    hold: bool | None = None
    custom_status: str | None = Field(default=None, max_length=50)
    ship_to: AddressSchema | None = None
    bill_to: AddressSchema | None = None


class CancelIn(InSchema):
    reason: str = Field(default="", max_length=500)


class CustomerOut(Schema):
    code: str
    name: str
    email: str
    phone: str


class AddressOut(Schema):
    name: str
    company: str
    phone: str
    email: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    country: str


class OptionOut(Schema):
    name: str
    value: str


class DiscountOut(Schema):
    code: str
    description: str
    amount: Decimal


class ChannelRef(Schema):
    id: int
    kind: str
    name: str


class LineOut(Schema):
    id: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    weight: WeightOut | None
    image_url: str
    options: list[OptionOut]
    location: str
    quantity_shipped: int


class FulfillmentLineOut(Schema):
    line_id: int
    quantity: int


class FulfillmentOut(Schema):
    id: int
    carrier: str
    carrier_code: str
    service: str
    tracking_number: str
    shipping_cost: Decimal | None
    ship_date: str | None
    notes_to_buyer: str
    notify_customer: bool
    source: str
    lines: list[FulfillmentLineOut]
    write_back: str | None


class OrderOut(Schema):
    id: int
    number: str
    channel: ChannelRef
    status: str
    custom_status: str | None
    placed_at: datetime
    modified_at: datetime
    currency: str
    customer: CustomerOut
    bill_to: AddressOut
    ship_to: AddressOut
    payment_method: str
    requested_shipping_service: str
    shipping_paid: Decimal
    tax: Decimal
    total: Decimal
    discounts: list[DiscountOut]
    gift: bool
    gift_message: str
    customer_notes: str
    internal_notes: str
    weight: WeightOut | None
    lines: list[LineOut]
    fulfillments: list[FulfillmentOut]


class OrderPage(Schema):
    items: list[OrderOut]
    count: int
    page: int
    pages: int
    page_size: int


class CustomStatusIn(InSchema):
    name: str = Field(min_length=1, max_length=50)
    status: Literal["unpaid", "paid", "shipped", "cancelled", "on_hold"]


class CustomStatusPatch(InSchema):
    name: str | None = Field(default=None, min_length=1, max_length=50)
    status: Literal["unpaid", "paid", "shipped", "cancelled", "on_hold"] | None = None


class CustomStatusOut(Schema):
    id: int
    name: str
    status: str


def weight_out(value: Decimal | None, unit: str) -> WeightOut | None:
    weight = weight_of(value, unit)
    if weight is None:
        return None
    return WeightOut(value=plain_decimal(weight.value), unit=weight.unit.value)


def _line_out(line: OrderLine) -> LineOut:
    return LineOut(
        id=line.pk,
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        weight=weight_out(line.weight_value, line.weight_unit),
        image_url=line.image_url,
        options=[OptionOut(name=option.name, value=option.value) for option in line_options(line)],
        location=line.location,
        quantity_shipped=line.quantity_shipped,
    )


def order_out(order: Order) -> OrderOut:
    """The API answer for one order (lines, discounts and fulfillments prefetched).

    Answers use their own ``*Out`` schemas: the request schemas' limits are for input, and an
    order a channel brought in may exceed them.
    """
    return OrderOut(
        id=order.pk,
        number=order.number,
        channel=ChannelRef(id=order.channel.pk, kind=order.channel.kind, name=order.channel.name),
        status=order.status,
        custom_status=order.custom_status.name if order.custom_status else None,
        placed_at=order.placed_at,
        modified_at=order.modified_at,
        currency=order.currency,
        customer=CustomerOut(**_as_dict(customer_of(order))),
        bill_to=AddressOut(**_as_dict(address_of(order, "bill_to"))),
        ship_to=AddressOut(**_as_dict(address_of(order, "ship_to"))),
        payment_method=order.payment_method,
        requested_shipping_service=order.requested_shipping_service,
        shipping_paid=order.shipping_paid,
        tax=order.tax,
        total=order.total,
        discounts=[
            DiscountOut(code=d.code, description=d.description, amount=d.amount)
            for d in order.discounts.all()
        ],
        gift=order.gift,
        gift_message=order.gift_message,
        customer_notes=order.customer_notes,
        internal_notes=order.internal_notes,
        weight=weight_out(order.weight_value, order.weight_unit),
        lines=[_line_out(line) for line in order.lines.all()],
        fulfillments=[
            FulfillmentOut(
                id=f.pk,
                carrier=f.carrier,
                carrier_code=f.carrier_code,
                service=f.service,
                tracking_number=f.tracking_number,
                shipping_cost=f.shipping_cost,
                ship_date=f.ship_date.isoformat() if f.ship_date else None,
                notes_to_buyer=f.notes_to_buyer,
                notify_customer=f.notify_customer,
                source=f.source,
                lines=[
                    FulfillmentLineOut(line_id=fl.line_id, quantity=fl.quantity)
                    for fl in f.lines.all()
                ],
                write_back=next((wb.state for wb in f.write_backs.all()), None),
            )
            for f in order.fulfillments.all()
        ],
    )


def _as_dict(value: Address | Customer) -> dict[str, str]:
    return {name: getattr(value, name) for name in value.__slots__}
