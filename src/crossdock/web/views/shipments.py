"""Record a shipment by hand from the order page (voids and re-ships never come from
ShipStation, so the merchant needs this)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from crossdock.hub.accounts.models import Account
from crossdock.hub.fulfillment.errors import FulfillmentValidationError
from crossdock.hub.fulfillment.models import Fulfillment
from crossdock.hub.fulfillment.services import record_fulfillment
from crossdock.web.access import account_view, actor_of
from crossdock.web.forms.shipments import ShipmentForm
from crossdock.web.views.orders import load_order, render_order_page


@require_POST
@account_view
def order_shipment(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    order = load_order(account, order_id)
    form = ShipmentForm(request.POST, lines=list(order.lines.all()))
    if form.is_valid():
        try:
            recorded = record_fulfillment(
                account,
                order.pk,
                form.shipment(),
                actor_of(request),
                source=Fulfillment.Source.MANUAL,
            )
        except FulfillmentValidationError as error:
            form.add_error(form.field_for_error(error.field), error.message)
        else:
            if recorded.created:
                messages.success(request, "Shipment recorded.")
            else:
                messages.info(request, "This shipment was recorded already; nothing changed.")
            return redirect("order_detail", order_id=order.pk)
    return render_order_page(
        request, account, order.pk, status=400, open_panel="shipment", shipment_form=form
    )
