"""Request and answer bodies of the desk API, and the builders of the answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from crossdock.core.money import MAX_AMOUNT
from crossdock.core.numbers import plain_decimal
from crossdock.desk.orders.importing import ImportSummary
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine
from crossdock.desk.shipments.models import BuyerEmail, Shipment, StoreNotice
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import ConnectionReport
from crossdock.platform.api_schemas import InSchema

NotifyStoreMode = Literal["immediately", "after_hours", "at_time", "never"]
#: ``basic``: HTTP Basic only (the default); ``query``: also ``SS-UserName``/``SS-Password``.
AuthMode = Literal["basic", "query"]
PositiveMoney = Annotated[Decimal, Field(max_digits=12, decimal_places=2, ge=0, le=MAX_AMOUNT)]


class StatusMappingSchema(InSchema):
    """Five comma-separated lists of the store's status strings (case-sensitive)."""

    unpaid: str = ""
    paid: str = ""
    shipped: str = ""
    cancelled: str = ""
    on_hold: str = ""


class StoreIn(InSchema):
    kind: Literal["crossdock", "custom"]
    name: str
    url: str
    username: str
    password: str
    status_mapping: StatusMappingSchema | None = None
    auth_mode: AuthMode = "basic"


class ReconnectIn(InSchema):
    url: str
    username: str
    #: Blank keeps the stored password.
    password: str = ""
    #: Absent keeps the store's own.
    auth_mode: AuthMode | None = None


class StorePatch(InSchema):
    """Any subset of the settings; all are checked and saved together, or none is."""

    name: str | None = None
    is_active: bool | None = None
    #: An IANA name (``Europe/London``): "at a time of day" notices are read in it.
    time_zone: str | None = None
    company_name: str | None = None
    logo_url: str | None = None
    brand_colour: str | None = None
    accent_colour: str | None = None
    phone: str | None = None
    public_email: str | None = None
    website: str | None = None
    #: Printed at the top of packing slips; also where returns go when return_address is blank.
    ship_from_address: str | None = None
    return_address: str | None = None
    footer_text: str | None = None
    #: Packing-slip item order: ``location`` (picking order, the default), ``sku`` or ``name``.
    slip_sort: Literal["location", "sku", "name"] | None = None
    #: Prices on packing slips (never on gift orders).
    slip_show_prices: bool | None = None
    slip_show_skus: bool | None = None
    email_buyer: bool | None = None
    email_subject: str | None = None
    email_body: str | None = None
    #: The buyer e-mail's From name and address (blank: the desk's own sender).
    email_from_name: str | None = None
    email_from_address: str | None = None
    #: Blind copy of every buyer e-mail (blank: none).
    email_bcc: str | None = None
    notify_store: NotifyStoreMode | None = None
    #: With ``after_hours``: 1 to 168.
    notify_store_hours: int | None = None
    #: With ``at_time``: ``"HH:MM"`` on the ship date, in ``time_zone``.
    notify_store_time: str | None = None
    create_products: bool | None = None
    weight_source: Literal["store", "desk"] | None = None
    locations_from_store: bool | None = None
    status_mapping: StatusMappingSchema | None = None
    auto_import: bool | None = None
    import_interval_minutes: int | None = None
    first_import_days: int | None = None


class CopySettingsIn(InSchema):
    #: The store of the same desk account whose settings are copied.
    from_store_id: int


class StoreOut(Schema):
    id: int
    kind: str
    name: str
    is_active: bool
    time_zone: str
    url: str
    username: str
    auth_mode: str
    connection: str
    last_error: str
    company_name: str
    logo_url: str
    brand_colour: str
    accent_colour: str
    phone: str
    public_email: str
    website: str
    ship_from_address: str
    return_address: str
    footer_text: str
    slip_sort: str
    slip_show_prices: bool
    slip_show_skus: bool
    email_buyer: bool
    email_subject: str
    email_body: str
    email_from_name: str
    email_from_address: str
    email_bcc: str
    notify_store: str
    notify_store_hours: int
    notify_store_time: str
    create_products: bool
    weight_source: str
    locations_from_store: bool
    status_mapping: StatusMappingSchema
    auto_import: bool
    import_interval_minutes: int
    first_import_days: int
    import_mark: datetime | None
    next_import_at: datetime | None
    last_import_at: datetime | None


