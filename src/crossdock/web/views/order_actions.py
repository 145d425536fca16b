"""Changes a merchant makes on the order page: hold, release, cancel, custom status, notes,
ship-to address. Each is a POST that calls an orders service and comes back to the order page
(Post/Redirect/Get); invalid input re-renders the page with the messages next to the fields.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders import services
from crossdock.hub.orders.errors import OrderStateError, OrderValidationError
from crossdock.hub.orders.services import OrderChanges
from crossdock.web.access import account_view, actor_of
from crossdock.web.forms.orders import AddressForm, CancelForm, CustomStatusChoiceForm, NotesForm
from crossdock.web.views.orders import custom_status_options, load_order, render_order_page


def _back(order_id: int) -> HttpResponse:
    return redirect("order_detail", order_id=order_id)


def _with_errors(
    request: HttpRequest, account: Account, order_id: int, panel: str, form: forms.Form
) -> HttpResponse:
    """The order page again, the ``panel`` open with ``form``'s messages next to its fields."""
    return render_order_page(
        request, account, order_id, status=400, open_panel=panel, **{f"{panel}_form": form}
    )


def _change(
    request: HttpRequest, account: Account, order_id: int, changes: OrderChanges, done: str
) -> HttpResponse:
    try:
        services.update_order(account, order_id, changes, actor_of(request))
    except (OrderStateError, OrderValidationError) as error:
        messages.error(request, str(error))
        return _back(order_id)
    messages.success(request, done)
    return _back(order_id)


@require_POST
@account_view
def order_hold(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    return _change(request, account, order_id, OrderChanges(hold=True), "Order put on hold.")


@require_POST
@account_view
def order_release(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    return _change(request, account, order_id, OrderChanges(hold=False), "Hold released.")


@require_POST
@account_view
def order_cancel(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _with_errors(request, account, order_id, "cancel", form)
    try:
        services.cancel_order(
            account,
            order_id,
            actor_of(request),
            form.cleaned_data["reason"],
            return_stock=form.cleaned_data["return_stock"],
        )
    except OrderStateError as error:
        messages.error(request, str(error))
        return _back(order_id)
    messages.success(request, "Order cancelled.")
    return _back(order_id)


@require_POST
@account_view
def order_custom_status(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    order = load_order(account, order_id)
    form = CustomStatusChoiceForm(request.POST, options=custom_status_options(account, order))
    if not form.is_valid():
        return _with_errors(request, account, order_id, "custom_status", form)
    chosen = form.chosen()
    done = f"Custom status set to {chosen}." if chosen else "Custom status cleared."
    return _change(request, account, order_id, OrderChanges(custom_status=chosen), done)


@require_POST
@account_view
def order_notes(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _with_errors(request, account, order_id, "notes", form)
    changes = OrderChanges(
        internal_notes=form.cleaned_data["internal_notes"],
        customer_notes=form.cleaned_data["customer_notes"],
        gift_message=form.cleaned_data["gift_message"],
    )
    return _change(request, account, order_id, changes, "Notes saved.")


@require_POST
@account_view
def order_address(request: HttpRequest, account: Account, order_id: int) -> HttpResponse:
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _with_errors(request, account, order_id, "address", form)
    return _change(
        request, account, order_id, OrderChanges(ship_to=form.address()), "Ship-to address saved."
    )
