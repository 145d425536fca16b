"""``platform.rows``: one prepared INSERT that stores what ``save()`` would; the fixed
statements bulk writers run with ``executemany``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from crossdock.platform.models import AuthThrottle
from crossdock.platform.rows import insert, insert_sql, update_sql

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


@pytest.mark.django_db
def test_bulk_statements_write_many_rows_and_update_one_by_its_key() -> None:
    # given the INSERT and UPDATE of two columns of the model
    columns = ("key", "failures", "window_started_at")
    # when two rows are inserted with executemany and one of them updated
    with connection.cursor() as cursor:
        cursor.executemany(
            insert_sql(AuthThrottle, columns),
            [("a", 1, STARTED.replace(tzinfo=None)), ("b", 2, STARTED.replace(tzinfo=None))],
        )
        first = AuthThrottle.objects.get(key="a").pk
        cursor.execute(update_sql(AuthThrottle, ("failures",)), [7, first])
    # then both rows are stored and only the named one changed
    assert sorted(AuthThrottle.objects.values_list("key", "failures")) == [("a", 7), ("b", 2)]


def test_a_column_the_model_lacks_is_refused_by_name() -> None:
    # given a column that is not one of the model's
    # when its statement is asked for
    with pytest.raises(ValueError, match="AuthThrottle has no column nope"):
        insert_sql(AuthThrottle, ("key", "nope"))
