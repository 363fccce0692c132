"""Who a session's user is, read with one lean statement (AUTHENTICATION_BACKENDS).

Django's `ModelBackend` checks passwords and reads the user of each request's
session. Every request of a signed-in customer makes that read, and through
the ORM it cost 137 µs on SQLite and 234 µs on PostgreSQL in one process,
where the statement itself takes ~18 and ~90 (docs/benchmarks.md, "Session
15"). `SessionUserBackend` reads the same row with a statement written once
per process from the model's table and columns, and refuses an inactive
user as `ModelBackend` does.

Log-ins name it (`LOGIN_BACKEND`), so the sessions they open read their user
through it. `ModelBackend` stays first in AUTHENTICATION_BACKENDS: sessions
opened before keep their user, and it alone checks passwords (this backend
checks none, so a wrong password is hashed once, not once per backend).
Django still checks each session against its user's password hash after
either read (`django.contrib.auth.get_user`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db import connections, router

from comptoir.domain.accounts.models import User

#: The backend a log-in names: its sessions' user is read by `SessionUserBackend`.
LOGIN_BACKEND = "comptoir.domain.accounts.backends.SessionUserBackend"


class SessionUserBackend(BaseBackend):
    def get_user(self, user_id: Any) -> User | None:
        """The active user `user_id`, or None (no such user, or deactivated)."""
        user = user_by_pk(user_id)
        return user if user is not None and user.is_active else None


def user_by_pk(pk: Any) -> User | None:
    """The user row `pk` as a model instance (every column), in one statement; None if none."""
    connection = connections[router.db_for_read(User)]
    names, sql = _read(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [
        converter(value) if converter else value
        for converter, value in zip(_converters(connection.alias), row, strict=True)
    ]
    return User.from_db(connection.alias, names, values)


@cache
def _read(alias: str) -> tuple[list[str], str]:
    """The fields' attribute names, and the statement reading their columns by primary key."""
    quote = connections[alias].ops.quote_name
    fields = User._meta.concrete_fields
    columns = ", ".join(quote(str(field.column)) for field in fields)
    table, pk = quote(User._meta.db_table), quote(str(User._meta.pk.column))
    # The model's table and column names; the value is a parameter.
    sql = f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608
    return [field.attname for field in fields], sql


@cache
def _converters(alias: str) -> list[Any]:
    """Per column, what turns the driver's value into the field's (as the ORM does), or None."""
    connection = connections[alias]
    converters = []
    for field in User._meta.concrete_fields:
        column = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converters.append(_chain(found, column, connection) if found else None)
    return converters


def _chain(found: list[Any], column: Any, connection: Any) -> Any:
    def convert(value: Any) -> Any:
        for converter in found:
            value = converter(value, column, connection)
        return value

    return convert
