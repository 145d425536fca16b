"""Statements for writing many rows of one model at once, without model instances.

``bulk_create`` and ``bulk_update`` build a model per row and prepare every value of it
through its field (most of a 100,000-row catalog import went there). A bulk writer that
has its values as the ORM would store them runs one fixed statement with ``executemany``
instead: :func:`insert_sql` and :func:`update_sql` name the table and columns from the
model's own metadata (never from input) and take every value as a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def _quoted(model: type[Model], columns: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    known = {field.column for field in model._meta.concrete_fields}
    unknown = [column for column in columns if column not in known]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    return quote(model._meta.db_table), [quote(column) for column in columns]


def insert_sql(model: type[Model], columns: Sequence[str]) -> str:
    """``INSERT`` of one row of ``columns`` into ``model``'s table, values as parameters."""
    table, names = _quoted(model, columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608 - names from the model


def update_sql(model: type[Model], columns: Sequence[str]) -> str:
    """``UPDATE`` of ``columns`` of the row whose primary key is the last parameter."""
    table, names = _quoted(model, columns)
    pk = model._meta.pk
    key = connection.ops.quote_name((pk.column or pk.attname) if pk is not None else "id")
    settings = ", ".join(f"{name} = %s" for name in names)
    return f"UPDATE {table} SET {settings} WHERE {key} = %s"  # noqa: S608 - names from the model
