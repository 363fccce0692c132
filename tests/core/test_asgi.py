"""The ASGI router: pages reach Django's WSGI handler, /live/ streams stay async."""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

import pytest

from comptoir.config.asgi import build_application, default_web_threads
from comptoir.core.live import EventStream, ServerSentEvent, relay


class Exchange:
    """A tiny in-process ASGI client: one connection, messages recorded as sent."""

    def __init__(self, app: Any, scope: dict[str, Any]) -> None:
        self.app = app
        self.scope = scope
        self.sent: list[dict[str, Any]] = []
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    @classmethod
    def http(cls, app: Any, path: str, method: str = "GET") -> Exchange:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8080),
        }
        exchange = cls(app, scope)
        exchange.incoming.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        return exchange

    async def receive(self) -> dict[str, Any]:
        return await self.incoming.get()

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def start(self) -> None:
        self.task = asyncio.ensure_future(self.app(self.scope, self.receive, self.send))

    async def run(self, timeout: float = 10) -> None:
        self.start()
        await self.finished(timeout)

    async def finished(self, timeout: float = 2) -> None:
        assert self.task is not None
        await asyncio.wait_for(self.task, timeout)

    async def wait_for_body(self, fragment: bytes, timeout: float = 2) -> None:
        async with asyncio.timeout(timeout):
            while fragment not in self.body:
                await asyncio.sleep(0.01)

    @property
    def status(self) -> int:
        return self.sent[0]["status"]

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.sent[0]["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")

    @property
    def complete(self) -> bool:
        last = self.sent[-1] if self.sent else {}
        return last.get("type") == "http.response.body" and not last.get("more_body", False)


@pytest.fixture
def fast_heartbeat(settings):
    settings.LIVE_HEARTBEAT_SECONDS = 0.05


def test_it_sends_pages_to_django_through_wsgi():
    exchange = Exchange.http(build_application(web_threads=1), "/account/login/")

    asyncio.run(exchange.run())

    assert exchange.status == 200
    assert exchange.headers[b"content-type"] == b"text/html; charset=utf-8"
    assert exchange.headers[b"x-frame-options"] == b"DENY"
    assert b'name="csrfmiddlewaretoken"' in exchange.body
    assert exchange.complete


