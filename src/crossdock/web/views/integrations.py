"""Integrations → Fulfillment integrations → ShipStation: create, read the credentials once,
paste the status strings, change options, rotate the password, revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import queries as channel_queries
from crossdock.hub.shipstation import queries, services
from crossdock.hub.shipstation.errors import IntegrationNotFound, IntegrationValidationError
from crossdock.hub.shipstation.models import ShipStationIntegration
from crossdock.web.access import account_view, public_base_url
from crossdock.web.forms.shipstation import ShipStationOptionsForm

#: ShipStation's own names for the five status fields, in the order its form shows them.
STATUS_FIELDS = (
    ("unpaid", "Unpaid"),
    ("paid", "Paid"),
    ("shipped", "Shipped"),
    ("cancelled", "Cancelled"),
    ("on_hold", "On-Hold"),
)


def _channel_choices(account: Account) -> list[tuple[int, str]]:
    return [(channel.pk, channel.name) for channel in channel_queries.channels(account)]


def _integration(account: Account, integration_id: int) -> ShipStationIntegration:
    try:
        return queries.get_integration(account, integration_id)
    except IntegrationNotFound as error:
        raise Http404("no such integration") from error


@account_view
def fulfillment_integrations(request: HttpRequest, account: Account) -> HttpResponse:
    context = {
        "section": "integrations",
        "integrations": list(queries.integrations(account).order_by("created_at", "id")),
    }
    return render(request, "web/integrations/fulfillment.html", context)


@account_view
def shipstation_new(request: HttpRequest, account: Account) -> HttpResponse:
    channels = _channel_choices(account)
    if request.method != "POST":
        form = ShipStationOptionsForm(channels=channels)
        return _render_new(request, form)
    form = ShipStationOptionsForm(request.POST, channels=channels)
    if form.is_valid():
        try:
            issued = services.create_integration(account, form.cleaned_data["name"], form.options())
        except IntegrationValidationError as error:
            form.add_error(form.field_for_error(error.field), error.message)
        else:
            return _render_integration(
                request, account, issued.integration, password=issued.password, created=True
            )
    return _render_new(request, form, status=400)


def _render_new(
    request: HttpRequest, form: ShipStationOptionsForm, status: int = 200
) -> HttpResponse:
    context = {"section": "integrations", "form": form}
    return render(request, "web/integrations/shipstation_new.html", context, status=status)


def _render_integration(
    request: HttpRequest,
    account: Account,
    integration: ShipStationIntegration,
    *,
    password: str = "",
    created: bool = False,
    form: ShipStationOptionsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = queries.describe(integration, public_base_url(request))
    mapping = view.status_mapping
    context: dict[str, Any] = {
        "section": "integrations",
        "integration": integration,
        "view": view,
        "password": password,
        "created": created,
        "status_fields": [(key, label, getattr(mapping, key)) for key, label in STATUS_FIELDS],
        "form": form
        or ShipStationOptionsForm(
            channels=_channel_choices(account),
            initial=ShipStationOptionsForm.initial_of(integration),
        ),
        "skipped": list(queries.skipped_orders(account, integration.pk)[:50]),
    }
    response = render(request, "web/integrations/shipstation.html", context, status=status)
    if password:
        # The password is in this answer only: no cache may keep it.
        add_never_cache_headers(response)
    return response


@account_view
def shipstation_detail(request: HttpRequest, account: Account, integration_id: int) -> HttpResponse:
    integration = _integration(account, integration_id)
    if request.method != "POST":
        return _render_integration(request, account, integration)
    form = ShipStationOptionsForm(request.POST, channels=_channel_choices(account))
    if form.is_valid():
        try:
            services.update_integration(account, integration.pk, form.changes())
        except IntegrationValidationError as error:
            form.add_error(form.field_for_error(error.field), error.message)
        else:
            messages.success(request, "ShipStation integration updated.")
            return redirect("shipstation_detail", integration_id=integration.pk)
    return _render_integration(request, account, integration, form=form, status=400)


@require_POST
@account_view
def shipstation_rotate(request: HttpRequest, account: Account, integration_id: int) -> HttpResponse:
    integration = _integration(account, integration_id)
    try:
        issued = services.rotate_password(account, integration.pk)
    except IntegrationValidationError as error:
        messages.error(request, f"The password was not changed: {error.message}.")
        return redirect("shipstation_detail", integration_id=integration.pk)
    return _render_integration(request, account, issued.integration, password=issued.password)


@require_POST
@account_view
def shipstation_revoke(request: HttpRequest, account: Account, integration_id: int) -> HttpResponse:
    integration = _integration(account, integration_id)
    services.revoke_integration(account, integration.pk)
    messages.success(
        request, f"“{integration.name}” is revoked: its username and password no longer work."
    )
    return redirect("shipstation_detail", integration_id=integration.pk)
