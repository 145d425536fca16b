"""Channels: connect (a form per connector, from its settings schema), health, sync now,
write-backs that failed (with replay), and the carrier-mapping table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from crossdock.connectors.base import Capability, ConnectorSpec, Location
from crossdock.connectors.registry import UnknownConnector, registry
from crossdock.hub.accounts.models import Account
from crossdock.hub.channels import carriers, connections, queries, services, webhooks
from crossdock.hub.channels.connections import spec_of
from crossdock.hub.channels.errors import (
    ChannelCheckFailed,
    ChannelConflict,
    ChannelValidationError,
)
from crossdock.hub.channels.models import MANUAL_KIND, Channel
from crossdock.hub.fulfillment import queries as fulfillment_queries
from crossdock.hub.fulfillment.models import WriteBack
from crossdock.hub.fulfillment.tasks import replay_write_back
from crossdock.hub.orders.tasks import request_sync
from crossdock.web.access import account_view
from crossdock.web.forms.channels import CarrierMappingForm, ChannelForm

FAILED_STATES = fulfillment_queries.FAILED_STATES


def connectable() -> list[ConnectorSpec]:
    """Connectors a merchant can add (the manual channel is built in)."""
    return [spec for spec in registry().all() if spec.slug != MANUAL_KIND]


def _spec(kind: str) -> ConnectorSpec:
    try:
        return registry().get(kind)
    except UnknownConnector as error:
        raise Http404("no such connector") from error


def _channel(account: Account, channel_id: int) -> Channel:
    return queries.get_channel(account, channel_id)


def failed_write_backs(account: Account) -> QuerySet[WriteBack]:
    """Dead and rejected write-backs of the account, newest first."""
    return (
        fulfillment_queries.write_backs(account)
        .filter(state__in=FAILED_STATES)
        .order_by("-updated_at", "-pk")
    )


@account_view
def channel_list(request: HttpRequest, account: Account) -> HttpResponse:
    rows = []
    for channel in queries.channels(account).order_by("name"):
        spec = registry().get(channel.kind) if channel.kind in registry() else None
        rows.append(
            {
                "channel": channel,
                "spec": spec,
                "health": fulfillment_queries.health(channel),
                "pulls": spec is not None and spec.can(Capability.PULL_ORDERS),
            }
        )
    context = {
        "section": "channels",
        "rows": rows,
        "connectors": connectable(),
        "failed_count": failed_write_backs(account).count(),
    }
    return render(request, "web/channels/list.html", context)


@account_view
def channel_connect(request: HttpRequest, account: Account, kind: str) -> HttpResponse:
    spec = _spec(kind)
    if spec.slug == MANUAL_KIND:
        raise Http404("the manual channel is built in")
    form = ChannelForm(request.POST or None, spec=spec)
    if request.method == "POST" and form.is_valid():
        try:
            connected = services.connect_channel(
                account,
                spec.slug,
                form.cleaned_data["name"],
                form.values(),
                sync_interval=form.sync_interval(),
            )
        except ChannelCheckFailed as error:
            # Each problem of the connection check goes next to the setting at fault.
            for field, message in error.field_errors:
                form.add_error(form.field_for_error(field), message)
        except ChannelValidationError as error:
            form.add_error(form.field_for_error(error.field), error.message)
        except ChannelConflict:
            form.add_error("name", "A channel with this name exists already.")
        else:
            for warning in connected.warnings:
                messages.warning(request, warning)
            choose = " Choose its location below." if connections.location_field(spec) else ""
            messages.success(request, f"{connected.channel.name} connected.{choose}")
            return redirect("channel_detail", channel_id=connected.channel.pk)
    status = 400 if request.method == "POST" else 200
    context = {"section": "channels", "spec": spec, "form": form}
    return render(request, "web/channels/connect.html", context, status=status)


def _locations(channel: Channel, spec: ConnectorSpec) -> list[Location]:
    return connections.locations_of(channel) if connections.location_field(spec) else []


def _render_channel(
    request: HttpRequest,
    account: Account,
    channel: Channel,
    *,
    form: ChannelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    spec = registry().get(channel.kind) if channel.kind in registry() else None
    editable = spec is not None and channel.kind != MANUAL_KIND
    context: dict[str, Any] = {
        "section": "channels",
        "channel": channel,
        "spec": spec,
        "health": fulfillment_queries.health(channel),
        "pulls": spec is not None and spec.can(Capability.PULL_ORDERS),
        "runs": list(queries.sync_runs(account, channel.pk)[:15]),
        "write_backs": list(fulfillment_queries.write_backs(account, channel_id=channel.pk)[:20]),
        "failed_states": FAILED_STATES,
        "settings": sorted(channel.settings.items()),
        "marketplace_url": spec.marketplace_url(channel.settings) if spec else "",
        **_webhook_context(request, channel, spec),
        "form": form
        or (
            ChannelForm(
                spec=spec,
                editing=True,
                locations=_locations(channel, spec),
                initial=ChannelForm.initial_of(
                    channel.name, channel.sync_interval, channel.settings
                ),
            )
            if editable and spec is not None
            else None
        ),
    }
    return render(request, "web/channels/detail.html", context, status=status)


def _webhook_context(
    request: HttpRequest, channel: Channel, spec: ConnectorSpec | None
) -> dict[str, Any]:
    """The webhook card: URL, the secret once (right after it was made) or, for a secret
    the platform issues, whether it was entered; last deliveries."""
    if spec is None or spec.webhooks is None:
        return {"webhooks": None}
    webhook = webhooks.webhook_of(channel)
    platform = webhooks.platform_issued(spec)
    return {
        "webhooks": spec.webhooks,
        "webhook": webhook,
        "platform_secret": platform,
        "platform_secret_set": platform and webhooks.has_platform_secret(channel),
        "webhook_url": request.build_absolute_uri(reverse("webhook_receive", args=[webhook.token]))
        if webhook
        else "",
        # Revealed once: popped from the session, so a reload shows it no more.
        "webhook_secret": request.session.pop(_secret_key(channel.pk), ""),
        "deliveries": webhooks.recent_deliveries(channel),
    }


def _secret_key(channel_id: int) -> str:
    return f"webhook-secret-{channel_id}"


@require_POST
@account_view
def channel_webhook(request: HttpRequest, account: Account, channel_id: int) -> HttpResponse:
    """Make the channel's webhook endpoint, or replace it once the merchant confirms."""
    channel = _channel(account, channel_id)
    if webhooks.platform_issued(spec_of(channel)):
        _enter_platform_secret(request, account, channel)
        return redirect("channel_detail", channel_id=channel.pk)
    if webhooks.webhook_of(channel) is not None and request.POST.get("confirm") != "yes":
        messages.error(
            request,
            "Tick the box to confirm: the current webhook URL and secret stop working.",
        )
        return redirect("channel_detail", channel_id=channel.pk)
    try:
        issued = webhooks.issue_webhook(account, channel.pk)
    except ChannelConflict as error:
        messages.error(request, f"No webhook: {error}.")
    else:
        request.session[_secret_key(channel.pk)] = issued.secret
        messages.success(request, "Webhook endpoint ready: copy the secret now, it is shown once.")
    return redirect("channel_detail", channel_id=channel.pk)


