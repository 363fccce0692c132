"""Live updates: a lean native-ASGI app for Server-Sent Event streams under /live/.

Each open stream is one coroutine on the server's event loop, never a thread,
so hundreds of idle order desks cost memory in kilobytes. Streams only nudge:
the database stays the source of truth and a reconnecting client re-reads it.

The helpers here are what every stream shares:

- `ServerSentEvent` encodes one event in the `text/event-stream` format;
- `EventStream` sends the response headers, events and comments;
- `run_stream` opens a stream, runs a producer until it ends, the client
  disconnects or the server stops, and always closes the response;
- `heartbeat` and `relay` keep a quiet connection alive with `: ping`
  comments (proxies and phones drop silent ones); `relay` also forwards an
  async iterator of events, e.g. from the event bus.

`LiveApp` answers /live/ping itself and hands the order desk and order page
streams to comptoir/interfaces/live/streams.py, and the JSON API's event
streams (`/api/v1/orders/<number>/events`, `/api/v1/shop/events`, bearer
tokens) to comptoir/interfaces/live/api_streams.py: the ASGI entry point
asks `LiveApp.serves(path)` before handing a request to Django.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings

type Scope = dict[str, Any]
type Message = dict[str, Any]
type Receive = Callable[[], Awaitable[Message]]
type Send = Callable[[Message], Awaitable[None]]
type Producer = Callable[[EventStream], Awaitable[None]]

#: Where the session-authenticated streams live.
PREFIX = "/live/"

SSE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-type", b"text/event-stream; charset=utf-8"),
    # Never cached, and never buffered by a reverse proxy (nginx honours this).
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
)


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event; `retry` is the reconnection delay in milliseconds."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None

    def encode(self) -> bytes:
        lines = []
        if self.event is not None:
            lines.append(f"event: {_single_line(self.event)}")
        if self.id is not None:
            lines.append(f"id: {_single_line(self.id)}")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}")
        # A multi-line payload becomes several data lines, joined back by the browser.
        lines.extend(f"data: {line}" for line in self.data.splitlines() or [""])
        return ("\n".join(lines) + "\n\n").encode()


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("SSE field values must fit on one line")
    return value


class ClientGone(Exception):
    """The client went away while we were sending."""


class EventStream:
    """An open `text/event-stream` response."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False
        self.closed = False

    async def start(self, extra_headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
        await self._send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*SSE_HEADERS, *extra_headers],
            }
        )
        self.started = True

    async def send_event(self, event: ServerSentEvent) -> None:
        await self._write(event.encode())

    async def send_json(self, event: str, payload: Any, *, id: str | None = None) -> None:
        await self.send_event(ServerSentEvent(data=json.dumps(payload), event=event, id=id))

    async def send_retry(self, milliseconds: int) -> None:
        """Set the client's reconnection delay (a block with no data dispatches no event)."""
        await self._write(f"retry: {int(milliseconds)}\n\n".encode())

    async def send_comment(self, text: str = "") -> None:
        """Send `: text`; EventSource ignores comments, so they make good heartbeats."""
        await self._write(f": {_single_line(text)}\n\n".encode())

    async def close(self) -> None:
        if self.started and not self.closed:
            self.closed = True
            with contextlib.suppress(Exception):
                await self._send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _write(self, body: bytes) -> None:
        try:
            await self._send({"type": "http.response.body", "body": body, "more_body": True})
        except Exception as exc:  # servers differ in what they raise once the client is gone
            raise ClientGone from exc


