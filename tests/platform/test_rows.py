"""``platform.rows.insert``: one prepared INSERT that stores what ``save()`` would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from crossdock.platform.models import AuthThrottle
from crossdock.platform.rows import insert

STARTED = datetime(2026, 11, 30, 3, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.django_db
def test_an_inserted_row_reads_back_as_saved_and_the_instance_has_its_key() -> None:
    # given a new row as a model instance
    row = AuthThrottle(key="k" * 64, failures=3, window_started_at=STARTED)
    # when it is inserted
    insert(row)
    # then the instance has its key, is no longer new, and the stored row equals it
    assert row.pk is not None
    assert row._state.adding is False
    stored = AuthThrottle.objects.get(pk=row.pk)
    assert (stored.key, stored.failures, stored.window_started_at, stored.locked_until) == (
        "k" * 64,
        3,
        STARTED,
        None,
    )


@pytest.mark.django_db
def test_a_row_breaking_a_unique_constraint_raises_and_stores_nothing() -> None:
    # given a stored row
    insert(AuthThrottle(key="same", failures=1, window_started_at=STARTED))
    # when a second row with the same unique key is inserted
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(AuthThrottle(key="same", failures=9, window_started_at=STARTED))
    # then the first row is unchanged and alone
    assert list(AuthThrottle.objects.values_list("key", "failures")) == [("same", 1)]