def _enter_platform_secret(request: HttpRequest, account: Account, channel: Channel) -> None:
    """Store the secret the platform signs with; changing one asks to confirm first.

    The value is never echoed back, not even when it is refused.
    """
    if webhooks.has_platform_secret(channel) and request.POST.get("confirm") != "yes":
        messages.error(
            request,
            "Tick the box to confirm: deliveries signed with the current secret stop being "
            "accepted.",
        )
        return
    try:
        webhooks.enter_platform_secret(account, channel.pk, request.POST.get("webhook_secret", ""))
    except ChannelValidationError as error:
        messages.error(request, f"Secret not saved: it {error.message}.")
    except ChannelConflict as error:
        messages.error(request, f"No webhook: {error}.")
    else:
        messages.success(
            request, "Secret saved. Deliveries signed with it are accepted at the URL shown."
        )


@account_view
def channel_detail(request: HttpRequest, account: Account, channel_id: int) -> HttpResponse:
    channel = _channel(account, channel_id)
    if request.method != "POST":
        return _render_channel(request, account, channel)
    spec = _spec(channel.kind)
    if spec.slug == MANUAL_KIND:
        raise Http404("the manual channel has no settings")
    form = ChannelForm(request.POST, spec=spec, editing=True, locations=_locations(channel, spec))
    if form.is_valid():
        try:
            services.update_channel(
                account,
                channel.pk,
                name=form.cleaned_data["name"],
                values=form.values(),
                sync_interval=form.sync_interval(),
            )
        except ChannelValidationError as error:
            form.add_error(form.field_for_error(error.field), error.message)
        except ChannelConflict:
            form.add_error("name", "A channel with this name exists already.")
        else:
            messages.success(request, "Channel settings saved.")
            return redirect("channel_detail", channel_id=channel.pk)
    return _render_channel(request, account, channel, form=form, status=400)


@require_POST
@account_view
def channel_sync(request: HttpRequest, account: Account, channel_id: int) -> HttpResponse:
    channel = _channel(account, channel_id)
    try:
        request_sync(account, channel.pk)
    except ChannelConflict as error:
        messages.error(request, f"Cannot sync: {error}.")
    else:
        messages.success(request, f"Sync of {channel.name} queued; new orders appear shortly.")
    if request.POST.get("back") == "list":
        return redirect("channels")
    return redirect("channel_detail", channel_id=channel.pk)


@account_view
def write_back_list(request: HttpRequest, account: Account) -> HttpResponse:
    context = {
        "section": "channels",
        "failed": failed_write_backs(account),
        "failed_states": FAILED_STATES,
    }
    return render(request, "web/channels/write_backs.html", context)


@require_POST
@account_view
def write_back_replay(request: HttpRequest, account: Account, write_back_id: int) -> HttpResponse:
    try:
        row = replay_write_back(account, write_back_id)
    except ChannelConflict as error:
        messages.error(request, f"Not replayed: {error}.")
    else:
        messages.success(request, f"Write-back {row.pk} queued again.")
    return redirect("write_backs")


def _kinds() -> list[tuple[str, str]]:
    return [(spec.slug, spec.display_name) for spec in registry().all()]


@account_view
def carrier_mappings(request: HttpRequest, account: Account) -> HttpResponse:
    form = CarrierMappingForm(request.POST or None, kinds=_kinds())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            carriers.set_mapping(
                account,
                channel_kind=data["channel_kind"],
                carrier=data["carrier"],
                service=data["service"],
                channel_carrier=data["channel_carrier"],
                channel_service=data["channel_service"],
            )
        except ChannelValidationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except ChannelConflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Carrier mapping saved.")
            return redirect("carrier_mappings")
    names = dict(_kinds())
    context = {
        "section": "channels",
        "form": form,
        "rows": [
            (mapping, names.get(mapping.channel_kind, mapping.channel_kind))
            for mapping in carriers.mappings(account)
        ],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "web/channels/carriers.html", context, status=status)


@require_POST
@account_view
def carrier_mapping_delete(request: HttpRequest, account: Account, mapping_id: int) -> HttpResponse:
    carriers.delete_mapping(account, mapping_id)
    messages.success(request, "Your mapping was removed; the default applies again.")
    return redirect("carrier_mappings")
