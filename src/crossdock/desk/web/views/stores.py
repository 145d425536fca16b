"""Store pages: the list, the connect tiles and form, the settings page, imports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from crossdock.core.display import plural
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.orders import tasks
from crossdock.desk.stores import queries, rules, services
from crossdock.desk.stores.errors import (
    StoreCallsBusy,
    StoreConnectionFailed,
    StoreInvalid,
    StoreLimitReached,
)
from crossdock.desk.stores.gate import store_call_slot
from crossdock.desk.stores.mapping import MAPPING_FIELDS
from crossdock.desk.stores.models import DeskStore
from crossdock.desk.stores.services import ConnectionReport
from crossdock.desk.web.access import desk_view
from crossdock.desk.web.forms import (
    SECTIONS,
    ConnectForm,
    CopySettingsForm,
    ReconnectForm,
    add_service_errors,
    section_changes,
)

KINDS = {
    "crossdock": (
        "Crossdock",
        "A Crossdock hub: paste the endpoint URL, username and password from its "
        "ShipStation integration page.",
    ),
    "custom": (
        "Custom Store",
        "Any store that speaks ShipStation's Custom Store protocol: its XML URL and the "
        "username and password it generated.",
    ),
}


def store_or_404(account: DeskAccount, store_id: int) -> DeskStore:
    """The account's store, or the 404 page (never another account's store)."""
    store = queries.store(account, store_id)
    if store is None:
        raise Http404("no such store")
    return store


def _report_message(request: HttpRequest, report: ConnectionReport) -> None:
    text = (
        f"Connected: HTTP {report.status} in {report.elapsed_ms} ms, "
        f"{plural(report.orders, 'order')} in the last week on {plural(report.pages, 'page')}."
    )
    messages.success(request, text)
    for warning in report.warnings:
        messages.warning(request, warning)
    if report.unmapped_statuses:
        statuses = ", ".join(f'"{status}"' for status in report.unmapped_statuses)
        messages.warning(
            request,
            f"No status mapping covers {statuses}: those orders will not import until you "
            "map them below.",
        )


@desk_view
def store_list(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    return render(
        request,
        "desk/stores/list.html",
        {"section": "stores", "stores": queries.stores(account)},
    )


@desk_view
def connect_tiles(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    return render(request, "desk/stores/tiles.html", {"section": "stores", "kinds": KINDS})


@desk_view
def connect(request: HttpRequest, account: DeskAccount, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("no such store kind")
    form = ConnectForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            with store_call_slot(account.pk):
                store, report = services.connect_store(account, kind=kind, **form.cleaned_data)
        except StoreInvalid as error:
            add_service_errors(form, error.errors)
        except (StoreLimitReached, StoreCallsBusy) as error:
            form.add_error(None, str(error))
            retry_after = getattr(error, "retry_after", None)
        except StoreConnectionFailed as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _report_message(request, report)
            return redirect("desk_store_settings", store_id=store.pk)
    return busy_aware(
        render(
            request,
            "desk/stores/connect.html",
            {"section": "stores", "form": form, "kind": kind, "kind_title": KINDS[kind][0]},
        ),
        retry_after,
    )


def busy_aware(response: HttpResponse, retry_after: int | None) -> HttpResponse:
    """A page refused for the store-call bound answers 429 with ``Retry-After``."""
    if retry_after is not None:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


@desk_view
def reconnect(request: HttpRequest, account: DeskAccount, store_id: int) -> HttpResponse:
    store = store_or_404(account, store_id)
    form = ReconnectForm(
        request.POST or None,
        initial={"url": store.url, "username": store.username, "auth_mode": store.auth_mode},
    )
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            with store_call_slot(account.pk):
                _, report = services.reconnect_store(account, store.pk, **form.cleaned_data)
        except StoreInvalid as error:
            add_service_errors(form, error.errors)
        except StoreCallsBusy as error:
            form.add_error(None, str(error))
            retry_after = error.retry_after
        except StoreConnectionFailed as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            _report_message(request, report)
            return redirect("desk_store_settings", store_id=store.pk)
    return busy_aware(
        render(
            request,
            "desk/stores/reconnect.html",
            {"section": "stores", "store": store, "form": form},
        ),
        retry_after,
    )


def _initial(store: DeskStore) -> dict[str, object]:
    initial: dict[str, object] = {field: getattr(store, field) for field in rules.SETTINGS}
    for name, _, _ in MAPPING_FIELDS:
        initial[f"status_mapping.{name}"] = getattr(store, f"status_{name}")
    return initial


@desk_view
def store_settings(request: HttpRequest, account: DeskAccount, store_id: int) -> HttpResponse:
    store = store_or_404(account, store_id)
    slug = request.GET.get("tab", "general")
    section = next((entry for entry in SECTIONS if entry[0] == slug), SECTIONS[0])
    form_class = section[2]
    form = form_class(request.POST or None, initial=_initial(store))
    if isinstance(form, CopySettingsForm):
        others = queries.stores(account).exclude(pk=store.pk)
        form.offer((other.pk, other.name) for other in others)
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, CopySettingsForm):
                services.copy_settings(account, store.pk, form.cleaned_data["from_store"])
                saved = "Settings copied from the other store."
            else:
                services.update_settings(account, store.pk, section_changes(form))
                saved = f"{section[1]} settings saved."
        except StoreInvalid as error:
            add_service_errors(form, error.errors)
        else:
            messages.success(request, saved)
            return redirect(f"{request.path}?tab={section[0]}")
    return render(
        request,
        "desk/stores/settings.html",
        {
            "section": "stores",
            "store": store,
            "tabs": [(entry[0], entry[1]) for entry in SECTIONS],
            "tab": section[0],
            "tab_title": section[1],
            "form": form,
            "same_endpoint": queries.sharing_endpoint(
                account, store.url, store.username, exclude=store.pk
            ),
        },
    )


@require_POST
@desk_view
def import_now(request: HttpRequest, account: DeskAccount, store_id: int) -> HttpResponse:
    """Queue the import on a worker (PRG); the history page follows it until it is done."""
    store = store_or_404(account, store_id)
    if tasks.queue_import(store):
        messages.success(request, f"Import from {store.name} queued; it appears below once run.")
    else:
        messages.info(request, f"An import of {store.name} is already running.")
    return redirect("desk_store_imports", store_id=store.pk)


@desk_view
def import_history(request: HttpRequest, account: DeskAccount, store_id: int) -> HttpResponse:
    store = store_or_404(account, store_id)
    return render(
        request,
        "desk/stores/imports.html",
        {
            "section": "stores",
            "store": store,
            "runs": queries.imports(account, store.pk)[:50],
            "busy": tasks.import_busy(store),
        },
    )
