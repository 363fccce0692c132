"""Inserts in one statement, written once per process: `INSERT … RETURNING`, `… ON CONFLICT …`.

- `insert_rows`: new rows of one model in one `INSERT … RETURNING id`, as
  `bulk_create` writes them, without compiling the statement each time
  (an order's rows, lines and events).
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

The ORM compiles an INSERT afresh for every call: ~0.3–0.5 ms of Python for
a row of twenty columns, where the statement takes ~0.05 ms. Here the
statement's text is written once per model and database (and per number
of rows), and each value goes through its field's `pre_save` and
`get_db_prep_save`, as the ORM's compiler sends it. A value that is an
expression (`Now()`, `F(…)`, a database default) or a field with its own
placeholder is left to the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import Field, Model
from django.db.models.fields import AutoFieldMixin
from django.db.models.sql import InsertQuery


@dataclass(frozen=True, slots=True)
class _Insert:
    """A model's INSERT on one database: its fields, `INSERT INTO t (…) VALUES`, one row's `(…)`."""

    fields: tuple[Field[Any, Any], ...]
    head: str
    row: str
    pk: str


@cache
def _insert_of(model: type[Model], alias: str, *, with_pk: bool) -> _Insert | None:
    """`model`'s INSERT on `alias` (its auto pk left to the database unless `with_pk`).

    None for what the ORM must write itself: a multi-table model, a field
    with its own placeholder (a geometry), a pk that is not an auto field.
    """
    meta = model._meta
    if meta.parents or not isinstance(meta.pk, AutoFieldMixin):
        return None
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if not field.generated and (with_pk or field is not meta.auto_field)
    )
    if any(getattr(field, "get_placeholder_sql", None) for field in fields):
        return None
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    return _Insert(
        fields=fields,
        head=f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES",
        row=f"({', '.join(['%s'] * len(fields))})",
        pk=quote(meta.pk.column),
    )


def _values(insert: _Insert, obj: Model) -> list[Any] | None:
    """`obj`'s parameters for `insert`, as the ORM's compiler prepares them.

    None when a value is an expression, which the ORM compiles into the statement.
    """
    values = []
    for field in insert.fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):
            return None
        values.append(field.get_db_prep_save(value, connection=connection))
    return values


def _insert_sql(obj: Model) -> tuple[str, list[Any]]:
    """The INSERT of `obj` (its fields' `pre_save` applied), without RETURNING."""
    insert = _insert_of(type(obj), connection.alias, with_pk=obj.pk is not None)
    values = None if insert is None else _values(insert, obj)
    if insert is not None and values is not None:
        return f"{insert.head} {insert.row}", values
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


def insert_rows[M: Model](objs: Sequence[M]) -> list[M]:
    """Insert new rows of one model as `bulk_create(objs)` does; returns them, their pks set.

    One `INSERT … VALUES (…), (…) RETURNING pk` (more in batches past the
    database's limit of parameters), in the order of `objs`, with no
    signals, like `bulk_create`. Objects that already have a pk, and what
    `_insert_of` leaves to the ORM, go through `bulk_create` itself.
    """
    if not objs:
        return []
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise ValueError("insert_rows writes the rows of one model at a time.")
    insert = _insert_of(model, connection.alias, with_pk=False)
    if insert is None or any(obj.pk is not None for obj in objs):
        return model._default_manager.bulk_create(objs)
    for obj in objs:  # as bulk_create: refuse an unsaved related object, take a saved one's pk
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
    rows = [_values(insert, obj) for obj in objs]
    if any(row is None for row in rows):
        return model._default_manager.bulk_create(objs)
    size = max(connection.ops.bulk_batch_size(list(insert.fields), objs), 1)
    batches = range(0, len(objs), size)
    pks: list[Any] = []
    atomic = transaction.atomic(savepoint=False) if len(batches) > 1 else nullcontext()
    with atomic, connection.cursor() as cursor:
        for start in batches:
            batch = rows[start : start + size]
            cursor.execute(
                f"{insert.head} {', '.join([insert.row] * len(batch))} RETURNING {insert.pk}",
                [value for row in batch for value in row or ()],
            )
            pks.extend(pk for (pk,) in cursor.fetchall())
    if len(pks) != len(objs):  # pragma: no cover - RETURNING gives one row per row inserted
        raise AssertionError(f"{len(objs)} rows inserted, {len(pks)} returned")
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return list(objs)


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
