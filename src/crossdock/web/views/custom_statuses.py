"""Custom statuses: the merchant's own status names, each mapped to a standard status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crossdock.hub.accounts.models import Account
from crossdock.hub.orders import queries, services
from crossdock.hub.orders.errors import OrderExists, OrderValidationError
from crossdock.web.access import account_view, actor_of
from crossdock.web.forms.custom_statuses import CustomStatusForm


def _page(
    request: HttpRequest,
    account: Account,
    *,
    form: CustomStatusForm | None = None,
    edited: tuple[int, CustomStatusForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rows: list[dict[str, Any]] = []
    for custom in queries.custom_status_usage(account):
        row_form = (
            edited[1]
            if edited and edited[0] == custom.pk
            else CustomStatusForm(
                prefix=f"cs{custom.pk}", initial={"name": custom.name, "status": custom.status}
            )
        )
        rows.append({"custom": custom, "form": row_form, "editing": row_form.is_bound})
    context = {
        "section": "custom_statuses",
        "rows": rows,
        "form": form or CustomStatusForm(),
    }
    return render(request, "web/custom_statuses.html", context, status=status)


@account_view
def custom_status_list(request: HttpRequest, account: Account) -> HttpResponse:
    if request.method != "POST":
        return _page(request, account)
    form = CustomStatusForm(request.POST)
    if form.is_valid():
        try:
            custom = services.create_custom_status(
                account, form.cleaned_data["name"], form.cleaned_data["status"]
            )
        except OrderExists:
            form.add_error("name", "A custom status with this name exists already.")
        except OrderValidationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Custom status “{custom.name}” created.")
            return redirect("custom_statuses")
    return _page(request, account, form=form, status=400)


@require_POST
@account_view
def custom_status_update(
    request: HttpRequest, account: Account, custom_status_id: int
) -> HttpResponse:
    form = CustomStatusForm(request.POST, prefix=f"cs{custom_status_id}")
    if form.is_valid():
        try:
            custom = services.update_custom_status(
                account,
                custom_status_id,
                name=form.cleaned_data["name"],
                status=form.cleaned_data["status"],
                actor=actor_of(request),
            )
        except OrderExists:
            form.add_error("name", "A custom status with this name exists already.")
        except OrderValidationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Custom status “{custom.name}” saved.")
            return redirect("custom_statuses")
    if not queries.custom_statuses(account).filter(pk=custom_status_id).exists():
        raise Http404("no such custom status")
    return _page(request, account, edited=(custom_status_id, form), status=400)
