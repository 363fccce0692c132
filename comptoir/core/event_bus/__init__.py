"""The event bus: `publish` from any thread or process, `subscribe` on an event loop.

    get_bus().publish(Event("shop.12", "order", {...}))      # sync, any thread

    async with get_bus().subscribe(["shop.12"]) as events:   # on the server's loop
        async for event in events:
            ...

`subscribe` returns once the subscription is live: an event published after
that reaches it. Streams rely on this to send `hello` only once listening, so
a client that re-reads the database on `hello` misses nothing.

Backends (settings.EVENT_BUS, docs/configuration.md):

- "inprocess" (default): subscribers in this process only. Right for one
  server process; events published by another process (the task worker, a
  second granian worker) are not heard.
- "postgres": LISTEN/NOTIFY on the PostgreSQL server of DATABASE_URL.
- "redis": pub/sub on REDIS_URL, channels prefixed with a name derived from
  the database (`database_namespace`), as PostgreSQL's NOTIFY is scoped to
  its database.

Every subscriber has a bounded queue. A subscriber that falls behind (a
stalled client) loses its queued events and gets one `resync` event instead:
the stream forwards it and the client re-reads everything, as after a
reconnect. After a PostgreSQL/Redis listener reconnects (events may have been
published while it was down), every local subscriber gets `resync` too.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable
from typing import Protocol

from django.conf import settings

from comptoir.core.event_bus.fanout import RESYNC, Subscription
from comptoir.core.events import Event

__all__ = ["RESYNC", "Bus", "Event", "Subscription", "bus_from_settings", "get_bus", "set_bus"]


class Bus(Protocol):
    def publish(self, event: Event) -> None:
        """Send `event` to every subscriber of its channel; callable from any sync thread."""

    def subscribe(self, channels: Iterable[str]) -> Subscription:
        """An async iterator of the events of `channels` (and an async context manager)."""

    def close(self) -> None:
        """Release connections (publishing side); listeners stop with their last subscriber."""


_bus: Bus | None = None
_lock = threading.Lock()


def bus_from_settings() -> Bus:
    kind = str(getattr(settings, "EVENT_BUS", "inprocess"))
    if kind == "inprocess":
        from comptoir.core.event_bus.inprocess import InProcessBus

        return InProcessBus()
    if kind == "postgres":
        from comptoir.core.event_bus.postgres import PostgresBus, dsn_from_settings

        return PostgresBus(dsn_from_settings())
    if kind == "redis":
        from comptoir.core.event_bus.redis_bus import RedisBus

        return RedisBus(str(settings.REDIS_URL), namespace=database_namespace())
    raise ValueError(f"Unknown EVENT_BUS {kind!r}: use inprocess, postgres or redis.")


def database_namespace() -> str:
    """A short name for this site's database: events about its rows are for it alone."""
    db = settings.DATABASES["default"]
    identity = f"{db['ENGINE']}:{db.get('HOST', '')}:{db.get('PORT', '')}:{db['NAME']}"
    return f"comptoir-{zlib.crc32(identity.encode()):08x}"


def get_bus() -> Bus:
    """The process's bus, built from settings on first use."""
    global _bus
    if _bus is None:
        with _lock:
            if _bus is None:
                _bus = bus_from_settings()
    return _bus


def set_bus(bus: Bus | None) -> Bus | None:
    """Replace the process's bus (tests); returns the previous one. None: rebuild lazily."""
    global _bus
    with _lock:
        previous, _bus = _bus, bus
    return previous