class ConnectionReportOut(Schema):
    status: int
    content_type: str
    elapsed_ms: int
    pages: int
    orders: int
    unmapped_statuses: list[str]
    skipped: int
    pages_read: int
    #: Why the test read fewer than ``pages`` pages ("" when it read them all).
    stopped: str
    #: Other stores of the account already importing from this endpoint and username.
    same_endpoint: list[str]
    warnings: list[str]


class ConnectOut(Schema):
    store: StoreOut
    test: ConnectionReportOut


class SkippedOut(Schema):
    order_number: str
    reason: str


class ImportSummaryOut(Schema):
    run_id: int
    fetched: int
    created: int
    updated: int
    unchanged: int
    skipped: list[SkippedOut]
    succeeded: bool
    error: str
    mark_advanced: bool
    #: Why the import read only part of its window; the next import continues it.
    note: str


class WeightOut(Schema):
    value: str
    unit: str


class OptionOut(Schema):
    name: str
    value: str
    weight: str | None = None


class LineOut(Schema):
    id: int
    line_item_id: str
    sku: str
    name: str
    quantity: int
    quantity_shipped: int
    unit_price: Decimal
    adjustment: bool
    image_url: str
    upc: str
    weight: WeightOut | None
    store_weight: WeightOut | None
    location: str
    store_location: str
    options: list[OptionOut]
    removed: bool


class AddressOut(Schema):
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


class OrderSummaryOut(Schema):
    id: int
    store_id: int
    order_id: str
    order_number: str
    status: str
    store_status: str
    order_date: datetime
    last_modified: datetime
    order_total: Decimal
    ship_to_name: str
    gift: bool


class NoticeOut(Schema):
    state: str
    attempts: int
    sent_at: datetime | None
    next_attempt_at: datetime | None
    answer_status: int | None
    answer: str


class EmailOut(Schema):
    state: str
    recipient: str
    sent_at: datetime | None
    error: str


class ShipmentLineOut(Schema):
    line_id: int
    line_item_id: str
    sku: str
    name: str
    quantity: int


class ShipmentOut(Schema):
    id: int
    order_id: int
    carrier: str
    service: str
    tracking_number: str
    shipping_cost: Decimal | None
    ship_date: date
    label_created_at: datetime
    notes_to_buyer: str
    notify_buyer: bool
    voided: bool
    voided_at: datetime | None
    lines: list[ShipmentLineOut]
    notice: NoticeOut | None
    email: EmailOut | None


class OrderOut(Schema):
    """Every imported detail of an order, its lines (with ids) and its shipments."""

    id: int
    store_id: int
    store_name: str
    order_id: str
    order_number: str
    status: str
    store_status: str
    order_date: datetime
    last_modified: datetime
    requested_service: str
    payment_method: str
    currency: str
    order_total: Decimal
    tax_amount: Decimal
    shipping_amount: Decimal
    customer_code: str
    customer_notes: str
    internal_notes: str
    gift: bool
    gift_message: str
    custom_fields: list[str]
    requested_warehouse: str
    source: str
    bill_to: AddressOut
    ship_to: AddressOut
    weight: WeightOut | None
    lines: list[LineOut]
    discounts: list[LineOut]
    shipments: list[ShipmentOut]


class LineIn(InSchema):
    line_id: int
    quantity: int = Field(ge=1)


