"""Store writes: connect (with a real test call), reconnect, settings, activation.

Connecting tests the connection with a real export call before anything is stored, and a
failure says precisely what went wrong. The password is encrypted before it is stored and
never read back out except to call the store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from crossdock.core.ids import storable_id
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.stores import queries, rules
from crossdock.desk.stores.client import (
    ExportWalk,
    StoreConnection,
    StoreError,
    check_destination,
    make_client,
)
from crossdock.desk.stores.errors import (
    StoreConnectionFailed,
    StoreInvalid,
    StoreLimitReached,
    StoreNotFound,
)
from crossdock.desk.stores.mapping import CROSSDOCK_DEFAULT, CUSTOM_DEFAULT, StatusMapping
from crossdock.desk.stores.models import DeskStore
from crossdock.platform.secrets import STORE_PASSWORDS

#: The window a connection test exports: recent enough to be quick, wide enough to show data.
TEST_WINDOW = timedelta(days=7)
#: A connection test reads every page of its window, within these caps.
TEST_MAX_PAGES = 100
TEST_MAX_BYTES = 200_000_000
TEST_DEADLINE = 120.0


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """What a successful connection test saw."""

    status: int
    content_type: str
    elapsed_ms: int
    pages: int
    orders: int
    #: Store status strings seen that no mapping field covers (those orders won't import).
    unmapped_statuses: tuple[str, ...]
    skipped: int
    #: Pages read (every page unless a cap stopped the test, then ``stopped`` says which).
    pages_read: int = 1
    stopped: str = ""
    #: Other stores of the account already importing from this endpoint and username.
    same_endpoint: tuple[str, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the merchant should know before relying on this connection."""
        found: list[str] = []
        if self.same_endpoint:
            names = ", ".join(f"“{name}”" for name in self.same_endpoint)
            found.append(
                f"{names} already import{'s' if len(self.same_endpoint) == 1 else ''} from "
                "this URL with this username: every order would come in twice."
            )
        if self.stopped:
            found.append(f"The test {self.stopped}; the order count covers those pages only.")
        return tuple(found)


def connection_of(store: DeskStore) -> StoreConnection:
    return StoreConnection(
        url=store.url,
        username=store.username,
        password=STORE_PASSWORDS.decrypt(store.password_encrypted),
        credentials_in_query=store.auth_mode == DeskStore.AuthMode.QUERY,
    )


def _connection(cleaned: dict[str, str]) -> StoreConnection:
    return StoreConnection(
        cleaned["url"],
        cleaned["username"],
        cleaned["password"],
        credentials_in_query=cleaned["auth_mode"] == DeskStore.AuthMode.QUERY,
    )


def default_mapping(kind: str) -> StatusMapping:
    return CROSSDOCK_DEFAULT if kind == DeskStore.Kind.CROSSDOCK else CUSTOM_DEFAULT


def check_connection(
    connection: StoreConnection, mapping: StatusMapping, client: httpx.Client | None = None
) -> ConnectionReport:
    """Export every page of the test window; raise :class:`StoreConnectionFailed` precisely."""
    end = timezone.now().replace(second=0, microsecond=0)
    owned = client is None
    http = client or make_client()
    walk = ExportWalk(
        http,
        connection,
        end - TEST_WINDOW,
        end,
        max_pages=TEST_MAX_PAGES,
        deadline_seconds=TEST_DEADLINE,
        max_bytes=TEST_MAX_BYTES,
    )
    pages = []
    try:
        for fetched in walk:
            if fetched.page.pages_problem:
                raise StoreConnectionFailed(
                    f"The store's answer has a bad page count: {fetched.page.pages_problem}."
                )
            pages.append(fetched)
    except StoreError as error:
        field = "password" if error.status in (401, 403) else "url"
        where = f"Page {walk.pages_fetched + 1}: " if walk.pages_fetched else ""
        raise StoreConnectionFailed(where + error.message, field) from error
    finally:
        if owned:
            http.close()
    orders = [order for page in pages for order in page.page.orders]
    unmapped = sorted(
        {order.order_status for order in orders if mapping.desk_status(order.order_status) is None}
    )
    first = pages[0]
    return ConnectionReport(
        status=first.status,
        content_type=first.content_type,
        elapsed_ms=sum(page.elapsed_ms for page in pages),
        pages=walk.pages_total,
        orders=len({order.key for order in orders}),
        unmapped_statuses=tuple(unmapped),
        skipped=sum(len(page.page.skipped) for page in pages),
        pages_read=walk.pages_fetched,
        stopped=walk.stopped,
    )


