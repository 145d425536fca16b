"""Importing a store's orders, as ShipStation does (custom-store-protocol.md §8).

The window runs from the end of the last fully successful import, minus an overlap, to now
truncated to the minute (the first import looks back ``first_import_days``). Pages are
fetched in order; orders are de-duplicated by key; each is mapped and upserted in its own
transaction. The mark advances only when every page succeeded. A failed import never turns
auto-import off: it retries with back-off and shows the store in error.

One import reads at most :data:`MAX_PAGES_PER_IMPORT` pages, :data:`MAX_IMPORT_BYTES` and
:data:`IMPORT_DEADLINE` of wall clock. Cut short with every page read so far in
``LastModified`` order (as the protocol asks stores to page), the mark moves to the
latest ``LastModified`` read and the next import, due at once, continues from there
(minus the overlap): nothing unread is skipped. Pages out of that order cannot be resumed
safely, so the mark stays and the import is reported failed. Every error and skipped
reason kept, logged or mailed goes through :func:`crossdock.core.redaction.redact`.

No transaction is held across an HTTP call: the store may be served by this very process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

import httpx
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
from django.utils import timezone

from crossdock.core.display import plural
from crossdock.core.redaction import redact
from crossdock.customstore.reader import ReadOrder, SkippedOrder
from crossdock.desk.accounts.models import DeskMembership
from crossdock.desk.orders.services import OrderOutOfRange, Outcome, upsert_order
from crossdock.desk.stores.client import (
    ExportWalk,
    StoreConnection,
    StoreError,
    make_client,
)
from crossdock.desk.stores.leases import Lease, claim
from crossdock.desk.stores.mapping import MappingError, StatusMapping
from crossdock.desk.stores.models import DeskStore, ImportRun
from crossdock.desk.stores.services import connection_of
from crossdock.platform.secrets import SecretUnreadable

logger = logging.getLogger(__name__)

#: Re-read this much before the mark: harmless (orders are recognised again) and it
#: catches orders a store committed late with an earlier ``LastModified``.
OVERLAP = timedelta(minutes=5)
#: While storing orders, the import renews its lease after this many orders.
RENEW_EVERY_ORDERS = 50
#: The longest wait between retries of a failing store.
MAX_RETRY_DELAY = timedelta(hours=1)
#: The most pages one import reads; a longer window continues in the next import.
MAX_PAGES_PER_IMPORT = 100
#: The most answer bytes one import reads (pages are read whole, so it may pass by one page).
MAX_IMPORT_BYTES = 200_000_000
#: The longest one import calls the store, wall clock (each call has its own deadline too).
IMPORT_DEADLINE = 600.0
#: The most skipped orders one import keeps (with a last line counting the rest).
MAX_SKIPPED_KEPT = 200
#: The longest error or skip reason kept.
REASON_CHARS = 300


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
    #: Why the import read only part of the window ("" when it read it all).
    note: str = ""


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


@dataclass(slots=True)
class _Fetched:
    orders: list[ReadOrder]
    skipped: list[SkippedOrder]
    error: str
    #: Why the walk stopped before the last page ("" when it read every page or failed).
    stopped: str


def _fetch_all(connection: StoreConnection, run: ImportRun, client: httpx.Client) -> _Fetched:
    """Every page in order, within the caps; stops at the first failing page with its error."""
    fetched = _Fetched([], [], "", "")
    walk = ExportWalk(
        client,
        connection,
        run.window_start,
        run.window_end,
        max_pages=MAX_PAGES_PER_IMPORT,
        deadline_seconds=IMPORT_DEADLINE,
        max_bytes=MAX_IMPORT_BYTES,
    )
    try:
        for page in walk:
            fetched.orders.extend(page.page.orders)
            fetched.skipped.extend(page.page.skipped)
    except StoreError as error:
        fetched.error = f"page {walk.pages_fetched + 1} of {walk.pages_total}: {error.message}"
    run.pages_total = walk.pages_total
    run.pages_fetched = walk.pages_fetched
    fetched.stopped = walk.stopped
    return fetched


def resume_mark(orders: list[ReadOrder], window_start: datetime) -> datetime | None:
    """Where an import cut short may resume without losing an order, if anywhere.

    Pages served in ``LastModified`` order put every unread order at or after the last one
    read, so the next window may start there; out of order, or no later than this window
    began, no mark is safe.
    """
    if not orders or any(a.last_modified > b.last_modified for a, b in pairwise(orders)):
        return None
    mark = orders[-1].last_modified.replace(second=0, microsecond=0)
    return mark if mark - OVERLAP > window_start else None


def _unique(orders: list[ReadOrder]) -> list[ReadOrder]:
    """De-duplicate by key; the copy with the latest ``LastModified`` wins (ties: the later)."""
    chosen: dict[str, ReadOrder] = {}
    for order in orders:
        current = chosen.get(order.key)
        if current is None or order.last_modified >= current.last_modified:
            chosen[order.key] = order
    return list(chosen.values())


@dataclass(slots=True)
class _Applied:
    skipped: list[SkippedOrder]
    #: Orders the database refused (locked, connection lost): the import must read them again.
    unstored: int = 0


def _apply(
    store: DeskStore, mapping: StatusMapping, run: ImportRun, orders: list[ReadOrder], lease: Lease
) -> _Applied:
    applied = _Applied([])
    skipped = applied.skipped
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
            skipped.append(SkippedOrder(read.order_number, f"could not be stored: {error}"))
            applied.unstored += 1
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
    return applied


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


def _kept(skipped: list[SkippedOrder], secrets: tuple[str, ...]) -> list[SkippedOrder]:
    """The skipped orders worth keeping: bounded in number and length, and redacted."""
    kept = [
        SkippedOrder(
            redact(s.order_number, secrets=secrets, limit=100),
            redact(s.reason, secrets=secrets, limit=REASON_CHARS),
        )
        for s in skipped[:MAX_SKIPPED_KEPT]
    ]
    if len(skipped) > MAX_SKIPPED_KEPT:
        rest = len(skipped) - MAX_SKIPPED_KEPT
        kept.append(SkippedOrder("…", f"and {rest} more skipped orders not listed"))
    return kept


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
    fetched = _Fetched([], [], "", "")
    secrets: tuple[str, ...] = ()
    try:
        mapping = store.status_mapping
        connection = connection_of(store)
    except (MappingError, SecretUnreadable) as problem:
        fetched.error = f"the store's settings are unusable: {problem}"
    else:
        secrets = (connection.password,)
        http = client or make_client()
        hooks = http.event_hooks
        _renewing(http, lease)
        try:
            fetched = _fetch_all(connection, run, http)
        finally:
            http.event_hooks = hooks
            if client is None:
                http.close()
    mark = end
    note = ""
    if fetched.stopped and not fetched.error:
        resumed = resume_mark(fetched.orders, start)
        if resumed is None:
            fetched.error = (
                f"{fetched.stopped}; the store's pages are not in LastModified order (or "
                "one minute holds them all), so the desk cannot continue from where it "
                "stopped — a larger page size on the store fixes this"
            )
        else:
            mark = resumed
            note = f"{fetched.stopped}; the next import continues from {resumed:%m/%d/%Y %H:%M} UTC"
    error = redact(fetched.error, secrets=secrets, limit=REASON_CHARS)
    skipped = list(fetched.skipped)
    unique = _unique(fetched.orders)
    run.fetched = len(unique) + len(skipped)
    if unique:
        applied = _apply(store, mapping, run, unique, lease)
        skipped.extend(applied.skipped)
        if applied.unstored and not error:
            # The mark must not pass an order that is not stored: the next import (after
            # the back-off) reads the window again, and the stored orders are recognised.
            error = (
                f"{plural(applied.unstored, 'order')} could not be stored (listed with the "
                "skipped orders); the desk reads them again in the next import"
            )
    kept = _kept(skipped, secrets)
    succeeded = not error
    finished = timezone.now()
    run.skipped = [{"order_number": s.order_number, "reason": s.reason} for s in kept]
    run.state = ImportRun.State.SUCCEEDED if succeeded else ImportRun.State.FAILED
    run.error = error
    run.note = note
    run.finished_at = finished
    run.mark_advanced = succeeded
    run.save()
    failures = 0 if succeeded else store.import_failures + 1
    changes: dict[str, object] = {
        "last_import_at": finished,
        "import_failures": failures,
    }
    if succeeded:
        due = finished if note else finished + timedelta(minutes=store.import_interval_minutes)
        changes.update(
            import_mark=mark,
            connection=DeskStore.Connection.OK,
            last_error="",
            last_error_at=None,
            next_import_at=due,
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
        skipped=tuple(kept),
        succeeded=succeeded,
        error=error,
        mark_advanced=succeeded,
        note=note,
    )
