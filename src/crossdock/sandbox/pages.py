"""The sandbox marketplace's own pages under ``/sandbox/`` (its seller centre, server-rendered).

The sandbox plays another company, so these pages use their own templates and CSS and no
hub code. They are a development and demo tool: served only when ``CROSSDOCK_SANDBOX`` is
on (``make run`` sets it) and only to a signed-in user; otherwise ``/sandbox/`` pages are
404 and the marketplace API (token per shop) is all there is. Forms post, then redirect;
a new shop's token is shown once, on the page the creation redirects to.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from crossdock.sandbox import queries, services
from crossdock.sandbox.errors import SandboxConflict, SandboxInvalid, SandboxNotFound
from crossdock.sandbox.models import SandboxShop

Page = Callable[..., HttpResponse]
#: Session key of the token a just-created shop shows once.
_REVEAL = "sandbox_new_token"
MAX_SIMULATED = 500


def pages_enabled() -> bool:
    return bool(getattr(settings, "SANDBOX_PAGES", False))


def page(view: Page) -> Page:
    """404 unless the sandbox pages are on; the sign-in page for anonymous visitors."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not pages_enabled():
            raise Http404("the sandbox pages are off (set CROSSDOCK_SANDBOX=1)")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _shop(shop_id: int) -> SandboxShop:
    try:
        return queries.shop(shop_id)
    except SandboxNotFound as error:
        raise Http404(str(error)) from error


class ShopForm(forms.Form):
    name = forms.CharField(max_length=100, label="Shop name")
    code = forms.CharField(
        max_length=8,
        required=False,
        label="Order-number prefix",
        help_text="Up to 8 letters or digits; the name's initials when empty.",
    )
    currency = forms.CharField(max_length=3, initial="USD", label="Currency")


class SimulateForm(forms.Form):
    count = forms.IntegerField(
        min_value=1, max_value=MAX_SIMULATED, initial=3, label="Orders to place"
    )
    showcase = forms.BooleanField(
        required=False, label="Place the showcase order (every feature at once) instead"
    )


class FaultForm(forms.Form):
    error_rate = forms.DecimalField(
        min_value=0, max_value=1, decimal_places=3, label="Errors (503)"
    )
    rate_limit_rate = forms.DecimalField(
        min_value=0, max_value=1, decimal_places=3, label="Rate limits (429)"
    )
    retry_after_seconds = forms.IntegerField(
        min_value=0, max_value=3600, label="Retry-After (seconds)"
    )
    delay_ms = forms.IntegerField(min_value=0, max_value=60_000, label="Delay on every answer (ms)")
    timeout_rate = forms.DecimalField(
        min_value=0, max_value=1, decimal_places=3, label="Timeouts (hang, then 504)"
    )
    timeout_seconds = forms.DecimalField(
        min_value=0, max_value=600, decimal_places=2, label="Timeout length (seconds)"
    )
    fault_seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, label="Random seed")


def base_url(request: HttpRequest) -> str:
    """Where this marketplace is reached: the public URL, else this request's host."""
    public: str = settings.PUBLIC_URL
    return public or request.build_absolute_uri("/").rstrip("/")


@page
def shops(request: HttpRequest) -> HttpResponse:
    return render(request, "sandbox/shops.html", {"shops": queries.shops()})


@page
@require_http_methods(["GET", "POST"])
def new_shop(request: HttpRequest) -> HttpResponse:
    form = ShopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_shop(
                form.cleaned_data["name"],
                form.cleaned_data["code"],
                currency=form.cleaned_data["currency"],
            )
        except SandboxInvalid as error:
            form.add_error(error.field or None, str(error))
        except SandboxConflict:
            form.add_error("name", "A shop with this name exists already.")
        else:
            request.session[_REVEAL] = {"shop": made.shop.pk, "token": made.token}
            return redirect("sandbox:shop-created", shop_id=made.shop.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "sandbox/new_shop.html", {"form": form}, status=status)


@page
def shop_created(request: HttpRequest, shop_id: int) -> HttpResponse:
    """The new shop's token, once: the session forgets it as the page is rendered."""
    shop = _shop(shop_id)
    reveal = request.session.get(_REVEAL)
    token = ""
    if isinstance(reveal, dict) and reveal.get("shop") == shop.pk:
        token = str(reveal["token"])
        del request.session[_REVEAL]
    base = base_url(request)
    return render(
        request,
        "sandbox/shop_created.html",
        {
            "shop": shop,
            "token": token,
            "api_base_url": queries.api_base_url(base),
            "shop_url": queries.shop_page_url(base, shop.pk),
        },
    )


@page
def shop_page(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _shop(shop_id)
    return render(
        request,
        "sandbox/shop.html",
        {
            "shop": shop,
            "orders": [
                (order, queries.order_document(order), order.status.replace("_", " "))
                for order in queries.recent_orders(shop)
            ],
            "simulate": SimulateForm(),
            "api_base_url": queries.api_base_url(base_url(request)),
        },
    )


@page
@require_POST
def simulate(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _shop(shop_id)
    form = SimulateForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label}: {' '.join(str(e) for e in errors)}"
            )
        return redirect("sandbox:shop", shop_id=shop.pk)
    if form.cleaned_data["showcase"]:
        order = services.place_showcase_order(shop)
        messages.success(request, f"A buyer placed the showcase order {order.number}.")
    else:
        placed = services.generate_orders(shop, form.cleaned_data["count"])
        numbers = ", ".join(order.number for order in placed[:5])
        more = f" and {len(placed) - 5} more" if len(placed) > 5 else ""
        messages.success(request, f"Buyers placed {len(placed)} orders: {numbers}{more}.")
    return redirect("sandbox:shop", shop_id=shop.pk)


@page
def received(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _shop(shop_id)
    return render(
        request,
        "sandbox/received.html",
        {
            "shop": shop,
            "shipments": queries.received_shipments(shop),
            "stock_updates": queries.received_stock(shop),
        },
    )


@page
@require_http_methods(["GET", "POST"])
def faults(request: HttpRequest, shop_id: int) -> HttpResponse:
    shop = _shop(shop_id)
    current = queries.fault_document(shop)
    form = FaultForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.configure_faults(shop, form.cleaned_data)
        except SandboxInvalid as error:
            form.add_error(error.field or None, str(error))
        else:
            messages.success(request, "Fault settings saved.")
            return redirect("sandbox:faults", shop_id=shop.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "sandbox/faults.html",
        {
            "shop": shop,
            "form": form,
            "request_count": current["request_count"],
            "faults_met": queries.faults_met(shop),
            "faults_met_count": shop.faults_met.count(),
        },
        status=status,
    )