def _mapping_values(kind: str, status_mapping: dict[str, str] | None) -> dict[str, str]:
    if status_mapping is None:
        return {f"status_{name}": text for name, text in default_mapping(kind).as_text().items()}
    return rules.clean_mapping(status_mapping)


def _mapping_from_values(values: dict[str, str]) -> StatusMapping:
    return StatusMapping.parse({key.removeprefix("status_"): text for key, text in values.items()})


def _check_name_free(account: DeskAccount, name: str, exclude: int | None = None) -> None:
    taken = DeskStore.objects.filter(account=account, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise StoreInvalid({"name": f"a store named {name!r} already exists"})


def check_room(account: DeskAccount, *, lock: bool = False) -> None:
    """Raise :class:`StoreLimitReached` if the account has ``DESK_MAX_STORES`` stores.

    With ``lock`` (inside a transaction) the account row is locked first, so two stores
    created at once cannot both take the last place.
    """
    if lock:
        DeskAccount.objects.select_for_update().filter(pk=account.pk).first()
    limit = settings.DESK_MAX_STORES
    if DeskStore.objects.filter(account=account).count() >= limit:
        raise StoreLimitReached(limit)


def connect_store(
    account: DeskAccount,
    *,
    kind: str,
    name: str,
    url: str,
    username: str,
    password: str,
    status_mapping: dict[str, str] | None = None,
    auth_mode: str = DeskStore.AuthMode.BASIC,
    client: httpx.Client | None = None,
) -> tuple[DeskStore, ConnectionReport]:
    """Test the connection, then create the store; a failure stores nothing.

    A full account (:func:`check_room`) is refused before any call to the store.
    """
    cleaned = rules.clean_connection(kind, name, url, username, password, auth_mode)
    mapping_values = _mapping_values(cleaned["kind"], status_mapping)
    _check_name_free(account, cleaned["name"])
    check_room(account)
    connection = _connection(cleaned)
    report = replace(
        check_connection(connection, _mapping_from_values(mapping_values), client),
        same_endpoint=tuple(queries.sharing_endpoint(account, connection.url, connection.username)),
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            check_room(account, lock=True)
            store = DeskStore.objects.create(
                account=account,
                kind=cleaned["kind"],
                name=cleaned["name"],
                url=cleaned["url"],
                username=cleaned["username"],
                password_encrypted=STORE_PASSWORDS.encrypt(cleaned["password"]),
                auth_mode=cleaned["auth_mode"],
                connection=DeskStore.Connection.OK,
                company_name=cleaned["name"],
                next_import_at=now,
                **mapping_values,
            )
    except IntegrityError as error:
        raise StoreInvalid({"name": f"a store named {cleaned['name']!r} already exists"}) from error
    return store, report


def add_unverified_store(
    account: DeskAccount,
    *,
    kind: str,
    name: str,
    url: str,
    username: str,
    password: str,
    status_mapping: dict[str, str] | None = None,
) -> DeskStore:
    """Create a store without a test call (its server may not be up yet, as in the demo).

    It is marked "not yet verified" and due for import at once: the first scheduled import
    verifies the connection.
    """
    cleaned = rules.clean_connection(kind, name, url, username, password)
    mapping_values = _mapping_values(cleaned["kind"], status_mapping)
    try:
        check_destination(cleaned["url"])
    except StoreError as error:
        raise StoreInvalid({"url": error.message}) from error
    with transaction.atomic():
        check_room(account, lock=True)
        _check_name_free(account, cleaned["name"])
        return DeskStore.objects.create(
            account=account,
            kind=cleaned["kind"],
            name=cleaned["name"],
            url=cleaned["url"],
            username=cleaned["username"],
            password_encrypted=STORE_PASSWORDS.encrypt(cleaned["password"]),
            connection=DeskStore.Connection.UNVERIFIED,
            company_name=cleaned["name"],
            next_import_at=timezone.now(),
            **mapping_values,
        )


def reconnect_store(
    account: DeskAccount,
    store_id: int,
    *,
    url: str,
    username: str,
    password: str = "",
    auth_mode: str | None = None,
    client: httpx.Client | None = None,
) -> tuple[DeskStore, ConnectionReport]:
    """Change the URL or credentials (a blank password keeps the stored one), after a test.

    ``auth_mode`` ``None`` keeps the store's own.
    """
    store = get_store(account, store_id)
    kept = password or STORE_PASSWORDS.decrypt(store.password_encrypted)
    mode = store.auth_mode if auth_mode is None else auth_mode
    cleaned = rules.clean_connection(store.kind, store.name, url, username, kept, mode)
    connection = _connection(cleaned)
    report = replace(
        check_connection(connection, store.status_mapping, client),
        same_endpoint=tuple(
            queries.sharing_endpoint(account, connection.url, connection.username, store.pk)
        ),
    )
    with transaction.atomic():
        locked = DeskStore.objects.select_for_update().get(pk=store.pk)
        locked.url = cleaned["url"]
        locked.username = cleaned["username"]
        locked.password_encrypted = STORE_PASSWORDS.encrypt(cleaned["password"])
        locked.auth_mode = cleaned["auth_mode"]
        locked.connection = DeskStore.Connection.OK
        locked.last_error = ""
        locked.last_error_at = None
        locked.import_failures = 0
        locked.next_import_at = timezone.now()
        locked.save()
    return locked, report


def get_store(account: DeskAccount, store_id: int) -> DeskStore:
    store = DeskStore.objects.filter(account=account, pk=store_id).first()
    if store is None:
        raise StoreNotFound(f"no store {store_id} in this desk account")
    return store


def update_settings(account: DeskAccount, store_id: int, changes: dict[str, Any]) -> DeskStore:
    """Apply settings changes all or nothing; raises :class:`StoreInvalid` per field."""
    cleaned = rules.clean_settings(changes)
    with transaction.atomic():
        store = DeskStore.objects.select_for_update().filter(account=account, pk=store_id).first()
        if store is None:
            raise StoreNotFound(f"no store {store_id} in this desk account")
        if "name" in cleaned:
            _check_name_free(account, str(cleaned["name"]), exclude=store.pk)
        _apply(store, cleaned)
    return store


def _apply(store: DeskStore, values: dict[str, object]) -> None:
    """Set checked settings on a locked store, rescheduling its import if they say so."""
    interval_changed = (
        "import_interval_minutes" in values
        and values["import_interval_minutes"] != store.import_interval_minutes
    )
    for field, value in values.items():
        setattr(store, field, value)
    if values.get("auto_import") is True and store.next_import_at is None:
        store.next_import_at = timezone.now()
    if interval_changed and store.import_failures == 0:
        store.next_import_at = timezone.now() + timedelta(minutes=store.import_interval_minutes)
    store.save()


def copy_settings(account: DeskAccount, store_id: int, from_store_id: int) -> DeskStore:
    """Copy every setting of another store of the account onto this one, all at once.

    The name, URL, credentials, connection state and import marks stay the store's own
    (see :data:`rules.COPIED_SETTINGS`); raises :class:`StoreInvalid` on ``from_store``.
    """
    if from_store_id == store_id:
        raise StoreInvalid({"from_store": "choose another store to copy from"})
    storable = [pk for pk in (store_id, from_store_id) if storable_id(pk)]
    with transaction.atomic():
        locked = {
            store.pk: store
            for store in DeskStore.objects.select_for_update()
            .filter(account=account, pk__in=storable)
            .order_by("pk")
        }
        store = locked.get(store_id)
        if store is None:
            raise StoreNotFound(f"no store {store_id} in this desk account")
        source = locked.get(from_store_id)
        if source is None:
            raise StoreInvalid({"from_store": f"no store {from_store_id} in this desk account"})
        _apply(store, {field: getattr(source, field) for field in rules.COPIED_SETTINGS})
    return store
