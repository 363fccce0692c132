"""Who a session's user is, read with one lean statement (AUTHENTICATION_BACKENDS).

Django's `ModelBackend` checks passwords and reads the user of each request's
session. Every request of a signed-in customer makes that read, and through
the ORM it cost 137 µs on SQLite and 234 µs on PostgreSQL in one process,
where the statement itself takes ~18 and ~90 (docs/benchmarks.md, "Session
15"). `SessionUserBackend` reads the same row with a statement written once
per process from the model's table and columns (core/lean_reads.py), and
refuses an inactive user as `ModelBackend` does.

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

from comptoir.core.lean_reads import Names, build, select_list
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
    with connection.cursor() as cursor:
        cursor.execute(_read_sql(connection.alias), [pk])
        row = cursor.fetchone()
    return None if row is None else build(User, connection.alias, row)


@cache
def _read_sql(alias: str) -> str:
    names = Names(alias)
    table = names.table(User)
    columns = select_list(User, alias, table)
    # The model's table and column names; the value is a parameter.
    return f"SELECT {columns} FROM {table} WHERE {table}.{names.column(User, 'id')} = %s"  # noqa: S608
