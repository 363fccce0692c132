"""Model instances read by a statement written once per process, not compiled by the ORM each time.

For the few reads every request makes (a session's user, the published shop
of a shop page): the ORM compiles each queryset afresh, ~0.15–0.25 ms of
Python, where the statement itself takes 0.01–0.1 ms. A caller writes its
statement once (cached per database alias) from what this module gives:

- `select_list(model, alias, table)`: every concrete column of `model`,
  quoted, as `table.column, …`; `select_lists(alias, (model, table), …)`
  those of a join's models in turn, for `build_joined`;
- `build(model, alias, values)`: the instance of one row's values for
  those columns, each turned into its field's value by the same converters
  the ORM applies (the backend's, then the field's `from_db_value`), and
  marked as loaded from the database (`Model.from_db`);
- `read_one(models, statement, params, missing=…)`: the one row a
  statement reads, as `build_joined` splits it, or the first model's
  `DoesNotExist`;
- `build_joined(alias, row, models)`: the instances of a joined row whose
  select list is each model's `select_list` in turn (`None` for a model an
  outer join did not find), optionally reusing instances already built
  from the read's earlier rows; `attach` wires one to another as
  `select_related` would;
- `convert_values(model, alias, names, values)`: a row of a few of a
  model's columns (`names`, its fields' attribute names) turned into their
  fields' values, as `values_list` gives them;
- `Names(alias)`: a model's table and a field's column, quoted, for the
  rest of the statement.

Values go to the database as parameters, never into the statement's text.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

Converter = Callable[[Any], Any]


class Names:
    """Quoted table and column names of models on the database `alias`."""

    def __init__(self, alias: str) -> None:
        self._quote = connections[alias].ops.quote_name

    def table(self, model: type[Model]) -> str:
        return self._quote(model._meta.db_table)

    def column(self, model: type[Model], name: str) -> str:
        """The column of `model`'s field `name` (a foreign key's: its `_id` column)."""
        field = model._meta.get_field(name)
        if not isinstance(field, Field):
            raise TypeError(f"{model.__name__}.{name} is not a column.")
        return self._quote(str(field.column))


@cache
def select_list(model: type[Model], alias: str, table: str) -> str:
    """`table.column, …` for every concrete column of `model`, in field order."""
    quote = connections[alias].ops.quote_name
    return ", ".join(f"{table}.{quote(str(field.column))}" for field in model._meta.concrete_fields)


def select_lists(alias: str, *tables: tuple[type[Model], str]) -> str:
    """Each (model, table)'s `select_list` in turn: the columns `build_joined` splits."""
    return ", ".join(select_list(model, alias, table) for model, table in tables)


