"""Listings: by channel and status; a listing's page with the computation of what it should
show; link, unlink (asked first), pause, and a product made from an unlinked listing; the
drift report of what reconciliation found and fixed."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crossdock.core.errors import CrossdockError
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog import listings as listing_services
from crossdock.hub.catalog import queries
from crossdock.hub.catalog.models import Listing, Product
from crossdock.hub.catalog.quantities import targets
from crossdock.hub.channels import queries as channel_queries
from crossdock.web.access import account_view
from crossdock.web.forms.catalog import LinkForm, ListingFilterForm

PAGE_SIZE = 50


def _channels(account: Account) -> list[tuple[int, str]]:
    return [
        (channel.pk, channel.name) for channel in channel_queries.channels(account).order_by("name")
    ]


@account_view
def listing_list(request: HttpRequest, account: Account) -> HttpResponse:
    form = ListingFilterForm(request.GET, channels=_channels(account))
    rows = queries.listings(account)
    if form.is_valid():
        data = form.cleaned_data
        rows = queries.listings(
            account,
            channel_id=data["channel"],
            status=data["status"] or None,
            linked={"yes": True, "no": False}.get(data["linked"]),
        )
        if data["q"].strip():
            rows = rows.filter(sku__icontains=data["q"].strip())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    listings = list(page.object_list)
    computed = targets(listings)
    context = {
        "section": "listings",
        "form": form,
        "page": page,
        "rows": [(listing, computed.get(listing.pk)) for listing in listings],
        "query": request.GET.copy(),
        "filtered": any(request.GET.get(name) for name in ("channel", "status", "linked", "q")),
    }
    return render(request, "web/catalog/listings.html", context)


def load_listing(account: Account, listing_id: int) -> Listing:
    return queries.listing(account, listing_id)


def _listing_page(
    request: HttpRequest,
    account: Account,
    listing: Listing,
    *,
    link_form: LinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "section": "listings",
        "listing": listing,
        "computation": targets([listing]).get(listing.pk),
        "link_form": link_form or LinkForm(),
        "drift": list(listing.drift_records.order_by("-detected_at", "-id")[:10]),
    }
    return render(request, "web/catalog/listing.html", context, status=status)


@account_view
def listing_detail(request: HttpRequest, account: Account, listing_id: int) -> HttpResponse:
    return _listing_page(request, account, load_listing(account, listing_id))


@require_POST
@account_view
def listing_link(request: HttpRequest, account: Account, listing_id: int) -> HttpResponse:
    listing = load_listing(account, listing_id)
    form = LinkForm(request.POST)
    if form.is_valid():
        sku = form.cleaned_data["sku"].strip()
        product = Product.objects.filter(account=account, sku=sku).first()
        if product is None:
            form.add_error("sku", f"No product has the SKU {sku}.")
        else:
            try:
                listing_services.link_listing(listing.channel, listing.pk, product.pk)
            except CrossdockError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Linked to {product.sku}; its quantity follows.")
                return redirect("listing_detail", listing.pk)
    return _listing_page(request, account, listing, link_form=form, status=400)


@account_view
def listing_unlink(request: HttpRequest, account: Account, listing_id: int) -> HttpResponse:
    """GET asks to confirm; POST unlinks (the hub stops pushing to the listing)."""
    listing = load_listing(account, listing_id)
    if request.method != "POST":
        return render(
            request, "web/catalog/listing_unlink.html", {"section": "listings", "listing": listing}
        )
    try:
        listing_services.link_listing(listing.channel, listing.pk, None)
    except CrossdockError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Unlinked: the hub no longer pushes a quantity to this listing.")
    return redirect("listing_detail", listing.pk)


@require_POST
@account_view
def listing_create_product(request: HttpRequest, account: Account, listing_id: int) -> HttpResponse:
    listing = load_listing(account, listing_id)
    try:
        product = listing_services.create_product_from_listing(listing.channel, listing.pk)
    except CrossdockError as error:
        messages.error(request, str(error))
        return redirect("listing_detail", listing.pk)
    messages.success(request, f"Product {product.sku} created and linked.")
    return redirect("product_detail", product.pk)


@require_POST
@account_view
def listing_pause(request: HttpRequest, account: Account, listing_id: int) -> HttpResponse:
    listing = load_listing(account, listing_id)
    paused = request.POST.get("paused") == "1"
    try:
        listing_services.set_paused(listing.channel, listing.pk, paused)
    except CrossdockError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Pushes paused." if paused else "Pushes resumed.")
    return redirect("listing_detail", listing.pk)


@account_view
def drift_report(request: HttpRequest, account: Account) -> HttpResponse:
    context = {"section": "listings", "records": queries.drift_report(account)}
    return render(request, "web/catalog/drift.html", context)