class ShipmentIn(InSchema):
    carrier: str
    service: str = ""
    tracking_number: str = ""
    shipping_cost: PositiveMoney | None = None
    ship_date: date | None = None
    notes_to_buyer: str = ""
    notify_buyer: bool | None = None
    #: Instead of the store's "tell the store" rule, for this shipment only.
    notify_store: Literal["immediately", "never"] | None = None
    lines: list[LineIn] = Field(default_factory=list)


def _weight(value: Decimal | None, unit: str) -> WeightOut | None:
    if value is None or not unit:
        return None
    return WeightOut(value=plain_decimal(value), unit=unit)


def store_out(store: DeskStore) -> StoreOut:
    return StoreOut(
        id=store.pk,
        kind=store.kind,
        name=store.name,
        is_active=store.is_active,
        time_zone=store.time_zone,
        url=store.url,
        username=store.username,
        auth_mode=store.auth_mode,
        connection=store.connection,
        last_error=store.last_error,
        company_name=store.company_name,
        logo_url=store.logo_url,
        brand_colour=store.brand_colour,
        accent_colour=store.accent_colour,
        phone=store.phone,
        public_email=store.public_email,
        website=store.website,
        ship_from_address=store.ship_from_address,
        return_address=store.return_address,
        footer_text=store.footer_text,
        slip_sort=store.slip_sort,
        slip_show_prices=store.slip_show_prices,
        slip_show_skus=store.slip_show_skus,
        email_buyer=store.email_buyer,
        email_subject=store.email_subject,
        email_body=store.email_body,
        email_from_name=store.email_from_name,
        email_from_address=store.email_from_address,
        email_bcc=store.email_bcc,
        notify_store=store.notify_store,
        notify_store_hours=store.notify_store_hours,
        notify_store_time=f"{store.notify_store_time:%H:%M}",
        create_products=store.create_products,
        weight_source=store.weight_source,
        locations_from_store=store.locations_from_store,
        status_mapping=StatusMappingSchema(
            unpaid=store.status_unpaid,
            paid=store.status_paid,
            shipped=store.status_shipped,
            cancelled=store.status_cancelled,
            on_hold=store.status_on_hold,
        ),
        auto_import=store.auto_import,
        import_interval_minutes=store.import_interval_minutes,
        first_import_days=store.first_import_days,
        import_mark=store.import_mark,
        next_import_at=store.next_import_at,
        last_import_at=store.last_import_at,
    )


def report_out(report: ConnectionReport) -> ConnectionReportOut:
    return ConnectionReportOut(
        status=report.status,
        content_type=report.content_type,
        elapsed_ms=report.elapsed_ms,
        pages=report.pages,
        orders=report.orders,
        unmapped_statuses=list(report.unmapped_statuses),
        skipped=report.skipped,
        pages_read=report.pages_read,
        stopped=report.stopped,
        same_endpoint=list(report.same_endpoint),
        warnings=list(report.warnings),
    )


def summary_out(summary: ImportSummary) -> ImportSummaryOut:
    return ImportSummaryOut(
        run_id=summary.run_id,
        fetched=summary.fetched,
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        skipped=[SkippedOut(order_number=s.order_number, reason=s.reason) for s in summary.skipped],
        succeeded=summary.succeeded,
        error=summary.error,
        mark_advanced=summary.mark_advanced,
        note=summary.note,
    )


def _line_out(line: DeskOrderLine) -> LineOut:
    return LineOut(
        id=line.pk,
        line_item_id=line.line_item_id,
        sku=line.sku,
        name=line.name,
        quantity=line.quantity,
        quantity_shipped=line.quantity_shipped,
        unit_price=line.unit_price,
        adjustment=line.adjustment,
        image_url=line.image_url,
        upc=line.upc,
        weight=_weight(line.weight_value, line.weight_unit),
        store_weight=_weight(line.store_weight_value, line.store_weight_unit),
        location=line.location,
        store_location=line.store_location,
        options=[
            OptionOut(
                name=str(option.get("name", "")),
                value=str(option.get("value", "")),
                weight=option.get("weight"),
            )
            for option in line.options
        ],
        removed=line.removed,
    )