async def wait_for_disconnect(receive: Receive) -> None:
    """Return once the client disconnects (SSE clients send no body worth reading)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def run_stream(
    receive: Receive,
    send: Send,
    producer: Producer,
    *,
    stopping: asyncio.Event | None = None,
    extra_headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """Open a stream and run `producer` until it returns, the client leaves or we stop."""
    stream = EventStream(send)
    await stream.start(extra_headers)
    waiters: set[asyncio.Future[Any]] = {
        asyncio.ensure_future(producer(stream)),
        asyncio.ensure_future(wait_for_disconnect(receive)),
    }
    if stopping is not None:
        waiters.add(asyncio.ensure_future(stopping.wait()))
    try:
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
    await stream.close()
    for finished in done:
        error = None if finished.cancelled() else finished.exception()
        if error is not None and not isinstance(error, ClientGone):
            raise error


async def heartbeat(stream: EventStream, *, interval: float) -> None:
    """Send `: ping` now and every `interval` seconds, until cancelled."""
    while True:
        await stream.send_comment("ping")
        await asyncio.sleep(interval)


async def relay(
    stream: EventStream, events: AsyncIterator[ServerSentEvent], *, interval: float
) -> None:
    """Forward `events`, with `: ping` whenever the source was quiet for `interval` s."""
    await stream.send_comment("ping")
    iterator = aiter(events)
    while True:
        # Keep one pending `anext` across heartbeats: cancelling it would close the generator.
        pending = asyncio.ensure_future(anext(iterator))
        try:
            while not (await asyncio.wait({pending}, timeout=interval))[0]:
                await stream.send_comment("ping")
            try:
                event = pending.result()
            except StopAsyncIteration:
                return
        finally:
            pending.cancel()
        await stream.send_event(event)


async def send_plain(
    send: Send, status: int, text: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """A short text/plain response, for errors outside any stream."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


class LiveApp:
    """The ASGI app mounted on /live/; one route per stream kind."""

    def __init__(self, *, heartbeat: float | None = None) -> None:
        self.heartbeat = (
            heartbeat if heartbeat is not None else float(settings.LIVE_HEARTBEAT_SECONDS)
        )
        # Set at shutdown so open streams end instead of holding the server up.
        self.stopping = asyncio.Event()
        self._previous_handlers: dict[int, Any] = {}

    def serves(self, path: str) -> bool:
        """Whether this app answers `path` (the rest goes to Django)."""
        from comptoir.interfaces.live.api_streams import serves_api

        return path.startswith(PREFIX) or path == PREFIX.rstrip("/") or serves_api(path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if path == "/live/ping":
            if scope["method"] != "GET":
                await send_plain(send, 405, "Method Not Allowed", [(b"allow", b"GET")])
            else:
                await self.ping(receive, send)
        elif path.startswith(PREFIX) or path == PREFIX.rstrip("/"):
            # The order desk and order pages' streams (comptoir/interfaces/live/).
            from comptoir.interfaces.live.streams import route

            if not await route(self, scope, receive, send):
                await send_plain(send, 404, "Not Found")
        else:
            # The JSON API's streams, authorised by bearer token.
            from comptoir.interfaces.live.api_streams import route_api, serves_api

            if serves_api(path):
                await route_api(self, scope, receive, send)
            else:
                await send_plain(send, 404, "Not Found")

    async def ping(self, receive: Receive, send: Send) -> None:
        """A heartbeat-only stream: lets clients and monitors check live delivery works."""

        async def producer(stream: EventStream) -> None:
            await heartbeat(stream, interval=self.heartbeat)

        await run_stream(receive, send, producer, stopping=self.stopping)

    def shutdown(self) -> None:
        self.stopping.set()

    def stop_streams_on_signals(self) -> None:
        """End open streams as soon as SIGINT/SIGTERM arrives (call in the server loop).

        Servers drain open connections before the ASGI lifespan shutdown, and
        an SSE stream never drains on its own: granian would wait for its kill
        timeout. The previous handlers still run (asyncio's own dispatch goes
        through the wakeup fd and is untouched).
        """
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous = signal.getsignal(signum)
            self._previous_handlers[signum] = previous
            signal.signal(signum, self._make_handler(loop, previous))

    def restore_signals(self) -> None:
        for signum, previous in self._previous_handlers.items():
            signal.signal(signum, previous)
        self._previous_handlers.clear()

    def _make_handler(
        self, loop: asyncio.AbstractEventLoop, previous: Any
    ) -> Callable[[int, FrameType | None], None]:
        def handler(signum: int, frame: FrameType | None) -> None:
            loop.call_soon_threadsafe(self.shutdown)
            if callable(previous):
                previous(signum, frame)
            elif previous == signal.SIG_DFL:
                # Nobody else handles it: keep the default meaning (terminate).
                signal.signal(signum, signal.SIG_DFL)
                signal.raise_signal(signum)

        return handler
