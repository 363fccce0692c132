"""Shared machinery of the multi-process backends (PostgreSQL, Redis).

Each event loop (in the server: each granian worker process) runs one
`Listener`: a single connection listening to every channel its local
subscribers want. It starts with the first subscriber and stops with the
last. When its connection drops, it reconnects with a short backoff,
listens again, and sends `resync` to its subscribers (anything published
meanwhile was missed; clients re-read the database).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from comptoir.core.event_bus.fanout import FanOut, Subscription
from comptoir.core.events import Event

logger = logging.getLogger("comptoir.event_bus")

#: How long `subscribe` waits for the listener to confirm before going on anyway.
READY_TIMEOUT = 5.0
MAX_BACKOFF = 5.0
PREFIX = "comptoir_"
MAX_NAME = 63  # PostgreSQL identifiers


def wire_name(channel: str) -> str:
    """A safe server-side channel name: `shop.12` → `comptoir_shop_12`.

    Only [a-z0-9_], at most 63 bytes (a checksum replaces the tail of long
    names). Two channels may in theory share a wire name: the payload carries
    the real channel, so local dispatch is still exact.
    """
    name = PREFIX + re.sub(r"[^a-z0-9_]", "_", channel.lower())
    if len(name) > MAX_NAME:
        name = f"{name[: MAX_NAME - 9]}_{zlib.crc32(channel.encode()):08x}"
    return name


def encode(event: Event) -> str:
    return json.dumps({"channel": event.channel, "name": event.name, "data": event.data})


def decode(payload: str | bytes) -> Event | None:
    try:
        raw = json.loads(payload)
        return Event(channel=str(raw["channel"]), name=str(raw["name"]), data=dict(raw["data"]))
    except (ValueError, KeyError, TypeError):
        logger.warning("Ignored a malformed event payload: %r", payload)
        return None


class Listener(ABC):
    """One connection listening for one event loop's subscribers."""

    def __init__(self, fanout: FanOut, on_stop: Callable[[Listener], None]) -> None:
        self.fanout = fanout
        self.loop = asyncio.get_running_loop()
        self._on_stop = on_stop
        self._wanted: dict[str, int] = {}
        self._ready: set[str] = set()
        self._waiters: list[tuple[frozenset[str], asyncio.Future[None]]] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.connections = 0  # how many times it connected (tests, logs)

    # --- for the bus ---------------------------------------------------------

    async def add(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            self._wanted[channel] = self._wanted.get(channel, 0) + 1
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
        self._changed.set()
        missing = subscription.channels - self._ready
        if missing:
            waiter = self.loop.create_future()
            self._waiters.append((frozenset(missing), waiter))
            try:
                await asyncio.wait_for(asyncio.shield(waiter), READY_TIMEOUT)
            except TimeoutError:
                logger.warning("Event bus listener not ready; subscribing anyway.")
            finally:
                self._waiters = [(c, w) for c, w in self._waiters if w is not waiter]

    def remove(self, subscription: Subscription) -> None:
        for channel in subscription.channels:
            left = self._wanted.get(channel, 0) - 1
            if left > 0:
                self._wanted[channel] = left
            else:
                self._wanted.pop(channel, None)
        self._changed.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    # --- for backends --------------------------------------------------------

    def dispatch(self, payload: str | bytes) -> None:
        event = decode(payload)
        if event is None:
            return
        for subscription in self.fanout.subscribers(event.channel):
            if subscription.loop is self.loop:
                subscription.deliver(event)

    def mark_ready(self, channels: Iterable[str]) -> None:
        self._ready |= set(channels)
        for channels_needed, waiter in self._waiters:
            if channels_needed <= self._ready and not waiter.done():
                waiter.set_result(None)

    def wanted(self) -> set[str]:
        return set(self._wanted)

    def take_changes(self) -> None:
        self._changed.clear()

    async def changed(self) -> None:
        await self._changed.wait()

    @abstractmethod
    async def connect(self) -> None: ...

    @abstractmethod
    async def serve(self) -> None:
        """Listen to `wanted()` (and follow its changes) until the connection fails."""

    @abstractmethod
    async def disconnect(self) -> None: ...

    # --- the loop ----------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        try:
            while self._wanted:
                try:
                    await self.connect()
                    self.connections += 1
                    if self.connections > 1:
                        logger.info("Event bus listener reconnected.")
                    await self.serve()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    failures += 1
                    logger.warning("Event bus listener lost its connection: %s", exc)
                    self._ready.clear()
                    await asyncio.sleep(min(0.05 * 2**failures, MAX_BACKOFF))
                else:
                    failures = 0
                finally:
                    with contextlib.suppress(Exception):
                        await self.disconnect()
        finally:
            self._ready.clear()
            self._on_stop(self)

    def resync_after_reconnect(self) -> None:
        """Called by `serve` once listening again: subscribers re-read what they missed."""
        if self.connections > 1:
            self.fanout.resync(self.loop)


class RemoteBus(ABC):
    """A bus whose events travel through a server; one `Listener` per event loop."""

    def __init__(self) -> None:
        self.fanout = FanOut()
        self._listeners: dict[asyncio.AbstractEventLoop, Listener] = {}

    def subscribe(self, channels: Iterable[str]) -> Subscription:
        return Subscription(channels, on_open=self._open, on_close=self._close)

    def listener(self) -> Listener | None:
        """The current loop's listener, if any (tests)."""
        return self._listeners.get(asyncio.get_running_loop())

    async def _open(self, subscription: Subscription) -> None:
        loop = asyncio.get_running_loop()
        listener = self._listeners.get(loop)
        if listener is None:
            listener = self._listeners[loop] = self.make_listener()
        self.fanout.add(subscription)
        await listener.add(subscription)

    def _close(self, subscription: Subscription) -> None:
        self.fanout.remove(subscription)
        if subscription.loop is not None and (listener := self._listeners.get(subscription.loop)):
            listener.remove(subscription)

    def _stopped(self, listener: Listener) -> None:
        if self._listeners.get(listener.loop) is listener:
            del self._listeners[listener.loop]

    @abstractmethod
    def make_listener(self) -> Listener: ...
