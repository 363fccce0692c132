"""Writes the ORM spreads over several statements, in one: `INSERT … ON CONFLICT …`.

- `insert_unless_taken`: insert a row unless its key is taken
  (`ON CONFLICT (key) DO NOTHING RETURNING id`). A checkout's token and an
  e-mail's key are written this way.
- `insert_or_add`: a guarded counter keyed by a unique constraint (a slot's
  bookings, a product's daily quota), created at its first use (`ON CONFLICT
  (key) DO UPDATE SET n = n + excluded.n WHERE n + excluded.n <= limit`).

The ORM's way, inside a caller's transaction, puts a savepoint around the
INSERT so that a duplicate's error does not break the transaction, and the
counter first tries an UPDATE, then checks whether the row exists: up to
five statements, each a round trip on PostgreSQL. Both databases say each of
these in one statement (SQLite since 3.35), and the database settles a race
between two transactions inserting the same key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.sql import InsertQuery


def _insert_sql(obj: Model) -> tuple[str, list[Any]]:
    """The ORM's INSERT of `obj` (its fields' `pre_save` applied), without RETURNING."""
    meta = obj._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and not (field is meta.auto_field and obj.pk is None)
    ]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def _column(obj: Model, name: str) -> str:
    """The quoted column of the model field `name` (a foreign key's `…_id`)."""
    field = obj._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{name!r} is not a column of {obj._meta.label}.")
    return connection.ops.quote_name(column)


def _columns(obj: Model, names: Sequence[str]) -> str:
    return ", ".join(_column(obj, name) for name in names)


def insert_unless_taken(obj: Model, *, key: Sequence[str]) -> bool:
    """Insert `obj`'s row, or nothing if a row with the same `key` fields exists.

    `key` names the fields of a unique constraint of the model. Returns True,
    with `obj.pk` set as `save()` sets it, when the row was inserted; False
    when the key was taken (on PostgreSQL, by a transaction that committed
    while this one waited for it). Any other integrity error (a check, a
    foreign key) raises, as the ORM's INSERT would.
    """
    sql, params = _insert_sql(obj)
    pk = _column(obj, obj._meta.pk.name)
    statement = f"{sql} ON CONFLICT ({_columns(obj, key)}) DO NOTHING RETURNING {pk}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True


def insert_or_add(obj: Model, *, key: Sequence[str], field: str, limit: int) -> bool:
    """Add `obj.<field>` to the counter of the row with `obj`'s `key`, if it stays <= `limit`.

    The row is created with `obj`'s values when there is none yet. Returns
    True when the amount was added (or the row created), False when it would
    pass `limit`: then nothing is written. `key` names the fields of a unique
    constraint of the model.
    """
    amount = getattr(obj, field)
    if amount > limit:
        return False
    sql, params = _insert_sql(obj)
    table, column = connection.ops.quote_name(obj._meta.db_table), _column(obj, field)
    statement = (
        f"{sql} ON CONFLICT ({_columns(obj, key)}) "
        f"DO UPDATE SET {column} = {table}.{column} + excluded.{column} "
        f"WHERE {table}.{column} + excluded.{column} <= %s RETURNING {column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, limit])
        return cursor.fetchone() is not None
