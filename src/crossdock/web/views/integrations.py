"""Integrations → Fulfillment integrations → ShipStation: create, read the credentials once,
paste the status strings, change options, rotate the password, revoke, and the archive.

Every form is Post/Redirect/Get. A new password (on creation or rotation) is put in the
session for exactly one page view: the redirect's GET shows it and removes it, so a reload
shows "hidden" and never creates or rotates again. Rotation and revocation each ask to
confirm on a page of their own first (GET shows the question, POST does it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import queries as channel_queries
from crossdock.hub.shipstation import queries, services
from crossdock.hub.shipstation.errors import IntegrationValidationError
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


#: Session key of the password waiting to be shown once: ``{"id": …, "password": …}``.
REVEAL_KEY = "shipstation_reveal"


def _keep_for_one_view(request: HttpRequest, issued: services.IssuedCredentials) -> None:
    request.session[REVEAL_KEY] = {
        "id": issued.integration.pk,
        "password": issued.password,
    }


def _take_revealed(request: HttpRequest, integration_id: int) -> str:
    """The password waiting for this integration's page, removed from the session."""
    waiting = request.session.get(REVEAL_KEY)
    if not isinstance(waiting, dict) or waiting.get("id") != integration_id:
        return ""
    del request.session[REVEAL_KEY]
    return str(waiting.get("password", ""))


def _channel_choices(account: Account) -> list[tuple[int, str]]:
    return [(channel.pk, channel.name) for channel in channel_queries.channels(account)]


def _integration(account: Account, integration_id: int) -> ShipStationIntegration:
    return queries.get_integration(account, integration_id)


@account_view
def fulfillment_integrations(request: HttpRequest, account: Account) -> HttpResponse:
    context = {
        "section": "integrations",
        "integrations": list(queries.active_integrations(account).order_by("created_at", "id")),
        "archived_count": queries.archived_integrations(account).count(),
    }
    return render(request, "web/integrations/fulfillment.html", context)


@account_view
def fulfillment_integrations_archived(request: HttpRequest, account: Account) -> HttpResponse:
    context = {
        "section": "integrations",
        "integrations": list(queries.archived_integrations(account)),
    }
    return render(request, "web/integrations/archived.html", context)


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
            _keep_for_one_view(request, issued)
            messages.success(
                request,
                "ShipStation integration created. Follow the steps below to finish in ShipStation.",
            )
            return redirect("shipstation_detail", integration_id=issued.integration.pk)
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
        "overlap_hours": int(services.PASSWORD_OVERLAP.total_seconds() // 3600),
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
        password = _take_revealed(request, integration.pk)
        return _render_integration(request, account, integration, password=password)
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


def _render_confirm(
    request: HttpRequest, integration: ShipStationIntegration, action: str, status: int = 200
) -> HttpResponse:
    context = {
        "section": "integrations",
        "integration": integration,
        "action": action,
        "overlap_hours": int(services.PASSWORD_OVERLAP.total_seconds() // 3600),
        "overlap_until": timezone.now() + services.PASSWORD_OVERLAP,
    }
    return render(request, "web/integrations/shipstation_confirm.html", context, status=status)


@account_view
def shipstation_rotate(request: HttpRequest, account: Account, integration_id: int) -> HttpResponse:
    """GET asks to confirm; POST issues the new password and redirects to show it once."""
    integration = _integration(account, integration_id)
    if not integration.is_active:
        messages.error(request, "The password was not changed: the integration is revoked.")
        return redirect("shipstation_detail", integration_id=integration.pk)
    if request.method != "POST":
        return _render_confirm(request, integration, "rotate")
    overlap = timedelta(0) if request.POST.get("end_now") else services.PASSWORD_OVERLAP
    try:
        issued = services.rotate_password(account, integration.pk, overlap)
    except IntegrationValidationError as error:
        messages.error(request, f"The password was not changed: {error.message}.")
        return redirect("shipstation_detail", integration_id=integration.pk)
    _keep_for_one_view(request, issued)
    if overlap:
        until = timezone.localtime(timezone.now() + overlap).strftime("%b %-d, %Y %H:%M")
        messages.success(
            request,
            f"New password made. The previous one keeps working until {until}: "
            "paste the new one into ShipStation before then.",
        )
    else:
        messages.success(request, "New password made. The previous one no longer works.")
    return redirect("shipstation_detail", integration_id=integration.pk)


@account_view
def shipstation_revoke(request: HttpRequest, account: Account, integration_id: int) -> HttpResponse:
    """GET asks to confirm; POST revokes and redirects to the (now archived) integration."""
    integration = _integration(account, integration_id)
    if not integration.is_active:
        return redirect("shipstation_detail", integration_id=integration.pk)
    if request.method != "POST":
        return _render_confirm(request, integration, "revoke")
    services.revoke_integration(account, integration.pk)
    messages.success(
        request,
        f"“{integration.name}” is revoked: its username and password no longer work. "
        "It is kept under Archived.",
    )
    return redirect("shipstation_detail", integration_id=integration.pk)