class Awaitable:
    """An awaitable that is not a coroutine, as granian's Rust receive() returns."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value

    def __await__(self):
        yield from asyncio.sleep(0).__await__()
        return self.value


def test_it_reads_a_posted_body_from_a_server_whose_receive_is_not_a_coroutine():
    body = b"language=en&next=/rouen/"
    exchange = Exchange.http(build_application(web_threads=1), "/i18n/setlang/", method="POST")
    exchange.scope["headers"] += [
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"content-length", str(len(body)).encode()),
        # A well-formed CSRF cookie makes Django read the form to compare tokens.
        (b"cookie", b"csrftoken=" + b"a" * 32),
    ]
    exchange.incoming = asyncio.Queue()
    exchange.incoming.put_nowait({"type": "http.request", "body": body, "more_body": False})
    queue = exchange.incoming
    exchange.receive = lambda: Awaitable(queue.get_nowait())  # type: ignore[method-assign,assignment,return-value]

    asyncio.run(exchange.run())

    # Django read the form: CSRF refuses it (403), where an unreadable body was a 500.
    assert exchange.status == 403
    assert b"CSRF" in exchange.body
    assert exchange.complete


def test_it_streams_heartbeats_on_live_ping(fast_heartbeat):
    exchange = Exchange.http(build_application(), "/live/ping")

    async def scenario() -> None:
        exchange.start()
        await exchange.wait_for_body(b": ping\n\n: ping\n\n")
        exchange.incoming.put_nowait({"type": "http.disconnect"})
        await exchange.finished()

    asyncio.run(scenario())

    assert exchange.status == 200
    assert exchange.headers == {
        b"content-type": b"text/event-stream; charset=utf-8",
        b"cache-control": b"no-cache",
        b"x-accel-buffering": b"no",
    }
    assert set(exchange.body.split(b"\n\n")) == {b": ping", b""}


def test_it_ends_the_stream_when_the_client_disconnects():
    exchange = Exchange.http(build_application(), "/live/ping")

    async def scenario() -> None:
        exchange.start()
        await exchange.wait_for_body(b": ping\n\n")
        exchange.incoming.put_nowait({"type": "http.disconnect"})
        await exchange.finished(timeout=1)

    asyncio.run(scenario())

    # The default heartbeat is 15 s: finishing within 1 s means the disconnect ended it.
    assert exchange.complete
    assert exchange.body == b": ping\n\n"


def test_it_answers_404_for_unknown_live_paths():
    exchange = Exchange.http(build_application(), "/live/nothing-here")

    asyncio.run(exchange.run())

    assert exchange.status == 404
    assert exchange.body == b"Not Found"


def test_it_refuses_other_methods_on_live_ping():
    exchange = Exchange.http(build_application(), "/live/ping", method="POST")

    asyncio.run(exchange.run())

    assert exchange.status == 405
    assert exchange.headers[b"allow"] == b"GET"


def test_it_rejects_websockets():
    exchange = Exchange(build_application(), {"type": "websocket", "path": "/live/ping"})

    asyncio.run(exchange.run())

    assert exchange.sent == [{"type": "websocket.close", "code": 1000}]


def test_it_completes_lifespan_startup_and_shutdown():
    exchange = Exchange(build_application(), {"type": "lifespan", "asgi": {"version": "3.0"}})
    handler_before = signal.getsignal(signal.SIGTERM)

    async def scenario() -> None:
        exchange.start()
        exchange.incoming.put_nowait({"type": "lifespan.startup"})
        exchange.incoming.put_nowait({"type": "lifespan.shutdown"})
        await exchange.finished()

    asyncio.run(scenario())

    assert exchange.sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.complete"},
    ]
    assert signal.getsignal(signal.SIGTERM) is handler_before


def test_it_ends_open_streams_when_the_server_is_told_to_stop():
    app = build_application()
    lifespan = Exchange(app, {"type": "lifespan", "asgi": {"version": "3.0"}})
    stream = Exchange.http(app, "/live/ping")
    server_saw: list[int] = []
    # Stands in for the server's own handler, which must still run.
    original = signal.signal(signal.SIGTERM, lambda signum, frame: server_saw.append(signum))

    async def scenario() -> None:
        lifespan.start()
        lifespan.incoming.put_nowait({"type": "lifespan.startup"})
        async with asyncio.timeout(2):
            while not lifespan.sent:
                await asyncio.sleep(0.01)
        stream.start()
        await stream.wait_for_body(b": ping\n\n")
        os.kill(os.getpid(), signal.SIGTERM)
        await stream.finished(timeout=1)
        lifespan.incoming.put_nowait({"type": "lifespan.shutdown"})
        await lifespan.finished()

    try:
        asyncio.run(scenario())
    finally:
        signal.signal(signal.SIGTERM, original)

    assert stream.complete
    assert server_saw == [signal.SIGTERM]


def test_it_encodes_events_in_the_event_stream_format():
    event = ServerSentEvent(data="line one\nline two", event="order", id="42", retry=5000)

    assert event.encode() == (
        b"event: order\nid: 42\nretry: 5000\ndata: line one\ndata: line two\n\n"
    )


def test_it_refuses_field_values_that_would_break_the_stream():
    with pytest.raises(ValueError, match="one line"):
        ServerSentEvent(data="{}", event="order\ndata: injected").encode()


def test_it_relays_events_and_pings_while_the_source_is_quiet():
    sent: list[bytes] = []

    async def scenario() -> None:
        two_pings_after_first = asyncio.Event()

        async def send(message: dict[str, Any]) -> None:
            sent.append(message["body"])
            if sent[-2:] == [b": ping\n\n", b": ping\n\n"] and len(sent) > 2:
                two_pings_after_first.set()

        async def events():
            yield ServerSentEvent(data="first")
            await two_pings_after_first.wait()
            yield ServerSentEvent(data="second")

        await relay(EventStream(send), events(), interval=0.01)

    asyncio.run(scenario())

    assert sent == [
        b": ping\n\n",
        b"data: first\n\n",
        b": ping\n\n",
        b": ping\n\n",
        b"data: second\n\n",
    ]


def run_lifespan(app: Any, while_up: Any) -> Exchange:
    lifespan = Exchange(app, {"type": "lifespan", "asgi": {"version": "3.0"}})

    async def scenario() -> None:
        lifespan.start()
        lifespan.incoming.put_nowait({"type": "lifespan.startup"})
        async with asyncio.timeout(2):
            while not lifespan.sent:
                await asyncio.sleep(0.01)
        await while_up()
        lifespan.incoming.put_nowait({"type": "lifespan.shutdown"})
        await lifespan.finished()

    asyncio.run(scenario())
    return lifespan


def test_it_sweeps_the_desks_periodically_on_a_worker_thread_while_serving():
    import threading

    calls: list[str] = []

    def sweep() -> None:
        calls.append(threading.current_thread().name)

    app = build_application(sweep=sweep, sweep_seconds=0.05)

    async def while_up() -> None:
        async with asyncio.timeout(2):
            while len(calls) < 3:
                await asyncio.sleep(0.01)

    run_lifespan(app, while_up)
    after_shutdown = len(calls)
    asyncio.run(asyncio.sleep(0.15))

    assert after_shutdown >= 3
    assert len(calls) == after_shutdown  # stopped with the server
    assert threading.main_thread().name not in calls
    assert app.sweep is not None
    assert app.sweep.task is None


def test_a_failing_sweep_is_logged_and_tried_again(caplog):
    calls: list[int] = []

    def sweep() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is locked")

    app = build_application(sweep=sweep, sweep_seconds=0.05)

    async def while_up() -> None:
        async with asyncio.timeout(2):
            while len(calls) < 2:
                await asyncio.sleep(0.01)

    run_lifespan(app, while_up)

    assert len(calls) >= 2
    (record,) = [r for r in caplog.records if r.name == "comptoir.desk_sweep"]
    assert record.getMessage() == "The desk sweep failed; trying again in 0.05 s."
    assert "database is locked" in caplog.text


def test_a_sweep_interval_of_zero_turns_the_sweep_off(settings):
    settings.DESK_SWEEP_SECONDS = 0
    calls: list[int] = []
    app = build_application(sweep=lambda: calls.append(1))

    async def while_up() -> None:
        await asyncio.sleep(0.1)

    lifespan = run_lifespan(app, while_up)

    assert calls == []
    assert lifespan.sent[-1] == {"type": "lifespan.shutdown.complete"}


def test_pages_get_two_threads_on_sqlite_and_four_on_postgresql(monkeypatch):
    assert default_web_threads("django.db.backends.sqlite3") == 2
    assert default_web_threads("django.db.backends.postgresql") == 4
    monkeypatch.delenv("WEB_THREADS", raising=False)
    assert build_application(sweep_seconds=0).pages.pool.size == default_web_threads()


def test_web_threads_overrides_the_default(monkeypatch):
    monkeypatch.setenv("WEB_THREADS", "3")
    assert build_application(sweep_seconds=0).pages.pool.size == 3
