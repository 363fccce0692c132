"""Sessions in the database, as Django keeps them, read with one lean statement (SESSION_ENGINE).

Django's database sessions (`django.contrib.sessions.backends.db`): the same
table, rows, encoding, expiry and writes. Only the read differs. Every
request of a signed-in customer (and of a visitor with a basket) loads its
session. Through the ORM that SELECT took 160 µs on SQLite and 280 µs on
PostgreSQL in one process, of which the database's part is about 10 and 80.
Here it is written once per process from the model's table and column names,
and it selects only the data (docs/benchmarks.md, "Session 15").

The async read (`aload`) stays Django's: nothing of ours awaits a session.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone

from comptoir.core.lean_reads import Names


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        """The session's data if its row exists and has not expired; else none, and no key."""
        data = _session_data(self.session_key) if self.session_key else None
        if data is None:
            # As Django's: a key that names no live session is dropped, so a
            # write creates a new one rather than reviving it.
            self._session_key = None
            return {}
        decoded: dict[str, Any] = self.decode(data)
        return decoded


def _session_data(session_key: str) -> str | None:
    connection = connections[router.db_for_read(Session)]
    with connection.cursor() as cursor:
        cursor.execute(
            _read_sql(connection.alias),
            [session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    return None if row is None else str(row[0])


@cache
def _read_sql(alias: str) -> str:
    names = Names(alias)

    def column(name: str) -> str:
        return names.column(Session, name)

    # The model's table and column names; values are parameters.
    return (
        f"SELECT {column('session_data')} FROM {names.table(Session)} "  # noqa: S608
        f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s"
    )
