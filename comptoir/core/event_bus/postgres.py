"""PostgreSQL LISTEN/NOTIFY: every server process hears every other.

Publishing uses its own small autocommit connection (one per process, behind
a lock), so it works whatever the Django database is and never joins a
transaction: `publish_after_commit` calls it once the data is committed.
Listening uses one async connection per event loop (see remote.py).
Payloads are JSON, well under NOTIFY's 8,000-byte limit.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import psycopg
from django.conf import settings
from psycopg import sql

from comptoir.core.event_bus.remote import Listener, RemoteBus, encode, wire_name
from comptoir.core.events import Event

logger = logging.getLogger("comptoir.event_bus")
#: Seconds a publisher waits for the server: a page must not hang on a dead bus.
PUBLISH_TIMEOUT = 2


def with_keepalives(dsn: str) -> str:
    """`dsn` (URL or key=value) with TCP keepalives: a silently dead peer is noticed."""
    return psycopg.conninfo.make_conninfo(
        dsn, keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3
    )


def dsn_from_settings() -> str:
    """The Django database's PostgreSQL server, as a connection string."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("EVENT_BUS=postgres needs DATABASE_URL to point at PostgreSQL.")
    parts = {
        "dbname": db.get("NAME") or "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in parts.items() if v})


class PostgresListener(Listener):
    conn: psycopg.AsyncConnection | None = None

    def __init__(self, bus: PostgresBus) -> None:
        super().__init__(bus.fanout, bus._stopped)
        self.dsn = bus.dsn

    async def connect(self) -> None:
        self.conn = await psycopg.AsyncConnection.connect(
            with_keepalives(self.dsn),
            autocommit=True,
            application_name="comptoir-events",
            connect_timeout=5,
        )

    async def disconnect(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            await conn.close()

    async def serve(self) -> None:
        assert self.conn is not None
        conn = self.conn
        listening: set[str] = set()
        first = True
        while True:
            self.take_changes()
            wanted = self.wanted()
            if not wanted:
                return
            for channel in sorted(wanted - listening):
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(wire_name(channel))))
            for channel in sorted(listening - wanted):
                await conn.execute(
                    sql.SQL("UNLISTEN {}").format(sql.Identifier(wire_name(channel)))
                )
            listening = wanted
            self.mark_ready(listening)
            if first:
                first = False
                self.resync_after_reconnect()
            # psycopg's notifies() holds the connection: stop reading to LISTEN more.
            reader = asyncio.ensure_future(self._read(conn))
            changed = asyncio.ensure_future(self.changed())
            done, _ = await asyncio.wait({reader, changed}, return_when=asyncio.FIRST_COMPLETED)
            for task in (reader, changed):
                task.cancel()
            await asyncio.gather(reader, changed, return_exceptions=True)
            if reader in done and not reader.cancelled() and reader.exception() is not None:
                raise reader.exception()  # type: ignore[misc]

    async def _read(self, conn: psycopg.AsyncConnection) -> None:
        async for notify in conn.notifies():
            self.dispatch(notify.payload)
        raise psycopg.OperationalError("the notification stream ended")


class PostgresBus(RemoteBus):
    def __init__(self, dsn: str) -> None:
        super().__init__()
        self.dsn = dsn
        self._publisher: psycopg.Connection | None = None
        self._publish_lock = threading.Lock()

    def make_listener(self) -> Listener:
        return PostgresListener(self)

    def publish(self, event: Event) -> None:
        query = "SELECT pg_notify(%s, %s)"
        params = (wire_name(event.channel), encode(event))
        with self._publish_lock:
            for attempt in (1, 2):
                try:
                    if self._publisher is None or self._publisher.closed:
                        self._publisher = psycopg.connect(
                            with_keepalives(self.dsn),
                            autocommit=True,
                            application_name="comptoir-events-publish",
                            connect_timeout=PUBLISH_TIMEOUT,
                        )
                    self._publisher.execute(query, params)
                    return
                except psycopg.OperationalError:
                    # A dropped connection: reconnect once, then give up loudly.
                    self._close_publisher()
                    if attempt == 2:
                        raise

    def _close_publisher(self) -> None:
        if self._publisher is not None:
            publisher, self._publisher = self._publisher, None
            try:
                publisher.close()
            except psycopg.Error:
                logger.debug("closing a broken publisher connection failed", exc_info=True)

    def close(self) -> None:
        with self._publish_lock:
            self._close_publisher()
