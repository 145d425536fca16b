"""CSV import and export of the catalog: upload → check → report → apply, each step its own
request (Post/Redirect/Get), and nothing applied while any row has a problem.

An uploaded file waits in the data folder (``imports/``) under a random name bound to the
account, for the report page and the apply button; it is removed once applied, and files
older than a day are swept at the next upload.
"""

from __future__ import annotations

import io
import re
import secrets
import time
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from crossdock.config import ensure_data_dir
from crossdock.core.catalog_csv import CatalogFileError, CsvKind, sniff_kind
from crossdock.core.display import plural
from crossdock.hub.accounts.models import Account
from crossdock.hub.catalog.exports import export
from crossdock.hub.catalog.imports import ImportRefused, check_import, import_file
from crossdock.web.access import account_view, actor_of
from crossdock.web.forms.catalog import ImportForm

#: Uploads older than this are removed at the next upload.
KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _folder() -> Path:
    folder = ensure_data_dir() / "imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _path(account: Account, token: str, kind: CsvKind) -> Path:
    return _folder() / f"{account.pk}-{token}-{kind.value}.csv"


def _find(account: Account, token: str) -> tuple[Path, CsvKind]:
    if not _TOKEN.match(token):
        raise Http404("no such import")
    for kind in CsvKind:
        path = _path(account, token, kind)
        if path.exists():
            return path, kind
    raise Http404("no such import")


def _sweep() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for old in _folder().glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


@account_view
def catalog_import(request: HttpRequest, account: Account) -> HttpResponse:
    """GET: the upload form; POST: keep the file and redirect to its report."""
    if request.method != "POST":
        return render(
            request, "web/catalog/import.html", {"section": "products", "form": ImportForm()}
        )
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        head = upload.read(65536)
        upload.seek(0)
        try:
            kind = (
                CsvKind(form.cleaned_data["kind"])
                if form.cleaned_data["kind"]
                else sniff_kind(head)
            )
        except CatalogFileError as error:
            form.add_error("file", "; ".join(message for _, message in error.field_errors))
        else:
            _sweep()
            token = secrets.token_urlsafe(18)
            with _path(account, token, kind).open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            return redirect("catalog_import_report", token)
    return render(
        request, "web/catalog/import.html", {"section": "products", "form": form}, status=400
    )


@account_view
def catalog_import_report(request: HttpRequest, account: Account, token: str) -> HttpResponse:
    """GET: check every row and show the report; POST: apply it all (or nothing) and redirect."""
    path, kind = _find(account, token)
    if request.method == "POST":
        try:
            with path.open("rb") as stream:
                result = import_file(
                    account, kind, stream, actor_of(request), name="an uploaded file"
                )
        except (CatalogFileError, ImportRefused):
            messages.error(request, "Nothing was imported: the file has problems (listed below).")
            return redirect("catalog_import_report", token)
        path.unlink(missing_ok=True)
        messages.success(request, f"Imported {plural(result.rows, 'row')}: {result.summary}.")
        return redirect("products")
    file_error = ""
    report = None
    try:
        with path.open("rb") as stream:
            report = check_import(account, kind, stream)
    except CatalogFileError as error:
        file_error = "; ".join(f"{field}: {message}" for field, message in error.field_errors)
    context = {
        "section": "products",
        "token": token,
        "kind": kind,
        "report": report,
        "file_error": file_error,
    }
    return render(
        request,
        "web/catalog/import_report.html",
        context,
        status=200 if report is not None and report.ok else 422,
    )


@account_view
def catalog_export(request: HttpRequest, account: Account) -> HttpResponse:
    """The catalog, kit recipes or stock levels as a CSV download."""
    try:
        kind = CsvKind(request.GET.get("kind", CsvKind.PRODUCTS.value))
    except ValueError as error:
        raise Http404("no such export") from error
    text = io.StringIO()
    export(account, kind, text)
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    name = {CsvKind.PRODUCTS: "products", CsvKind.KITS: "kits", CsvKind.QUANTITIES: "stock"}[kind]
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
