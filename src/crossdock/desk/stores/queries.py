"""Desk store reads, always scoped by desk account."""

from __future__ import annotations

from django.db.models import QuerySet

from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.rules import endpoint_key


def stores(account: DeskAccount, *, include_inactive: bool = True) -> QuerySet[DeskStore]:
    found = DeskStore.objects.filter(account=account)
    return found if include_inactive else found.filter(is_active=True)


def store(account: DeskAccount, store_id: int) -> DeskStore | None:
    return DeskStore.objects.filter(account=account, pk=store_id).first()


def imports(account: DeskAccount, store_id: int | None = None) -> QuerySet[ImportRun]:
    runs = ImportRun.objects.filter(store__account=account).select_related("store")
    return runs.filter(store_id=store_id) if store_id is not None else runs


def stores_in_error(account: DeskAccount) -> QuerySet[DeskStore]:
    return DeskStore.objects.filter(
        account=account, is_active=True, connection=DeskStore.Connection.ERROR
    )


def sharing_endpoint(
    account: DeskAccount, url: str, username: str, exclude: int | None = None
) -> list[str]:
    """Names of the account's stores importing from this endpoint with this username."""
    key = endpoint_key(url, username)
    others = stores(account).exclude(pk=exclude) if exclude is not None else stores(account)
    return [
        other.name
        for other in others.only("name", "url", "username")
        if endpoint_key(other.url, other.username) == key
    ]
