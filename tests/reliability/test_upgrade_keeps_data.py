"""Upgrades keep data: rows written under the previous release's schema survive migrating.

A fresh database is migrated to :data:`PREVIOUS_RELEASE`, the migration nodes of every
Crossdock app as of the last landed commit (``b3bffaa`` on ``main``, 29 Nov 2026). One row
of every model of those apps is written through the *historical* models of that state
(so the test keeps working when a later migration changes a model), then the database is
migrated forward to the latest migrations, and every row must still be there with every
value of every column that both schemas have.

When a release ships, move :data:`PREVIOUS_RELEASE` to its nodes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

#: Every Crossdock app's last migration as of commit b3bffaa (29 Nov 2026).
PREVIOUS_RELEASE = [
    ("accounts", "0001_initial"),
    ("channels", "0004_drop_default_copies"),
    ("orders", "0003_event_messages_in_words"),
    ("fulfillment", "0002_fulfillment_over_shipped_units"),
    ("shipstation", "0003_auth_throttle_moves_to_platform"),
    ("platform", "0001_sign_in_throttle"),
    ("sandbox", "0001_initial"),
    ("desk_accounts", "0001_initial"),
    ("desk_stores", "0008_import_lease"),
    ("desk_orders", "0001_initial"),
    ("desk_shipments", "0001_initial"),
]
APPS = [label for label, _ in PREVIOUS_RELEASE]
MOMENT = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)


def _value(field: models.Field[Any, Any], model: type[models.Model], made: dict[str, Any]) -> Any:
    """A valid value for ``field`` of the only row of ``model``."""
    if field.is_relation:
        target = field.related_model._meta.label_lower  # type: ignore[union-attr]
        return made.get(target)
    if field.choices:
        return field.choices[0][0]
    name = model._meta.model_name
    match field:
        case models.EmailField():
            return f"{name}@example.com"
        case models.URLField():
            return f"https://example.com/{name}"
        case models.CharField() | models.TextField() | models.SlugField():
            return f"{name}-{field.name}"[: field.max_length or 100]
        case models.BooleanField():
            return True
        case models.DecimalField():
            return Decimal("1.25")
        case models.FloatField():
            return 1.5
        case models.IntegerField() | models.BigIntegerField() | models.SmallIntegerField():
            return 3
        case models.DateTimeField():
            return MOMENT
        case models.DateField():
            return date(2026, 11, 20)
        case models.TimeField():
            return time(17, 30)
        case models.DurationField():
            return timedelta(minutes=5)
        case models.UUIDField():
            return uuid.UUID(int=7)
        case models.BinaryField():
            return b"bytes"
        case models.JSONField():
            return {"kept": [1, "two"]}
    raise AssertionError(f"add a value for {type(field).__name__} ({model._meta.label})")


def _fill(apps: Apps) -> dict[str, Any]:
    """One row of every model of :data:`APPS` (and a user), parents first."""
    wanted = [model for model in apps.get_models() if model._meta.app_label in APPS]
    user_model = apps.get_model("auth", "User")
    made: dict[str, Any] = {
        "auth.user": user_model.objects.create(username="keeper@example.com", email="k@x.test")
    }
    while wanted:
        ready = [
            model
            for model in wanted
            if all(
                field.related_model._meta.label_lower in made  # type: ignore[union-attr]
                or field.null
                for field in model._meta.concrete_fields
                if field.is_relation
            )
        ]
        assert ready, f"cannot order {[model._meta.label for model in wanted]}"
        for model in ready:
            values = {
                field.attname if not field.is_relation else field.name: _value(field, model, made)
                for field in model._meta.concrete_fields
                if not isinstance(field, models.AutoField)
            }
            made[model._meta.label_lower] = model._default_manager.create(**values)
            wanted.remove(model)
    return made


def _rows(apps: Apps) -> dict[str, dict[Any, dict[str, Any]]]:
    return {
        model._meta.label_lower: {
            row["id"]: row for row in model._default_manager.values() if "id" in row
        }
        for model in apps.get_models()
        if model._meta.app_label in [*APPS, "auth"]
    }


@pytest.mark.django_db(transaction=True)
def test_migrating_from_the_previous_release_keeps_every_row_and_value() -> None:
    # given a database at the previous release, one row in every table
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS_RELEASE)
    old_apps = executor.loader.project_state(PREVIOUS_RELEASE).apps
    made = _fill(old_apps)
    before = _rows(old_apps)

    # when the database is migrated to the latest schema
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
    after = _rows(executor.loader.project_state(latest).apps)

    # then every row is there with every value of every column both schemas have
    assert len(made) > 30
    for table, rows in before.items():
        assert table in after, f"table {table} is gone"
        assert set(after[table]) >= set(rows), f"rows of {table} are gone"
        for row_id, row in rows.items():
            kept = {
                name: after[table][row_id][name] for name in row if name in after[table][row_id]
            }
            assert kept == {name: row[name] for name in kept}, table
