"""Writing rows with statements built once, for the hot paths.

Django builds every statement again on each call: for a ship notice's short INSERTs that
was 1–2 ms of CPU each (the compiler, each field's preparation), against a few hundredths
of a millisecond for the same SQL through ``connection.cursor()``; ``bulk_create`` and
``bulk_update`` build a model per row and prepare every value through its field (most of a
100,000-row catalog import went there) (``docs/performance.md``).

- :func:`insert` writes one model instance as the ORM would (``auto_now`` and
  ``auto_now_add``, each value through its field's preparation, the new primary key on the
  instance) with the statement text built once per model and database; constraint
  violations raise :class:`django.db.IntegrityError`, as ``save()`` does.
- :func:`insert_sql` and :func:`update_sql` give the fixed statement a bulk writer runs with
  ``executemany`` when it already has its values as the ORM would store them.

Table and column names always come from the model's own metadata, never from input, and
every value is a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin


def _quoted(model: type[Model], columns: Sequence[str], using: str) -> tuple[str, list[str]]:
    quote = connections[using].ops.quote_name
    known = {field.column for field in model._meta.concrete_fields}
    unknown = [column for column in columns if column not in known]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    return quote(model._meta.db_table), [quote(column) for column in columns]


def insert_sql(model: type[Model], columns: Sequence[str], using: str = "default") -> str:
    """``INSERT`` of one row of ``columns`` into ``model``'s table, values as parameters."""
    table, names = _quoted(model, columns, using)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608 - names from the model


def update_sql(model: type[Model], columns: Sequence[str], using: str = "default") -> str:
    """``UPDATE`` of ``columns`` of the row whose primary key is the last parameter."""
    table, names = _quoted(model, columns, using)
    pk = model._meta.pk
    key = connections[using].ops.quote_name((pk.column or pk.attname) if pk is not None else "id")
    settings = ", ".join(f"{name} = %s" for name in names)
    return f"UPDATE {table} SET {settings} WHERE {key} = %s"  # noqa: S608 - names from the model


@cache
def _insert_of(
    model: type[Model], using: str
) -> tuple[str, tuple[Field[object, object], ...], bool]:
    """The INSERT of ``model``'s concrete columns, and whether the database gives the key
    (an auto-incremented key is left out and returned; any other, a UUID, is a value)."""
    meta = model._meta
    generated = isinstance(meta.pk, AutoFieldMixin)
    fields = tuple(field for field in meta.concrete_fields if not (generated and field.primary_key))
    sql = insert_sql(model, [str(field.column) for field in fields], using)
    if generated and meta.pk is not None:
        sql += f" RETURNING {connections[using].ops.quote_name(str(meta.pk.column))}"
    return sql, fields, generated


def insert(instance: Model, using: str = "default") -> None:
    """INSERT ``instance`` as a new row (and set its key when the database made it); for
    hot paths only.

    No signals are sent and no ``save()`` override runs (the models written this way have
    none that matter: check before using it for another model).
    """
    connection = connections[using]
    sql, fields, generated = _insert_of(type(instance), using)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if generated:
            (instance.pk,) = cursor.fetchone()
    instance._state.adding = False
    instance._state.db = using
