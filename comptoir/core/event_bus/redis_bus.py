"""Redis pub/sub: every server process hears every other (REDIS_URL).

Publishing uses redis-py's synchronous client (thread-safe connection pool);
listening uses its asyncio client, one pub/sub connection per event loop (see
remote.py). redis-py's own silent reconnection is turned off (no retries):
the listener must *know* when its connection dropped, to send `resync`.
"""

from __future__ import annotations

import asyncio
import os

import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.retry import Retry

from comptoir.core.event_bus.remote import Listener, RemoteBus, encode, wire_name
from comptoir.core.events import Event

HEALTH_CHECK_SECONDS = 30
PUBLISH_TIMEOUT = 2.0


class RedisListener(Listener):
    def __init__(self, bus: RedisBus) -> None:
        super().__init__(bus.fanout, bus._stopped)
        self.url = bus.url
        self.wire = bus.wire
        self.client: redis.asyncio.Redis | None = None
        self.pubsub: redis.asyncio.client.PubSub | None = None
        self.by_wire: dict[bytes, set[str]] = {}
        # Names the connection in CLIENT LIST (operators, tests).
        self.client_name = f"comptoir-events-{os.getpid()}-{id(self):x}"

    async def connect(self) -> None:
        self.client = redis.asyncio.Redis.from_url(
            self.url,
            client_name=self.client_name,
            socket_connect_timeout=5,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=HEALTH_CHECK_SECONDS,
            socket_keepalive=True,
        )
        self.pubsub = self.client.pubsub()

    async def disconnect(self) -> None:
        pubsub, client = self.pubsub, self.client
        self.pubsub = self.client = None
        if pubsub is not None:
            await pubsub.aclose()
        if client is not None:
            await client.aclose()

    async def serve(self) -> None:
        assert self.pubsub is not None
        pubsub = self.pubsub
        listening: set[str] = set()
        self.by_wire = {}
        # Redis lets us (un)subscribe while a read is pending: the reader runs throughout.
        reader: asyncio.Future[None] | None = None
        try:
            while True:
                self.take_changes()
                wanted = self.wanted()
                if not wanted:
                    return
                added, removed = wanted - listening, listening - wanted
                for channel in removed:
                    wire = self.wire(channel).encode()
                    self.by_wire.get(wire, set()).discard(channel)
                    if not self.by_wire.get(wire):
                        self.by_wire.pop(wire, None)
                        await pubsub.unsubscribe(wire)
                if added:
                    for channel in added:
                        self.by_wire.setdefault(self.wire(channel).encode(), set()).add(channel)
                    await pubsub.subscribe(*{self.wire(channel) for channel in added})
                listening = wanted
                if reader is None:
                    reader = asyncio.ensure_future(self._read(pubsub))
                changed = asyncio.ensure_future(self.changed())
                done, _ = await asyncio.wait({reader, changed}, return_when=asyncio.FIRST_COMPLETED)
                changed.cancel()
                await asyncio.gather(changed, return_exceptions=True)
                if reader in done:
                    reader.result()  # raises what broke the connection
                    raise redis.ConnectionError("the subscription ended")
        finally:
            if reader is not None:
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)

    async def _read(self, pubsub: redis.asyncio.client.PubSub) -> None:
        while True:
            message = await pubsub.get_message(timeout=None)
            if message is None:
                continue
            kind = message["type"]
            if kind == "message":
                self.dispatch(message["data"])
            elif kind == "subscribe":
                channels = self.by_wire.get(message["channel"], set())
                self.mark_ready(channels)
                if self.wanted() <= self.ready_channels():
                    self.resync_after_reconnect_once()

    def ready_channels(self) -> set[str]:
        return set(self._ready)

    _resynced_connection = 0

    def resync_after_reconnect_once(self) -> None:
        if self._resynced_connection != self.connections:
            self._resynced_connection = self.connections
            self.resync_after_reconnect()


class RedisBus(RemoteBus):
    def __init__(self, url: str, *, namespace: str = "") -> None:
        super().__init__()
        self.url = url
        # Redis pub/sub channels are global to the server (whatever the db
        # number): the namespace keeps two sites, or a site and its tests, apart.
        self.prefix = f"{namespace}:" if namespace else ""
        # Short timeouts: a request must not hang on a dead Redis (the publish
        # error is logged by the on-commit hook and the page still answers).
        self._client = redis.Redis.from_url(
            url,
            socket_keepalive=True,
            socket_connect_timeout=PUBLISH_TIMEOUT,
            socket_timeout=PUBLISH_TIMEOUT,
        )

    def make_listener(self) -> Listener:
        return RedisListener(self)

    def publish(self, event: Event) -> None:
        # redis-py retries once on a dropped pooled connection by default.
        self._client.publish(self.wire(event.channel), encode(event))

    def wire(self, channel: str) -> str:
        return self.prefix + wire_name(channel)

    def close(self) -> None:
        self._client.close()
