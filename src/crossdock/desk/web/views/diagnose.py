"""Diagnose pages: the Custom Store conformance check of a connected store, or of any URL.

A check calls the store many times, so it runs on the web thread only inside the desk's
store-call gate (:func:`crossdock.desk.stores.gate.store_call_slot`) and with the web's
tighter bounds (:data:`WEB_MAX_PAGES`, :data:`WEB_TIMEOUT`). The pages never write to a
store (no ship notices: that is ``crossdock customstore check --write-order``). After the
POST the report, already redacted, waits in the session for the GET that shows it
(Post/Redirect/Get); the password typed for a one-off check is never kept.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.stores.diagnose import CheckOptions, diagnose_store, options_problem, run_check
from crossdock.desk.stores.errors import StoreCallsBusy
from crossdock.desk.stores.gate import store_call_slot
from crossdock.desk.web.access import desk_view
from crossdock.desk.web.forms import DiagnoseForm
from crossdock.desk.web.views.stores import busy_aware, store_or_404

#: A web check reads fewer pages and waits less per call than the command's defaults.
WEB_MAX_PAGES = 5
WEB_TIMEOUT = 15.0
_SESSION_KEY = "desk_diagnose_reports"


def _keep(request: HttpRequest, key: str, report: dict[str, Any]) -> None:
    reports = dict(request.session.get(_SESSION_KEY, {}))
    reports[key] = report
    request.session[_SESSION_KEY] = reports


def _kept(request: HttpRequest, key: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = request.session.get(_SESSION_KEY, {}).get(key)
    return found


@require_http_methods(["GET", "POST"])
@desk_view
def store_diagnose(request: HttpRequest, account: DeskAccount, store_id: int) -> HttpResponse:
    store = store_or_404(account, store_id)
    error = ""
    retry_after = None
    if request.method == "POST":
        try:
            with store_call_slot(account.pk):
                report = diagnose_store(store, max_pages=WEB_MAX_PAGES, timeout=WEB_TIMEOUT)
        except StoreCallsBusy as busy:
            error, retry_after = str(busy), busy.retry_after
        else:
            _keep(request, f"store-{store.pk}", report.to_json())
            return redirect("desk_store_diagnose", store_id=store.pk)
    return busy_aware(
        render(
            request,
            "desk/stores/diagnose.html",
            {
                "section": "stores",
                "store": store,
                "report": _kept(request, f"store-{store.pk}"),
                "error": error,
            },
        ),
        retry_after,
    )


@require_http_methods(["GET", "POST"])
@desk_view
def diagnose_any(request: HttpRequest, account: DeskAccount) -> HttpResponse:
    form = DiagnoseForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        options = CheckOptions(
            url=form.cleaned_data["url"].strip(),
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            days=form.cleaned_data["days"],
            max_pages=WEB_MAX_PAGES,
            timeout=WEB_TIMEOUT,
        )
        problem = options_problem(options)
        if problem:
            form.add_error("url", problem)
        else:
            try:
                with store_call_slot(account.pk):
                    report = run_check(options)
            except StoreCallsBusy as busy:
                form.add_error(None, str(busy))
                retry_after = busy.retry_after
            else:
                _keep(request, "any", report.to_json())
                return redirect("desk_diagnose")
    return busy_aware(
        render(
            request,
            "desk/stores/diagnose_any.html",
            {"section": "stores", "form": form, "report": _kept(request, "any")},
        ),
        retry_after,
    )
