"""Products: the list with search and low stock, and a product's page (stock per source, the
ledger, its listings, its kit recipe) where stock is received, adjusted and counted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crossdock.core.errors import CrossdockError, Invalid
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import services
from crossdock.hub.catalog.errors import CatalogNotFound
from crossdock.hub.catalog.models import InventorySource, Listing, Product, StockLevel
from crossdock.hub.catalog.quantities import targets
from crossdock.web.access import account_view, actor_of
from crossdock.web.forms.catalog import ProductFilterForm, ProductSettingsForm, StockChangeForm

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


def low_stock(account: Account) -> list[dict[str, Any]]:
    """Products at or under their threshold: ``product``, ``available``, ``threshold``.

    A kit's available is what its components make (the kit holds no stock of its own),
    over all the account's sources.
    """
    products = list(
        Product.objects.filter(account=account, low_stock_threshold__isnull=False).order_by("sku")
    )
    summed = totals([product.pk for product in products])
    rows = []
    for product in products:
        on_hand, reserved = summed.get(product.pk, (0, 0))
        available = kit_available(product) if product.is_kit else on_hand - reserved
        threshold = product.low_stock_threshold
        if threshold is not None and available <= threshold:
            rows.append({"product": product, "available": available, "threshold": threshold})
    return rows


def kit_available(product: Product) -> int:
    """How many of a kit could be made from the components' stock at every source."""
    parts: list[int] = []
    for line in product.components.select_related("component"):
        totals = line.component.levels.aggregate(on_hand=Sum("on_hand"), reserved=Sum("reserved"))
        available = (totals["on_hand"] or 0) - (totals["reserved"] or 0)
        parts.append(max(available, 0) // line.quantity)
    return min(parts, default=0)


def _products(account: Account, form: ProductFilterForm) -> QuerySet[Product]:
    products = Product.objects.filter(account=account)
    query = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    if query:
        products = products.filter(
            Q(sku__icontains=query) | Q(name__icontains=query) | Q(barcode__icontains=query)
        )
    return products.order_by("sku")


@account_view
def product_list(request: HttpRequest, account: Account) -> HttpResponse:
    form = ProductFilterForm(request.GET)
    only_low = form.is_valid() and form.cleaned_data["low_stock"]
    if only_low:
        low = {row["product"].pk for row in low_stock(account)}
        products = _products(account, form).filter(pk__in=low)
    else:
        products = _products(account, form)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    summed = totals([product.pk for product in page.object_list])
    rows = []
    for product in page.object_list:
        on_hand, reserved = summed.get(product.pk, (0, 0))
        available = kit_available(product) if product.is_kit else on_hand - reserved
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
    product = Product.objects.filter(account=account, pk=product_id).first()
    if product is None:
        raise CatalogNotFound(f"no product {product_id}")
    return product


def _sources(account: Account) -> list[tuple[int, str]]:
    return list(
        InventorySource.objects.filter(account=account, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def _product_page(
    request: HttpRequest,
    account: Account,
    product: Product,
    *,
    stock_form: StockChangeForm | None = None,
    settings_form: ProductSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    levels = list(
        StockLevel.objects.filter(product=product).select_related("source").order_by("source__name")
    )
    listings = list(
        Listing.objects.filter(product=product).select_related("channel").order_by("channel__name")
    )
    computed = targets(listings)
    context = {
        "section": "products",
        "product": product,
        "levels": levels,
        "on_hand": sum(level.on_hand for level in levels),
        "reserved": sum(level.reserved for level in levels),
        "available": kit_available(product)
        if product.is_kit
        else sum(level.available for level in levels),
        "movements": list(
            product.movements.select_related("source").order_by("-created_at", "-id")[
                :MOVEMENTS_SHOWN
            ]
        ),
        "listings": [(listing, computed.get(listing.pk)) for listing in listings],
        "components": list(product.components.select_related("component")),
        "used_in": list(product.used_in.select_related("kit")),
        "stock_form": stock_form or StockChangeForm(sources=_sources(account)),
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
