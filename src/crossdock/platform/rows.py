"""Writing a model's row with one statement built once, for the hot paths.

Django builds every statement again on each call: for a ship notice's short INSERTs that
was 1–2 ms of CPU each (the compiler, each field's preparation), against a few hundredths
of a millisecond for the same SQL through ``connection.cursor()`` (``docs/performance.md``).
:func:`insert` keeps what the ORM does for a row (``auto_now`` and ``auto_now_add``, each
value through its field's own preparation for the database, the new primary key on the
instance) with the statement text built once per model and database.
Constraint violations raise :class:`django.db.IntegrityError`, as ``save()`` does.
"""

from __future__ import annotations

from functools import cache

from django.db import connections
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin


@cache
def _insert_of(
    model: type[Model], using: str
) -> tuple[str, tuple[Field[object, object], ...], bool]:
    """The INSERT of ``model``'s concrete columns, and whether the database gives the key
    (an auto-incremented key is left out and returned; any other, a UUID, is a value)."""
    meta = model._meta
    generated = isinstance(meta.pk, AutoFieldMixin)
    fields = tuple(field for field in meta.concrete_fields if not (generated and field.primary_key))
    ops = connections[using].ops
    names = ", ".join(ops.quote_name(str(field.column)) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Names from the model's own metadata, values as parameters: nothing from input.
    sql = f"INSERT INTO {ops.quote_name(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    if generated and meta.pk is not None:
        sql += f" RETURNING {ops.quote_name(str(meta.pk.column))}"
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
