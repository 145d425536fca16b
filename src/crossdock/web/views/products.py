"""Products: the list with search and low stock, and a product's page (stock per source, the
ledger, its listings, its kit recipe) where stock is received, adjusted and counted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crossdock.core.errors import CrossdockError, Invalid
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import queries, services
from crossdock.hub.catalog.models import Product, StockLevel
from crossdock.hub.catalog.quantities import targets
from crossdock.web.access import account_view, actor_of
from crossdock.web.forms.catalog import (
    ProductFilterForm,
    ProductSettingsForm,
    StockChangeForm,
    TransferForm,
)

PAGE_SIZE = 50
MOVEMENTS_SHOWN = 25


def totals(product_ids: list[int]) -> dict[int, tuple[int, int]]:
    """On hand and reserved of each product summed over every source."""
    rows = (
        StockLevel.objects.filter(product_id__in=product_ids)
        .values("product_id")
        .annotate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
        .values_list("product_id", "on_hand", "reserved")
    )
    return {product_id: (on_hand or 0, reserved or 0) for product_id, on_hand, reserved in rows}


@account_view
def product_list(request: HttpRequest, account: Account) -> HttpResponse:
    form = ProductFilterForm(request.GET)
    valid = form.is_valid()
    only_low = valid and form.cleaned_data["low_stock"]
    products = queries.products(account, form.cleaned_data["q"] if valid else "")
    if only_low:
        products = products.filter(pk__in=[row.product.pk for row in queries.low_stock(account)])
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [product.pk for product in page.object_list]
    summed = totals(ids)
    counts = queries.available(account, ids)
    rows = []
    for product in page.object_list:
        on_hand, reserved = summed.get(product.pk, (0, 0))
        available = counts.get(product.pk, 0)
        threshold = product.low_stock_threshold
        rows.append(
            {
                "product": product,
                "on_hand": on_hand,
                "reserved": reserved,
                "available": available,
                "is_low": threshold is not None and available <= threshold,
            }
        )
    context = {
        "section": "products",
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": bool(request.GET.get("q") or only_low),
        "query": request.GET.copy(),
    }
    template = "web/catalog/_product_results.html" if request.htmx else "web/catalog/products.html"  # type: ignore[attr-defined]  # django-htmx middleware
    return render(request, template, context)


def load_product(account: Account, product_id: int) -> Product:
    return queries.product(account, product_id)


def _sources(account: Account) -> list[tuple[int, str]]:
    return list(queries.sources(account).filter(is_active=True).values_list("pk", "name"))


def _product_page(
    request: HttpRequest,
    account: Account,
    product: Product,
    *,
    stock_form: StockChangeForm | None = None,
    transfer_form: TransferForm | None = None,
    settings_form: ProductSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    levels = list(queries.levels(account, product.pk))
    listings = list(queries.listings(account, product_id=product.pk))
    computed = targets(listings)
    context = {
        "section": "products",
        "product": product,
        "levels": levels,
        "on_hand": sum(level.on_hand for level in levels),
        "reserved": sum(level.reserved for level in levels),
        "available": queries.available(account, [product.pk])[product.pk],
        "movements": queries.movements(account, product.pk, limit=MOVEMENTS_SHOWN),
        "shortages": queries.shortages(account, product.pk),
        "listings": [(listing, computed.get(listing.pk)) for listing in listings],
        "components": list(product.components.select_related("component")),
        "used_in": list(product.used_in.select_related("kit")),
        "stock_form": stock_form or StockChangeForm(sources=_sources(account)),
        "transfer_form": transfer_form or TransferForm(sources=_sources(account)),
        "settings_form": settings_form
        or ProductSettingsForm(
            initial={
                "low_stock_threshold": product.low_stock_threshold,
                "bin_location": product.bin_location,
            }
        ),
    }
    return render(request, "web/catalog/product.html", context, status=status)


@account_view
def product_detail(request: HttpRequest, account: Account, product_id: int) -> HttpResponse:
    return _product_page(request, account, load_product(account, product_id))


def _service_errors(form: Any, error: CrossdockError) -> None:
    if isinstance(error, Invalid) and error.field_errors:
        for field, message in error.field_errors:
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, str(error))


@require_POST
@account_view
def product_stock(request: HttpRequest, account: Account, product_id: int) -> HttpResponse:
    product = load_product(account, product_id)
    form = StockChangeForm(request.POST, sources=_sources(account))
    if form.is_valid():
        data = form.cleaned_data
        actor = actor_of(request)
        try:
            if data["action"] == "receive":
                movement = services.receive(
                    account, product.sku, data["source"], data["quantity"], actor, data["reason"]
                )
            elif data["action"] == "adjust":
                movement = services.adjust(
                    account, product.sku, data["source"], data["quantity"], actor, data["reason"]
                )
            else:
                movement = services.count(
                    account, product.sku, data["source"], data["quantity"], actor, data["reason"]
                )
        except CrossdockError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                f"{product.sku} at {movement.source.name}: {movement.on_hand_delta:+,} → "
                f"{movement.on_hand_after:,} on hand.",
            )
            return redirect("product_detail", product.pk)
    return _product_page(request, account, product, stock_form=form, status=400)


@require_POST
@account_view
def product_transfer(request: HttpRequest, account: Account, product_id: int) -> HttpResponse:
    product = load_product(account, product_id)
    form = TransferForm(request.POST, sources=_sources(account))
    if form.is_valid():
        data = form.cleaned_data
        try:
            out, into = services.transfer(
                account,
                product.sku,
                data["from_source"],
                data["to_source"],
                data["quantity"],
                actor_of(request),
                data["reason"],
            )
        except CrossdockError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                f"{product.sku}: {into.on_hand_delta:,} moved from {out.source.name} "
                f"({out.on_hand_after:,} left) to {into.source.name} "
                f"({into.on_hand_after:,} on hand).",
            )
            return redirect("product_detail", product.pk)
    return _product_page(request, account, product, transfer_form=form, status=400)


@require_POST
@account_view
def product_settings(request: HttpRequest, account: Account, product_id: int) -> HttpResponse:
    product = load_product(account, product_id)
    form = ProductSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.update_product(
                account,
                product.pk,
                low_stock_threshold=form.cleaned_data["low_stock_threshold"],
                bin_location=form.cleaned_data["bin_location"].strip(),
            )
        except CrossdockError as error:
            _service_errors(form, error)
        else:
            messages.success(request, "Product saved.")
            return redirect("product_detail", product.pk)
    return _product_page(request, account, product, settings_form=form, status=400)
