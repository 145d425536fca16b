"""The order list (filters, search, pages; htmx swaps only the results) and the order page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from crossdock.core.carriers import SHIPSTATION_CARRIERS
from crossdock.core.statuses import OrderStatus
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import queries as channel_queries
from crossdock.hub.fulfillment import queries as fulfillment_queries
from crossdock.hub.fulfillment.models import Fulfillment, WriteBack
from crossdock.hub.orders import queries as order_queries
from crossdock.hub.orders.conversion import address_of
from crossdock.hub.orders.models import CustomStatus, Order, OrderLine
from crossdock.hub.orders.services import mappable_status
from crossdock.web.access import account_view
from crossdock.web.forms.orders import (
    AddressForm,
    CancelForm,
    CustomStatusChoiceForm,
    NotesForm,
    OrderFilterForm,
)
from crossdock.web.forms.shipments import ShipmentForm
from crossdock.web.views.order_weight import weight_for_shipstation

PAGE_SIZE = 25


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (and not a boosted full-page navigation)."""
    details = HtmxDetails(request)
    return bool(details) and not details.boosted


@account_view
def order_list(request: HttpRequest, account: Account) -> HttpResponse:
    form = OrderFilterForm(
        request.GET,
        channels=[(channel.pk, channel.name) for channel in channel_queries.channels(account)],
        custom_statuses=[
            (custom.pk, custom.name) for custom in order_queries.custom_statuses(account)
        ],
    )
    found = order_queries.search_orders(account, form.search())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _filled(request.GET, form)
    context = {
        "section": "orders",
        "form": form,
        "page": page,
        "query": query,
        "filtered": bool(query),
    }
    if not is_htmx(request):
        return render(request, "web/orders/list.html", context)
    response = render(request, "web/orders/_results.html", context)
    shown = query.copy()
    if page.number > 1:
        shown["page"] = str(page.number)
    # The address bar shows only the filters in use, so the URL can be shared or bookmarked.
    push_url(response, f"{request.path}?{shown.urlencode()}" if shown else request.path)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _filled(params: QueryDict, form: OrderFilterForm) -> QueryDict:
    """The filter parameters that hold a value (the page number is not a filter)."""
    query = QueryDict(mutable=True)
    for name in form.fields:
        value = params.get(name, "").strip()
        if value:
            query[name] = value
    return query


@dataclass(frozen=True, slots=True)
class LineRow:
    line: OrderLine
    total: Decimal
    remaining: int


@dataclass(frozen=True, slots=True)
class ShipmentRow:
    fulfillment: Fulfillment
    lines: list[tuple[OrderLine, int]]
    write_backs: list[WriteBack] = field(default_factory=list)


def _shipments(order: Order, lines: dict[int, OrderLine]) -> list[ShipmentRow]:
    rows = []
    for fulfillment in order.fulfillments.all():
        shipped = [
            (lines[item.line_id], item.quantity)
            for item in fulfillment.lines.all()
            if item.line_id in lines
        ]
        rows.append(ShipmentRow(fulfillment, shipped, list(fulfillment.write_backs.all())))
    return rows


def load_order(account: Account, order_id: int) -> Order:
    """The account's order, or a 404 page (another account's order is not found either)."""
    return order_queries.get_order(account, order_id)


def custom_status_options(account: Account, order: Order) -> list[CustomStatus]:
    """The custom statuses the order may carry: those of its (mappable) status."""
    mappable = mappable_status(OrderStatus(order.status))
    return list(order_queries.custom_statuses(account).filter(status=mappable))


def render_order_page(
    request: HttpRequest,
    account: Account,
    order_id: int,
    *,
    status: int = 200,
    open_panel: str = "",
    **forms: Any,
) -> HttpResponse:
    """The order page; bound forms with errors passed in ``forms`` replace the blank ones."""
    order = load_order(account, order_id)
    lines = list(order.lines.all())
    by_id = {line.pk: line for line in lines}
    options = custom_status_options(account, order)
    context: dict[str, Any] = {
        "section": "orders",
        "order": order,
        "lines": [
            LineRow(line, line.unit_price * line.quantity, line.quantity - line.quantity_shipped)
            for line in lines
        ],
        "item_count": sum(line.quantity for line in lines),
        "subtotal": sum((line.unit_price * line.quantity for line in lines), Decimal("0.00")),
        "discounts": list(order.discounts.all()),
        "refunds": list(order.refunds.all()),
        "shipments": _shipments(order, by_id),
        "events": list(order_queries.order_events(order)),
        "ship_to": address_of(order, "ship_to"),
        "bill_to": address_of(order, "bill_to"),
        "is_open": order.status not in (OrderStatus.SHIPPED.value, OrderStatus.CANCELLED.value),
        "can_cancel": order.status
        in (OrderStatus.UNPAID.value, OrderStatus.PAID.value, OrderStatus.ON_HOLD.value),
        "open_panel": open_panel,
        "notes_form": forms.get("notes_form")
        or NotesForm(
            initial={
                "internal_notes": order.internal_notes,
                "customer_notes": order.customer_notes,
                "gift_message": order.gift_message,
            }
        ),
        "address_form": forms.get("address_form")
        or AddressForm(initial=AddressForm.initial_from(address_of(order, "ship_to"))),
        "custom_status_form": forms.get("custom_status_form")
        or CustomStatusChoiceForm(
            options=options,
            initial={"custom_status": order.custom_status.name if order.custom_status else ""},
        ),
        "custom_status_options": options,
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "shipment_form": forms.get("shipment_form") or ShipmentForm(lines=lines),
        "carriers": SHIPSTATION_CARRIERS,
        "shipping_weight": weight_for_shipstation(order, lines),
        "over_shipped_units": fulfillment_queries.over_shipped_units(order),
    }
    context.update({name: form for name, form in forms.items() if name not in context})
    return render(request, "web/orders/detail.html", context, status=status)


@account_view
def order_detail(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    return render_order_page(request, account, order_id)