def _notice_of(shipment: Shipment) -> StoreNotice | None:
    try:
        return shipment.notice
    except StoreNotice.DoesNotExist:
        return None


def _email_of(shipment: Shipment) -> BuyerEmail | None:
    try:
        return shipment.email
    except BuyerEmail.DoesNotExist:
        return None


def shipment_out(shipment: Shipment) -> ShipmentOut:
    """The answer for one shipment; its notice, e-mail and lines come from what the caller
    loaded (``select_related``/``prefetch_related``) when it did, so a list costs no more."""
    notice = _notice_of(shipment)
    email = _email_of(shipment)
    items = sorted(shipment.lines.all(), key=lambda item: item.line.position)
    return ShipmentOut(
        id=shipment.pk,
        order_id=shipment.order_id,
        carrier=shipment.carrier,
        service=shipment.service,
        tracking_number=shipment.tracking_number,
        shipping_cost=shipment.shipping_cost,
        ship_date=shipment.ship_date,
        label_created_at=shipment.label_created_at,
        notes_to_buyer=shipment.notes_to_buyer,
        notify_buyer=shipment.notify_buyer,
        voided=shipment.voided_at is not None,
        voided_at=shipment.voided_at,
        lines=[
            ShipmentLineOut(
                line_id=item.line_id,
                line_item_id=item.line.line_item_id,
                sku=item.line.sku,
                name=item.line.name,
                quantity=item.quantity,
            )
            for item in items
        ],
        notice=NoticeOut(
            state=notice.state,
            attempts=notice.attempts,
            sent_at=notice.sent_at,
            next_attempt_at=notice.next_attempt_at,
            answer_status=notice.answer_status,
            answer=notice.answer,
        )
        if notice
        else None,
        email=EmailOut(
            state=email.state, recipient=email.recipient, sent_at=email.sent_at, error=email.error
        )
        if email
        else None,
    )


def order_summary_out(order: DeskOrder) -> OrderSummaryOut:
    return OrderSummaryOut(
        id=order.pk,
        store_id=order.store_id,
        order_id=order.order_id,
        order_number=order.order_number,
        status=order.status,
        store_status=order.store_status,
        order_date=order.order_date,
        last_modified=order.last_modified,
        order_total=order.order_total,
        ship_to_name=str(order.ship_to.get("name", "")),
        gift=order.gift,
    )


def order_out(order: DeskOrder) -> OrderOut:
    lines = list(order.lines.all())
    return OrderOut(
        id=order.pk,
        store_id=order.store_id,
        store_name=order.store.name,
        order_id=order.order_id,
        order_number=order.order_number,
        status=order.status,
        store_status=order.store_status,
        order_date=order.order_date,
        last_modified=order.last_modified,
        requested_service=order.requested_service,
        payment_method=order.payment_method,
        currency=order.currency,
        order_total=order.order_total,
        tax_amount=order.tax_amount,
        shipping_amount=order.shipping_amount,
        customer_code=order.customer_code,
        customer_notes=order.customer_notes,
        internal_notes=order.internal_notes,
        gift=order.gift,
        gift_message=order.gift_message,
        custom_fields=[order.custom_field1, order.custom_field2, order.custom_field3],
        requested_warehouse=order.requested_warehouse,
        source=order.source,
        bill_to=AddressOut(**order.bill_to),
        ship_to=AddressOut(**order.ship_to),
        weight=_weight(order.weight_value, order.weight_unit),
        lines=[_line_out(line) for line in lines if not line.adjustment],
        discounts=[_line_out(line) for line in lines if line.adjustment],
        shipments=[
            shipment_out(shipment)
            for shipment in Shipment.objects.filter(order=order)
            .select_related("notice", "email")
            .prefetch_related("lines__line")
            .order_by("created_at", "id")
        ],
    )
