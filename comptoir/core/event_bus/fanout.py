"""What every backend shares: per-subscriber queues and the fan-out to them.

A `Subscription` lives on one event loop (the server's); `FanOut.deliver_threadsafe`
may be called from any thread and hops onto each subscriber's loop with
`call_soon_threadsafe`, the only thread-safe way into a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Self

from comptoir.core.events import Event

#: Sent instead of the events a subscriber lost: "re-read everything".
RESYNC = "resync"
#: Events queued per subscriber before it is considered stalled.
QUEUE_SIZE = 256


class Subscription:
    """The events of some channels, as an async iterator; close it (or use `async with`)."""

    def __init__(
        self,
        channels: Iterable[str],
        *,
        on_open: Callable[[Subscription], Awaitable[None]],
        on_close: Callable[[Subscription], None],
        maxsize: int | None = None,
    ) -> None:
        self.channels = frozenset(channels)
        if not self.channels:
            raise ValueError("subscribe to at least one channel")
        self._on_open = on_open
        self._on_close = on_close
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize or QUEUE_SIZE)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.opened = False
        self.closed = False
        self.dropped = 0

    async def open(self) -> Self:
        """Register and wait until events published from now on will arrive."""
        if not self.opened:
            self.opened = True
            self.loop = asyncio.get_running_loop()
            try:
                await self._on_open(self)
            except BaseException:
                self.close()
                raise
        return self

    def close(self) -> None:
        if self.opened and not self.closed:
            self.closed = True
            self._on_close(self)

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Event:
        await self.open()
        if self.closed:
            raise StopAsyncIteration
        return await self._queue.get()

    def deliver(self, event: Event) -> None:
        """Queue `event` (on the subscription's loop); a full queue becomes one `resync`."""
        if self.closed:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            while not self._queue.empty():
                self._queue.get_nowait()
                self.dropped += 1
            self._queue.put_nowait(Event(channel=event.channel, name=RESYNC, data={}))


class FanOut:
    """This process's subscriptions by channel; safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_channel: dict[str, set[Subscription]] = {}

    def add(self, subscription: Subscription) -> None:
        with self._lock:
            for channel in subscription.channels:
                self._by_channel.setdefault(channel, set()).add(subscription)

    def remove(self, subscription: Subscription) -> None:
        with self._lock:
            for channel in subscription.channels:
                subscribers = self._by_channel.get(channel)
                if subscribers is not None:
                    subscribers.discard(subscription)
                    if not subscribers:
                        del self._by_channel[channel]

    def channels(self) -> set[str]:
        with self._lock:
            return set(self._by_channel)

    def subscribers(self, channel: str | None = None) -> list[Subscription]:
        with self._lock:
            if channel is not None:
                return list(self._by_channel.get(channel, ()))
            return list({s for subs in self._by_channel.values() for s in subs})

    def deliver_threadsafe(self, event: Event) -> None:
        """Hand `event` to each subscriber of its channel, from any thread."""
        for subscription in self.subscribers(event.channel):
            _call_on_loop(subscription, event)

    def resync(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Tell every subscriber (of `loop`, or all) to re-read: events may have been lost."""
        for subscription in self.subscribers():
            if loop is None or subscription.loop is loop:
                channel = min(subscription.channels)
                _call_on_loop(subscription, Event(channel=channel, name=RESYNC, data={}))


def _call_on_loop(subscription: Subscription, event: Event) -> None:
    loop = subscription.loop
    if loop is None:
        return
    # A loop closed under a forgotten subscription must not break publishers.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(subscription.deliver, event)
