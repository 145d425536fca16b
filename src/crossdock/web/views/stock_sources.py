"""Inventory sources, and per channel: its ordered sources, its rule, and the connect-time
choice of which side's quantities win (shown with the differences, confirmed before anything
is pushed)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crossdock.core.errors import CrossdockError, Invalid
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import listings as listing_services
from crossdock.hub.catalog import queries, services
from crossdock.hub.catalog.models import (
    ChannelSource,
    ChannelStock,
    InventorySource,
    StockRule,
)
from crossdock.hub.channels import queries as channel_queries
from crossdock.hub.channels.models import Channel
from crossdock.web.access import account_view, actor_of
from crossdock.web.forms.catalog import ChannelSourcesForm, RuleForm, SourceForm, WinnerForm

#: Differences listed on the connect-time choice; the count covers them all.
DIFFERENCES_SHOWN = 200


def _channels(account: Account) -> list[tuple[int, str]]:
    return [
        (channel.pk, channel.name) for channel in channel_queries.channels(account).order_by("name")
    ]


def _sources(account: Account) -> list[InventorySource]:
    return list(queries.sources(account))


def _sources_page(
    request: HttpRequest, account: Account, form: SourceForm | None = None, status: int = 200
) -> HttpResponse:
    channels = list(channel_queries.channels(account).order_by("name"))
    feeds: dict[int, list[str]] = {}
    for link in ChannelSource.objects.filter(source__account=account).select_related("channel"):
        feeds.setdefault(link.source_id, []).append(link.channel.name)
    context = {
        "section": "products",
        "sources": [(source, feeds.get(source.pk, [])) for source in _sources(account)],
        "channels": channels,
        "form": form or SourceForm(channels=_channels(account)),
    }
    return render(request, "web/catalog/sources.html", context, status=status)


@account_view
def inventory_sources(request: HttpRequest, account: Account) -> HttpResponse:
    if request.method != "POST":
        return _sources_page(request, account)
    form = SourceForm(request.POST, channels=_channels(account))
    if form.is_valid():
        data = form.cleaned_data
        try:
            channel = (
                channel_queries.get_channel(account, data["channel"])
                if data["channel"] is not None
                else None
            )
            source = services.create_source(account, data["name"], data["kind"], channel)
        except CrossdockError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"Inventory source “{source.name}” added.")
            return redirect("inventory_sources")
    return _sources_page(request, account, form, status=400)


def _service_errors(
    form: SourceForm | ChannelSourcesForm | RuleForm, error: CrossdockError
) -> None:
    if isinstance(error, Invalid) and error.field_errors:
        for field, message in error.field_errors:
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, str(error))


def _rule_initial(channel: Channel) -> dict[str, int | None]:
    rule = StockRule.objects.filter(channel=channel, listing__isnull=True).first()
    if rule is None:
        return {}
    return {
        "percent": rule.percent,
        "maximum": rule.maximum,
        "buffer": rule.buffer,
        "fixed": rule.fixed,
    }


def _channel_page(
    request: HttpRequest,
    account: Account,
    channel: Channel,
    *,
    sources_form: ChannelSourcesForm | None = None,
    rule_form: RuleForm | None = None,
    winner_form: WinnerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    all_sources = _sources(account)
    positions = {
        link.source_id: link.position + 1
        for link in ChannelSource.objects.filter(channel=channel).order_by("position", "id")
    }
    found = queries.listing_differences(account, channel.pk)
    context = {
        "section": "channels",
        "channel": channel,
        "state": listing_services.stock_state(channel),
        "sources_form": sources_form
        or ChannelSourcesForm(
            sources=[(source.pk, source.name) for source in all_sources],
            initial={f"source_{pk}": position for pk, position in positions.items()},
        ),
        "rule_form": rule_form or RuleForm(initial=_rule_initial(channel)),
        "winner_form": winner_form or WinnerForm(),
        "differences": found[:DIFFERENCES_SHOWN],
        "difference_count": len(found),
        "linked_count": queries.listings(account, channel_id=channel.pk, linked=True).count(),
    }
    return render(request, "web/catalog/channel_stock.html", context, status=status)


@account_view
def channel_stock(request: HttpRequest, account: Account, channel_id: int) -> HttpResponse:
    return _channel_page(request, account, channel_queries.get_channel(account, channel_id))


@require_POST
@account_view
def channel_stock_sources(request: HttpRequest, account: Account, channel_id: int) -> HttpResponse:
    channel = channel_queries.get_channel(account, channel_id)
    form = ChannelSourcesForm(
        request.POST, sources=[(source.pk, source.name) for source in _sources(account)]
    )
    if form.is_valid():
        try:
            services.set_channel_sources(channel, form.ordered())
        except CrossdockError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"Sources of {channel.name} saved.")
            return redirect("channel_stock", channel.pk)
    return _channel_page(request, account, channel, sources_form=form, status=400)


@require_POST
@account_view
def channel_stock_rule(request: HttpRequest, account: Account, channel_id: int) -> HttpResponse:
    channel = channel_queries.get_channel(account, channel_id)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            services.set_stock_rule(channel, form.rule())
        except CrossdockError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"Rule of {channel.name} saved; its listings follow.")
            return redirect("channel_stock", channel.pk)
    return _channel_page(request, account, channel, rule_form=form, status=400)


@require_POST
@account_view
def channel_stock_decide(request: HttpRequest, account: Account, channel_id: int) -> HttpResponse:
    """The first POST asks to confirm (with what will change); the confirmed one decides."""
    channel = channel_queries.get_channel(account, channel_id)
    form = WinnerForm(request.POST)
    if not form.is_valid():
        return _channel_page(request, account, channel, winner_form=form, status=400)
    winner = form.cleaned_data["winner"]
    if request.POST.get("confirmed") != "1":
        found = queries.listing_differences(account, channel.pk)
        context = {
            "section": "channels",
            "channel": channel,
            "winner": winner,
            "hub_wins": winner == ChannelStock.Winner.HUB,
            "differences": found[:DIFFERENCES_SHOWN],
            "difference_count": len(found),
        }
        return render(request, "web/catalog/channel_decide.html", context)
    try:
        listing_services.decide_winner(channel, winner, actor_of(request))
    except CrossdockError as error:
        messages.error(request, str(error))
    else:
        side = "The hub's" if winner == ChannelStock.Winner.HUB else f"{channel.name}'s"
        messages.success(request, f"{side} quantities win; pushes to {channel.name} start now.")
    return redirect("channel_stock", channel.pk)
