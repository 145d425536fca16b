"""Importing a store's orders, as ShipStation does (custom-store-protocol.md §8).

The window runs from the end of the last fully successful import, minus an overlap, to now
truncated to the minute (the first import looks back ``first_import_days``). Pages are
fetched in order; orders are de-duplicated by key; each is mapped and upserted in its own
transaction. The mark advances only when every page succeeded. A failed import never turns
auto-import off: it retries with back-off and shows the store in error.

No transaction is held across an HTTP call: the store may be served by this very process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
from django.utils import timezone

from crossdock.customstore.reader import ReadOrder, SkippedOrder
from crossdock.desk.accounts.models import DeskMembership
from crossdock.desk.orders.services import OrderOutOfRange, Outcome, upsert_order
from crossdock.desk.stores.client import (
    StoreConnection,
    StoreError,
    fetch_export_page,
    make_client,
)
from crossdock.desk.stores.crypto import SecretUnreadable
from crossdock.desk.stores.leases import Lease, claim
from crossdock.desk.stores.mapping import MappingError, StatusMapping
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import connection_of

logger = logging.getLogger(__name__)

#: Re-read this much before the mark: harmless (orders are recognised again) and it
#: catches orders a store committed late with an earlier ``LastModified``.
OVERLAP = timedelta(minutes=5)
#: While storing orders, the import renews its lease after this many orders.
RENEW_EVERY_ORDERS = 50
#: The longest wait between retries of a failing store.
MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    run_id: int
    fetched: int
    created: int
    updated: int
    unchanged: int
    skipped: tuple[SkippedOrder, ...]
    succeeded: bool
    error: str
    mark_advanced: bool


def retry_delay(failures: int) -> timedelta:
    """1, 2, 4, 8 … minutes after consecutive failures, at most an hour."""
    # The exponent stops once the cap is reached: a store failing for days would otherwise
    # ask for more minutes than a timedelta holds.
    cap_minutes = MAX_RETRY_DELAY // timedelta(minutes=1)
    exponent = min(max(failures - 1, 0), cap_minutes.bit_length())
    return min(timedelta(minutes=2**exponent), MAX_RETRY_DELAY)


def import_window(store: DeskStore, now: datetime) -> tuple[datetime, datetime]:
    end = now.replace(second=0, microsecond=0)
    if store.import_mark is None:
        return end - timedelta(days=store.first_import_days), end
    return min(store.import_mark - OVERLAP, end), end


def _fetch_all(
    connection: StoreConnection, run: ImportRun, client: httpx.Client
) -> tuple[list[ReadOrder], list[SkippedOrder], str]:
    """Every page in order; stops at the first failing page and returns its error."""
    orders: list[ReadOrder] = []
    skipped: list[SkippedOrder] = []
    page_number, pages = 1, 1
    while page_number <= pages:
        try:
            fetched = fetch_export_page(
                client, connection, run.window_start, run.window_end, page_number
            )
        except StoreError as error:
            return orders, skipped, f"page {page_number} of {pages}: {error.message}"
        if page_number == 1:
            pages = fetched.page.pages
            run.pages_total = pages
        run.pages_fetched = page_number
        orders.extend(fetched.page.orders)
        skipped.extend(fetched.page.skipped)
        page_number += 1
    return orders, skipped, ""


def _unique(orders: list[ReadOrder]) -> list[ReadOrder]:
    """De-duplicate by key; the copy with the latest ``LastModified`` wins (ties: the later)."""
    chosen: dict[str, ReadOrder] = {}
    for order in orders:
        current = chosen.get(order.key)
        if current is None or order.last_modified >= current.last_modified:
            chosen[order.key] = order
    return list(chosen.values())


def _apply(
    store: DeskStore, mapping: StatusMapping, run: ImportRun, orders: list[ReadOrder], lease: Lease
) -> list[SkippedOrder]:
    skipped: list[SkippedOrder] = []
    for position, read in enumerate(orders, start=1):
        if position % RENEW_EVERY_ORDERS == 0:
            lease.renew()
        status = mapping.desk_status(read.order_status)
        if status is None:
            skipped.append(
                SkippedOrder(
                    read.order_number,
                    f'status "{read.order_status}" is not mapped to a desk status',
                )
            )
            continue
        try:
            result = upsert_order(store, read, status)
        except DatabaseError as error:
            logger.warning("desk store %s: order %s not stored", store.pk, read.order_number)
            skipped.append(SkippedOrder(read.order_number, f"could not be stored: {error}"[:300]))
            continue
        except OrderOutOfRange as error:
            skipped.append(SkippedOrder(read.order_number, str(error)))
            continue
        if result.outcome == Outcome.CREATED:
            run.created += 1
        elif result.outcome == Outcome.UPDATED:
            run.updated += 1
        elif result.outcome == Outcome.UNCHANGED:
            run.unchanged += 1
        else:
            skipped.append(SkippedOrder(read.order_number, result.reason))
    return skipped


def _tell_merchant(store: DeskStore, error: str) -> None:
    recipients = list(
        DeskMembership.objects.filter(account_id=store.account_id)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if recipients:
        send_mail(
            f"Crossdock desk: importing from {store.name} failed",
            f"The desk could not import from {store.name}:\n\n{error}\n\n"
            "Auto-import stays on; the desk retries with back-off.",
            settings.DEFAULT_FROM_EMAIL,
            recipients,
            fail_silently=True,
        )


def run_import(
    store_id: int,
    trigger: str,
    *,
    client: httpx.Client | None = None,
    account_limit: int | None = None,
) -> ImportSummary:
    """Import one store now.

    Raises :class:`ImportAlreadyRunning` if one is under way, :class:`AccountImportsBusy`
    if the account already runs ``account_limit`` imports, and :class:`ImportLeaseLost` if
    this import stalled past its lease and another took the store.
    """
    now = timezone.now()
    lease = claim(store_id, now, account_limit=account_limit)
    try:
        return _run(DeskStore.objects.get(pk=store_id), lease, trigger, now, client)
    except BaseException:
        # An unexpected failure must not leave the store locked until the lease runs out.
        lease.release()
        raise


def _renewing(http: httpx.Client, lease: Lease) -> None:
    """Renew ``lease`` before every request ``http`` sends (each page, each call)."""

    def renew(request: httpx.Request) -> None:
        try:
            lease.renew()
        except DatabaseError:
            # A busy database must not fail the import: the next renewal tries again, and
            # a lease that ran out meanwhile is caught by the release, which checks the holder.
            logger.warning("desk store %s: lease renewal skipped", lease.store_id)

    http.event_hooks = {**http.event_hooks, "request": [*http.event_hooks["request"], renew]}


def _run(
    store: DeskStore, lease: Lease, trigger: str, now: datetime, client: httpx.Client | None
) -> ImportSummary:
    start, end = import_window(store, now)
    run = ImportRun.objects.create(
        store=store, trigger=trigger, started_at=now, window_start=start, window_end=end
    )
    orders: list[ReadOrder] = []
    skipped: list[SkippedOrder] = []
    try:
        mapping = store.status_mapping
        connection = connection_of(store)
    except (MappingError, SecretUnreadable) as problem:
        error = f"the store's settings are unusable: {problem}"
    else:
        http = client or make_client()
        hooks = http.event_hooks
        _renewing(http, lease)
        try:
            orders, skipped, error = _fetch_all(connection, run, http)
        finally:
            http.event_hooks = hooks
            if client is None:
                http.close()
    unique = _unique(orders)
    run.fetched = len(unique) + len(skipped)
    if unique:
        skipped.extend(_apply(store, mapping, run, unique, lease))
    succeeded = not error
    finished = timezone.now()
    run.skipped = [{"order_number": s.order_number, "reason": s.reason} for s in skipped]
    run.state = ImportRun.State.SUCCEEDED if succeeded else ImportRun.State.FAILED
    run.error = error
    run.finished_at = finished
    run.mark_advanced = succeeded
    run.save()
    failures = 0 if succeeded else store.import_failures + 1
    changes: dict[str, object] = {
        "last_import_at": finished,
        "import_failures": failures,
    }
    if succeeded:
        changes.update(
            import_mark=end,
            connection=DeskStore.Connection.OK,
            last_error="",
            last_error_at=None,
            next_import_at=finished + timedelta(minutes=store.import_interval_minutes),
        )
    else:
        changes.update(
            connection=DeskStore.Connection.ERROR,
            last_error=error,
            last_error_at=finished,
            next_import_at=finished + retry_delay(failures),
        )
    lease.release(**changes)
    if not succeeded:
        logger.warning("desk store %s import failed: %s", store.pk, error)
        if failures == 1:
            _tell_merchant(store, error)
    return ImportSummary(
        run_id=run.pk,
        fetched=run.fetched,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        skipped=tuple(skipped),
        succeeded=succeeded,
        error=error,
        mark_advanced=succeeded,
    )
