"""Order pages: the grid by desk status, the order page, the ship form, packing slips."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders import queries
from crossdock.desk.orders.models import DeskOrder
from crossdock.desk.shipments import queries as shipment_queries
from crossdock.desk.shipments import services
from crossdock.desk.shipments.carriers import CARRIERS
from crossdock.desk.shipments.errors import (
    ShipmentInvalid,
    ShipmentNotFound,
    ShipmentStateError,
)
from crossdock.desk.shipments.models import Shipment, StoreNotice
from crossdock.desk.shipments.services import LineRequest, ShipRequest
from crossdock.desk.shipments.slip_fonts import SlipFontsMissing
from crossdock.desk.shipments.slips import render_slip_pdf, shows_prices, slip_lines
from crossdock.desk.statuses import STATUS_LABELS, DeskStatus
from crossdock.desk.stores import queries as store_queries
from crossdock.desk.web.access import desk_view
from crossdock.desk.web.forms import ShipForm

GRID_SIZE = 100
#: The value the Void confirmation form posts; a bare POST (one click) never voids.
VOID_CONFIRMATION = "void"


def _order(account: DeskAccount, order_id: int) -> DeskOrder:
    order = queries.order(account, order_id)
    if order is None:
        raise Http404("no such order")
    return order


def _shipment(account: DeskAccount, shipment_id: int) -> Shipment:
    shipment = shipment_queries.shipment(account, shipment_id)
    if shipment is None:
        raise Http404("no such shipment")
    return shipment


@desk_view
def order_grid(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    status = request.GET.get("status", DeskStatus.AWAITING_SHIPMENT.value)
    if status not in {s.value for s in DeskStatus}:
        status = DeskStatus.AWAITING_SHIPMENT.value
    store_id = request.GET.get("store", "")
    stores = list(store_queries.stores(account, include_inactive=False))
    chosen = next((store for store in stores if str(store.pk) == store_id), None)
    counts = queries.status_counts(account)
    orders = queries.orders(account, store_id=chosen.pk if chosen else None, status=status)
    return render(
        request,
        "desk/orders/grid.html",
        {
            "section": "orders",
            "status": status,
            "status_label": STATUS_LABELS[DeskStatus(status)],
            "tabs": [
                (s.value, label, counts.get(s.value, 0)) for s, label in STATUS_LABELS.items()
            ],
            "orders": orders[:GRID_SIZE],
            "stores": stores,
            "chosen_store": chosen,
            "stores_in_error": store_queries.stores_in_error(account),
        },
    )


@desk_view
def order_page(request: HttpRequest, account: DeskAccount, order_id: int) -> HttpResponse:
    order = _order(account, order_id)
    lines = list(order.lines.all())
    shipments = list(
        shipment_queries.shipments(account, order_id=order.pk).order_by("created_at", "id")
    )
    return render(
        request,
        "desk/orders/detail.html",
        {
            "section": "orders",
            "order": order,
            "items": [line for line in lines if not line.adjustment],
            "adjustments": [line for line in lines if line.adjustment],
            "shipments": shipments,
            "carriers": CARRIERS,
            "can_ship": order.status == DeskStatus.AWAITING_SHIPMENT
            and any(line.quantity_to_ship for line in lines),
        },
    )


@desk_view
def ship(request: HttpRequest, account: DeskAccount, order_id: int) -> HttpResponse:
    order = _order(account, order_id)
    lines = list(order.lines.all())
    form = ShipForm(
        request.POST or None,
        lines=lines,
        initial={
            "ship_date": timezone.now().date(),
            "notify_buyer": order.store.email_buyer and bool(order.buyer_email),
            "service": order.requested_service[:100],
        },
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen_lines()
        if not chosen:
            form.add_error(None, "Choose at least one unit to ship.")
        else:
            data = form.cleaned_data
            request_lines = (
                ()
                if form.everything()
                else tuple(LineRequest(line_id, quantity) for line_id, quantity in chosen)
            )
            try:
                shipment, created = services.create_shipment(
                    account,
                    order.pk,
                    ShipRequest(
                        carrier=data["carrier"],
                        service=data["service"],
                        tracking_number=data["tracking_number"],
                        shipping_cost=data["shipping_cost"],
                        ship_date=data["ship_date"],
                        notes_to_buyer=data["notes_to_buyer"],
                        notify_buyer=data["notify_buyer"],
                        notify_store=data["notify_store"] or None,
                        lines=request_lines,
                    ),
                    created_by=request.user.get_username(),
                )
            except ShipmentInvalid as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            except ShipmentStateError as error:
                form.add_error(None, str(error))
            else:
                if created:
                    messages.success(request, f"Shipment {shipment} recorded.")
                else:
                    messages.info(request, f"Shipment {shipment} was already recorded.")
                return redirect("desk_order", order_id=order.pk)
    return render(
        request,
        "desk/orders/ship.html",
        {"section": "orders", "order": order, "form": form},
    )


@desk_view
def packing_slip(request: HttpRequest, account: DeskAccount, order_id: int) -> HttpResponse:
    order = _order(account, order_id)
    return render(
        request,
        "desk/orders/packing_slip.html",
        {
            "order": order,
            "store": order.store,
            "lines": slip_lines(list(order.lines.all()), order.store.slip_sort),
            "show_prices": shows_prices(order),
            "show_skus": order.store.slip_show_skus,
        },
    )


@desk_view
def packing_slip_pdf(request: HttpRequest, account: DeskAccount, order_id: int) -> HttpResponse:
    order = _order(account, order_id)
    try:
        pdf = render_slip_pdf(order)
    except SlipFontsMissing as error:
        # The machine lacks a font package: say which, instead of a 500.
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="packing-slip-{order.pk}.pdf"'
    return response


@desk_view
def shipment_list(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    state = request.GET.get("notice", "")
    found = shipment_queries.shipments(account).order_by("-created_at", "-id")
    if state:
        found = found.filter(notice__state=state)
    return render(
        request,
        "desk/orders/shipments.html",
        {
            "section": "shipments",
            "shipments": found[:GRID_SIZE],
            "state": state,
            "states": StoreNotice.State.choices,
        },
    )


@require_POST
@desk_view
def resend_notice(request: HttpRequest, account: DeskAccount, shipment_id: int) -> HttpResponse:
    shipment = _shipment(account, shipment_id)
    try:
        services.resend_notice(account, shipment.pk)
    except (ShipmentStateError, ShipmentNotFound) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The notice of {shipment} is queued to be sent again.")
    back = request.POST.get("next", "")
    if back == "shipments":
        return redirect("desk_shipments")
    return redirect("desk_order", order_id=shipment.order_id)


@desk_view
def void(request: HttpRequest, account: DeskAccount, shipment_id: int) -> HttpResponse:
    """Ask first, then void: a GET (or a POST without the confirmation) shows what voiding
    does and does not do; only the confirmation form's POST voids, then redirects."""
    shipment = _shipment(account, shipment_id)
    if shipment.voided_at is not None:
        messages.info(request, f"Shipment {shipment} is already voided.")
        return redirect("desk_order", order_id=shipment.order_id)
    if request.method == "POST" and request.POST.get("confirm") == VOID_CONFIRMATION:
        try:
            services.void_shipment(account, shipment.pk)
        except (ShipmentStateError, ShipmentNotFound) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Shipment {shipment} voided; its lines can ship again.")
        return redirect("desk_order", order_id=shipment.order_id)
    return render(
        request,
        "desk/orders/void.html",
        {
            "section": "orders",
            "shipment": shipment,
            "order": shipment.order,
            "confirmation": VOID_CONFIRMATION,
        },
    )
