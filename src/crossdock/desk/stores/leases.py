"""The import lease: which import holds a store, and for how long without a sign of life.

An import claims its store with a short lease and renews it before every call to the store
and while it stores orders; a worker that dies stops renewing, so the store is free again
within :data:`LEASE` instead of staying locked. The lease's start (``importing_since``)
identifies its holder: a renewal or release by an import that lost its lease changes
nothing. A claim may also be limited to ``account_limit`` live leases per desk account, so
one account's slow stores cannot take every import worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crossdock.core.display import plural
from crossdock.desk.accounts.models import DeskAccount
from crossdock.desk.stores.errors import (
    AccountImportsBusy,
    ImportAlreadyRunning,
    ImportLeaseLost,
    StoreNotFound,
)
from crossdock.desk.stores.models import DeskStore, ImportRun

#: How long an import holds its store without renewing. Longer than the slowest single
#: call to a store (its own deadline) so a live import never loses it between renewals.
LEASE = timedelta(minutes=2)
ABANDONED = "the import stopped before it finished (its worker stopped; the store was freed)"


def is_free(now: datetime) -> Q:
    """Stores no live import holds (never claimed, released, or whose lease ran out)."""
    return (
        Q(importing_since__isnull=True)
        | Q(import_lease_until__isnull=True)
        | Q(import_lease_until__lt=now)
    )


@dataclass(frozen=True, slots=True)
class Lease:
    """A held lease on one store; ``since`` tells this holder from any later one."""

    store_id: int
    since: datetime

    def _held(self) -> Q:
        return Q(pk=self.store_id, importing_since=self.since)

    def renew(self, now: datetime | None = None) -> None:
        """Extend the lease by :data:`LEASE`; raises :class:`ImportLeaseLost` if it is gone."""
        until = (now or timezone.now()) + LEASE
        if not DeskStore.objects.filter(self._held()).update(import_lease_until=until):
            raise ImportLeaseLost("the import lost its hold on the store to another import")

    def release(self, **changes: object) -> bool:
        """Free the store, applying ``changes`` with it, only if this lease still holds it."""
        updated = DeskStore.objects.filter(self._held()).update(
            importing_since=None, import_lease_until=None, **changes
        )
        return bool(updated)


def release_abandoned_runs(now: datetime, *, store_id: int | None = None) -> int:
    """Mark failed the runs still "running" on a store no live import holds.

    A run is created after its import claims the store and finished before the import
    frees it, so a running run on a free store belongs to an import whose worker died. The
    next claim of the store does this for its own store; the periodic tick does it for
    every store whose lease ran out unreleased (only a dead import leaves one: a few
    stores, however long the history), so a run is not listed "running" until the store
    happens to import again (never, with auto-import off).
    """
    runs = ImportRun.objects.filter(state=ImportRun.State.RUNNING)
    if store_id is not None:
        runs = runs.filter(store_id=store_id)
    else:
        dead = DeskStore.objects.filter(is_free(now), importing_since__isnull=False)
        runs = runs.filter(store__in=dead)
    return runs.update(state=ImportRun.State.FAILED, finished_at=now, error=ABANDONED)


def claim(store_id: int, now: datetime, *, account_limit: int | None = None) -> Lease:
    """Claim a store for an import at ``now``.

    Raises :class:`ImportAlreadyRunning` while another import's lease is live, and
    :class:`AccountImportsBusy` when the account already holds ``account_limit`` live
    leases. Runs an expired lease left were abandoned: they are marked failed.
    """
    with transaction.atomic():
        account_id = (
            DeskStore.objects.filter(pk=store_id).values_list("account_id", flat=True).first()
        )
        if account_id is None:
            raise StoreNotFound(f"no store {store_id}")
        # The account row serialises claims of its stores, so the limit holds under races.
        DeskAccount.objects.select_for_update().filter(pk=account_id).first()
        store = DeskStore.objects.select_for_update().get(pk=store_id)
        if (
            store.importing_since is not None
            and not DeskStore.objects.filter(is_free(now), pk=store_id).exists()
        ):
            raise ImportAlreadyRunning("an import of this store is already running")
        if account_limit is not None:
            busy = (
                DeskStore.objects.filter(account_id=account_id)
                .exclude(is_free(now))
                .exclude(pk=store_id)
                .count()
            )
            if busy >= account_limit:
                raise AccountImportsBusy(
                    f"this desk account already runs {plural(busy, 'import')} at once; "
                    "this one waits its turn"
                )
        release_abandoned_runs(now, store_id=store_id)
        DeskStore.objects.filter(pk=store_id).update(
            importing_since=now, import_lease_until=now + LEASE
        )
    return Lease(store_id, now)