def build[M: Model](model: type[M], alias: str, values: Sequence[Any]) -> M:
    """The instance of `model` whose columns (in `select_list`'s order) hold `values`.

    As `Model.from_db` makes it, in a tenth of the time for a model that
    allows it (`_plain`): the values go straight into the instance, where
    `Model.__init__` set them one by one through each field's descriptor
    (~10 µs for a product of 24 columns; a cold shop page builds 60).
    """
    names, converters = _fields(model, alias)
    converted = [
        convert(value) if convert is not None else value
        for convert, value in zip(converters, values, strict=True)
    ]
    if not _plain(model) or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(alias, names, converted)
    instance = model.__new__(model)
    instance.__dict__.update(zip(names, converted, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, alias
    return instance


#: The attributes a field may have for `build` to set its value straight: on
#: a new instance, each only stores the value (or, a foreign key's, clears a
#: related instance not yet cached; an image's, sizes a file it replaces).
STORING_DESCRIPTORS = frozenset(
    {DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor, ImageFileDescriptor}
)


@cache
def _plain(model: type[Model]) -> bool:
    """Whether `model.from_db` makes nothing but the instance holding its values.

    Not if the model makes its instances its own way (`__init__`,
    `from_db`), or a field's attribute is not one of `STORING_DESCRIPTORS`
    (a descriptor of our own could convert the value). The signals that
    `__init__` sends are checked at each `build`: a receiver may be
    connected later.
    """
    if model.__init__ is not Model.__init__:
        return False
    if model.from_db.__func__ is not Model.from_db.__func__:  # type: ignore[attr-defined]
        return False
    return all(
        type(inspect.getattr_static(model, field.attname, None)) in STORING_DESCRIPTORS
        for field in model._meta.concrete_fields
    )


def convert_values(
    model: type[Model], alias: str, names: tuple[str, ...], values: Sequence[Any]
) -> tuple[Any, ...]:
    """`values`, the columns of `model`'s fields `names` (attribute names), each as its field's."""
    converters = _converters_of(model, alias, names)
    return tuple(
        convert(value) if convert is not None else value
        for convert, value in zip(converters, values, strict=True)
    )


type Known = dict[tuple[type[Model], Any], Model]


def build_joined(
    alias: str, row: Sequence[Any], models: Sequence[type[Model]], *, known: Known | None = None
) -> list[Any]:
    """One instance per model of a joined row, its columns `select_list` of each model in turn.

    A model whose primary key is NULL (an outer join found no row) gives
    `None`. With `known` (one dict for all the rows of a read), a row whose
    primary key was already built gives that instance again, so that the
    lines of one shop share its instance.
    """
    instances: list[Any] = []
    start = 0
    for model in models:
        width, key_at = _shape(model)
        values = row[start : start + width]
        start += width
        key = values[key_at]
        if key is None:
            instances.append(None)
        elif known is None:
            instances.append(build(model, alias, values))
        else:
            instance = known.get((model, key))
            if instance is None:
                instance = known[model, key] = build(model, alias, values)
            instances.append(instance)
    if start != len(row):
        raise ValueError(f"The row has {len(row)} columns; the models take {start}.")
    return instances


def read_one(
    models: Sequence[type[Model]],
    statement: Callable[[str], str],
    params: Sequence[Any],
    *,
    missing: str,
) -> list[Any]:
    """The instances (`build_joined`) of the one row `statement(alias)` reads with `params`.

    On the database the first of `models` is read from; its `DoesNotExist`
    (saying `missing`) when there is no row.
    """
    connection = connections[router.db_for_read(models[0])]
    with connection.cursor() as cursor:
        cursor.execute(statement(connection.alias), params)
        row = cursor.fetchone()
    if row is None:
        raise models[0].DoesNotExist(missing)  # type: ignore[attr-defined] # every model has one
    return build_joined(connection.alias, row, models)


def attach(instance: Model, name: str, related: Model | None) -> None:
    """Set `instance`'s relation `name` to `related`, as `select_related` would (no query)."""
    type(instance)._meta.get_field(name).set_cached_value(instance, related)  # type: ignore[union-attr]


@cache
def _shape(model: type[Model]) -> tuple[int, int]:
    """How many concrete columns `model` has, and where its primary key is among them."""
    fields = model._meta.concrete_fields
    return len(fields), fields.index(model._meta.pk)


@cache
def _fields(model: type[Model], alias: str) -> tuple[list[str], list[Converter | None]]:
    """Each concrete field's attribute name, and what turns its column's value into its own."""
    names = [field.attname for field in model._meta.concrete_fields]
    return names, list(_converters_of(model, alias, tuple(names)))


@cache
def _converters_of(
    model: type[Model], alias: str, names: tuple[str, ...]
) -> tuple[Converter | None, ...]:
    """What turns each column of the fields `names` (attribute names) into the field's value."""
    connection = connections[alias]
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    converters = []
    for name in names:
        column = by_name[name].get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append(_chain(found, column, connection) if found else None)
    return tuple(converters)


def _chain(found: list[Any], column: Any, connection: Any) -> Converter:
    def convert(value: Any) -> Any:
        for converter in found:
            value = converter(value, column, connection)
        return value

    return convert
