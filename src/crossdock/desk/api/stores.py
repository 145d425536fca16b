"""``/desk/api/v1/stores``: connect, read, change settings, reconnect, import now."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from crossdock.desk.api.auth import caller
from crossdock.desk.api.schemas import (
    ConnectOut,
    CopySettingsIn,
    ImportSummaryOut,
    ReconnectIn,
    StoreIn,
    StoreOut,
    StorePatch,
    report_out,
    store_out,
    summary_out,
)
from crossdock.desk.orders.importing import run_import
from crossdock.desk.stores import queries, services
from crossdock.desk.stores.gate import store_call_slot
from crossdock.desk.stores.models import ImportRun

router = Router(tags=["stores"])


@router.get("", response=list[StoreOut], summary="List the desk's stores")
def list_stores(request: HttpRequest) -> list[StoreOut]:
    return [store_out(store) for store in queries.stores(caller(request).account)]


@router.post(
    "",
    response={201: ConnectOut},
    summary="Connect a store (tests the connection; a failure answers 422 and stores nothing)",
    description="The test call is bounded: while this account (or the desk) already waits on "
    "as many store calls as allowed, the answer is 429 with Retry-After.",
)
def connect_store(request: HttpRequest, body: StoreIn) -> Status[ConnectOut]:
    account = caller(request).account
    with store_call_slot(account.pk):
        store, report = services.connect_store(
            account,
            kind=body.kind,
            name=body.name,
            url=body.url,
            username=body.username,
            password=body.password,
            status_mapping=body.status_mapping.model_dump() if body.status_mapping else None,
            auth_mode=body.auth_mode,
        )
    return Status(201, ConnectOut(store=store_out(store), test=report_out(report)))


@router.get("/{store_id}", response=StoreOut, summary="A store's settings")
def get_store(request: HttpRequest, store_id: int) -> StoreOut:
    return store_out(services.get_store(caller(request).account, store_id))


@router.patch("/{store_id}", response=StoreOut, summary="Change settings (all or nothing)")
def patch_store(request: HttpRequest, store_id: int, body: StorePatch) -> StoreOut:
    changes: dict[str, Any] = {
        field: getattr(body, field) for field in body.model_fields_set if field != "status_mapping"
    }
    if "status_mapping" in body.model_fields_set and body.status_mapping is not None:
        changes["status_mapping"] = body.status_mapping.model_dump()
    return store_out(services.update_settings(caller(request).account, store_id, changes))


@router.post(
    "/{store_id}/copy-settings",
    response=StoreOut,
    summary="Copy every setting of another store but its name, URL, credentials, import marks",
)
def copy_settings(request: HttpRequest, store_id: int, body: CopySettingsIn) -> StoreOut:
    account = caller(request).account
    return store_out(services.copy_settings(account, store_id, body.from_store_id))


@router.post(
    "/{store_id}/connection",
    response=ConnectOut,
    summary="Change the URL or credentials (tested first; blank password keeps the stored one)",
)
def reconnect_store(request: HttpRequest, store_id: int, body: ReconnectIn) -> ConnectOut:
    account = caller(request).account
    with store_call_slot(account.pk):
        store, report = services.reconnect_store(
            account,
            store_id,
            url=body.url,
            username=body.username,
            password=body.password,
            auth_mode=body.auth_mode,
        )
    return ConnectOut(store=store_out(store), test=report_out(report))


@router.post("/{store_id}/import", response=ImportSummaryOut, summary="Import now")
def import_now(request: HttpRequest, store_id: int) -> ImportSummaryOut:
    account = caller(request).account
    store = services.get_store(account, store_id)
    with store_call_slot(account.pk):
        return summary_out(run_import(store.pk, ImportRun.Trigger.API))
