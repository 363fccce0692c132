"""The WSGI bridge: Django's pages served from the ASGI server, one thread hop per request."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import WSGIRequest

from comptoir.core.wsgi_bridge import SPOOL_BYTES, ResponseCutShort, WSGIBridge


def scope_for(
    path: str = "/",
    *,
    method: str = "GET",
    headers: list[tuple[bytes, bytes]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"shop.example"), *(headers or [])],
        "client": ("203.0.113.7", 50123),
        "server": ("127.0.0.1", 8000),
    } | extra


class Client:
    """One ASGI connection: feeds `incoming` messages, records what the app sends."""

    def __init__(self, app: Any, scope: dict[str, Any], body: list[bytes] | None = None) -> None:
        self.app = app
        self.scope = scope
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for n, chunk in enumerate(body or []):
            more = n < len(body or []) - 1
            self.incoming.put_nowait({"type": "http.request", "body": chunk, "more_body": more})
        self.sent: list[dict[str, Any]] = []
        self.task: asyncio.Task[None] | None = None

    async def receive(self) -> dict[str, Any]:
        return await self.incoming.get()

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def start(self) -> None:
        self.task = asyncio.ensure_future(self.app(self.scope, self.receive, self.send))

    async def run(self) -> None:
        self.start()
        await self.finished()

    async def finished(self) -> None:
        assert self.task is not None
        await asyncio.wait_for(self.task, 5)

    async def wait_for_body(self, fragment: bytes) -> None:
        async with asyncio.timeout(5):
            while fragment not in self.body:
                await asyncio.sleep(0.005)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.sent[0]["headers"])

    @property
    def bodies(self) -> list[bytes]:
        return [m["body"] for m in self.sent if m["type"] == "http.response.body"]

    @property
    def body(self) -> bytes:
        return b"".join(self.bodies)

    @property
    def complete(self) -> bool:
        last = self.sent[-1] if self.sent else {}
        return last.get("type") == "http.response.body" and not last.get("more_body", False)


def serve(app: Any, scope: dict[str, Any], body: list[bytes] | None = None) -> Client:
    client = Client(WSGIBridge(app, threads=2), scope, body)
    asyncio.run(client.run())
    return client


class Recorder:
    """A WSGI app that answers `text`, keeping the environ and what it read."""

    def __init__(self, text: bytes = b"ok") -> None:
        self.text = text
        self.environ: dict[str, Any] = {}
        self.read = b""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.environ = environ
        self.read = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Seen", "yes")])
        return [self.text]


def test_it_answers_an_ordinary_response_in_one_start_and_one_body():
    app = Recorder(b"hello")

    client = serve(app, scope_for("/hello"))

    assert client.status == 200
    assert client.headers == {b"content-type": b"text/plain", b"x-seen": b"yes"}
    assert client.bodies == [b"hello"]
    assert client.complete


def test_it_builds_a_pep_3333_environ():
    app = Recorder()
    scope = scope_for(
        "/shop/caf\u00e9/basket",
        headers=[
            (b"accept", b"text/html"),
            (b"accept", b"application/json"),
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"content-type", b"text/plain"),
        ],
        query_string=b"q=pain&page=2",
        root_path="/shop",
        scheme="https",
    )

    serve(app, scope)

    environ = app.environ
    assert environ["REQUEST_METHOD"] == "GET"
    assert environ["SCRIPT_NAME"] == "/shop"
    # PEP 3333: the UTF-8 bytes of the path, as latin-1 characters.
    assert environ["PATH_INFO"] == "/caf\u00c3\u00a9/basket"
    assert environ["QUERY_STRING"] == "q=pain&page=2"
    assert environ["SERVER_NAME"] == "127.0.0.1"
    assert environ["SERVER_PORT"] == "8000"
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert environ["REMOTE_ADDR"] == "203.0.113.7"
    assert environ["REMOTE_PORT"] == "50123"
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["HTTPS"] == "on"
    assert environ["HTTP_HOST"] == "shop.example"
    assert environ["HTTP_ACCEPT"] == "text/html,application/json"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["CONTENT_TYPE"] == "text/plain"
    assert "CONTENT_LENGTH" not in environ
    assert environ["wsgi.version"] == (1, 0)
    assert environ["wsgi.multithread"] is True
    assert environ["asgi.scope"] is scope


def test_django_sees_the_clients_address_scheme_and_script_prefix():
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        request = WSGIRequest(environ)
        seen.update(
            ip=request.META["REMOTE_ADDR"],
            secure=request.is_secure(),
            path=request.path,
            path_info=request.path_info,
        )
        start_response("204 No Content", [])
        return []

    serve(app, scope_for("/app/orders/", root_path="/app", scheme="https"))

    assert seen == {
        "ip": "203.0.113.7",
        "secure": True,
        "path": "/app/orders/",
        "path_info": "/orders/",
    }


def test_it_drops_headers_with_underscores_that_would_pass_for_dashed_ones():
    app = Recorder()

    serve(app, scope_for(headers=[(b"x_forwarded_for", b"6.6.6.6"), (b"x-request-id", b"r1")]))

    assert "HTTP_X_FORWARDED_FOR" not in app.environ
    assert app.environ["HTTP_X_REQUEST_ID"] == "r1"


def test_it_hands_the_posted_body_to_wsgi_input():
    app = Recorder()
    scope = scope_for(method="POST", headers=[(b"content-length", b"11")])

    serve(app, scope, [b"hello ", b"world"])

    assert app.read == b"hello world"
    assert app.environ["CONTENT_LENGTH"] == "11"


def test_a_chunked_body_gets_the_length_read():
    app = Recorder()
    scope = scope_for(method="POST", headers=[(b"transfer-encoding", b"chunked")])

    serve(app, scope, [b"a=1", b"&b=2"])

    assert app.read == b"a=1&b=2"
    assert app.environ["CONTENT_LENGTH"] == "7"


def test_a_large_upload_is_spooled_to_a_file_and_read_whole():
    app = Recorder()
    part = b"x" * (256 * 1024)
    chunks = [part] * 6  # 1.5 MiB, past the in-memory spool
    scope = scope_for(
        method="POST",
        headers=[
            (b"content-type", b"multipart/form-data; boundary=B"),
            (b"content-length", str(len(part) * 6).encode()),
        ],
    )

    serve(app, scope, chunks)

    assert len(part) * 6 > SPOOL_BYTES
    assert app.read == part * 6
    assert not isinstance(app.environ["wsgi.input"], io.BytesIO)


def test_an_announced_upload_over_the_limit_gets_413_unread():
    app = Recorder()
    scope = scope_for(
        method="POST",
        headers=[
            (b"content-type", b"multipart/form-data; boundary=B"),
            (b"content-length", b"5000"),
        ],
    )
    client = Client(WSGIBridge(app, threads=1, max_body=1000), scope, [b"x" * 5000])

    asyncio.run(client.run())

    assert client.status == 413
    assert client.incoming.qsize() == 1
    assert app.environ == {}


def test_an_upload_over_the_limit_gets_413_without_reaching_the_app():
    app = Recorder()
    # HTTP/2: no length announced, the limit is found while reading.
    scope = scope_for(
        method="POST",
        headers=[(b"content-type", b"multipart/form-data; boundary=B")],
        http_version="2",
    )
    client = Client(WSGIBridge(app, threads=1, max_body=1000), scope, [b"x" * 600, b"x" * 600])

    asyncio.run(client.run())

    assert client.status == 413
    assert app.environ == {}


def test_a_form_body_over_djangos_limit_is_refused_by_django_itself(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    read: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        read["length"] = environ["CONTENT_LENGTH"]
        try:
            WSGIRequest(environ).body  # noqa: B018
        except RequestDataTooBig:
            start_response("400 Bad Request", [])
            return [b"too big"]
        start_response("200 OK", [])
        return [b"ok"]

    scope = scope_for(
        method="POST",
        headers=[
            (b"content-type", b"application/json"),
            (b"content-length", b"5000"),
        ],
    )
    client = Client(WSGIBridge(app, threads=1), scope, [b"x" * 1000] * 5)

    asyncio.run(client.run())

    assert client.status == 400
    assert read["length"] == "5000"
    # Only Django's limit (and one byte) was read; the rest was never buffered.
    assert client.incoming.qsize() == 4


def test_a_form_body_within_djangos_limit_reaches_django(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        return [WSGIRequest(environ).body]

    scope = scope_for(method="POST", headers=[(b"content-length", b"100")])
    client = Client(WSGIBridge(app, threads=1), scope, [b"y" * 100])

    asyncio.run(client.run())

    assert (client.status, client.body) == (200, b"y" * 100)


def test_it_does_not_call_the_app_when_the_client_leaves_mid_body():
    app = Recorder()
    scope = scope_for(method="POST", headers=[(b"content-length", b"100")])
    client = Client(WSGIBridge(app, threads=1), scope)
    client.incoming.put_nowait({"type": "http.request", "body": b"x" * 10, "more_body": True})
    client.incoming.put_nowait({"type": "http.disconnect"})

    asyncio.run(client.run())

    assert client.sent == []
    assert app.environ == {}


def test_it_streams_each_chunk_as_the_app_yields_it():
    release = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/csv")])
        yield b"header\n"
        release.wait(5)
        yield b"row\n"

    async def scenario() -> Client:
        client = Client(WSGIBridge(app, threads=1), scope_for("/export.csv"))
        client.start()
        # The first chunk is out while the app is still producing the second.
        await client.wait_for_body(b"header\n")
        assert not client.complete
        release.set()
        await client.finished()
        return client

    client = asyncio.run(scenario())

    assert client.status == 200
    assert client.body == b"header\nrow\n"
    assert client.complete


def test_a_django_streaming_response_is_streamed_and_closed_on_its_thread():
    from django.http import StreamingHttpResponse

    threads: dict[str, int] = {}

    def rows() -> Iterator[str]:
        threads["rows"] = threading.get_ident()
        for n in range(3):
            yield f"{n}\n"

    class Response(StreamingHttpResponse):
        def close(self) -> None:
            threads["close"] = threading.get_ident()
            super().close()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        threads["app"] = threading.get_ident()
        response = Response(rows(), content_type="text/csv")
        start_response("200 OK", [(k, v) for k, v in response.items()])
        return response

    client = serve(app, scope_for("/export.csv"))

    assert client.bodies == [b"0\n", b"1\n", b"2\n", b""]
    # Django's request_finished (in close) must run where the view's database connection lives.
    assert threads["app"] == threads["rows"] == threads["close"]


def test_an_ordinary_django_response_is_closed_on_the_thread_that_ran_it():
    from django.http import HttpResponse

    threads: dict[str, int] = {}

    class Response(HttpResponse):
        def close(self) -> None:
            threads["close"] = threading.get_ident()
            super().close()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        threads["app"] = threading.get_ident()
        start_response("200 OK", [])
        return Response(b"page")

    client = serve(app, scope_for())

    assert client.bodies == [b"page"]
    assert threads["app"] == threads["close"]


def test_files_go_through_the_file_wrapper_in_large_blocks():
    closed = threading.Event()

    class Photo(io.BytesIO):
        def close(self) -> None:
            closed.set()
            super().close()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [("Content-Type", "image/jpeg")])
        return environ["wsgi.file_wrapper"](Photo(b"j" * 600_000), 8192)

    client = serve(app, scope_for("/media/photo.jpg"))

    assert [len(chunk) for chunk in client.bodies] == [262144, 262144, 75712, 0]
    assert closed.is_set()


def test_it_stops_the_stream_and_closes_it_when_the_client_disconnects():
    closed = threading.Event()
    produced: list[int] = []

    class Endless:
        def __iter__(self) -> Iterator[bytes]:
            n = 0
            while not closed.is_set():
                produced.append(n)
                yield b"tick\n"
                n += 1
                threading.Event().wait(0.01)

        def close(self) -> None:
            closed.set()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])
        return Endless()

    async def scenario() -> Client:
        client = Client(WSGIBridge(app, threads=1), scope_for("/stream"))
        client.start()
        await client.wait_for_body(b"tick\n")
        await client.incoming.put({"type": "http.disconnect"})
        await client.finished()
        return client

    client = asyncio.run(scenario())

    assert closed.wait(5)
    assert not client.complete
    count = len(produced)
    threading.Event().wait(0.05)
    assert len(produced) == count


def test_it_stops_the_stream_when_sending_fails():
    closed = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])

        def chunks() -> Iterator[bytes]:
            try:
                while True:
                    yield b"x"
            finally:
                closed.set()

        return chunks()

    class Gone(Client):
        async def send(self, message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                raise OSError("connection reset")
            await super().send(message)

    client = Gone(WSGIBridge(app, threads=1), scope_for())

    asyncio.run(client.run())

    assert closed.wait(5)


def test_an_app_that_raises_gets_a_plain_500_not_a_crash(caplog):
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="comptoir.wsgi_bridge"):
        client = serve(app, scope_for())

    assert client.status == 500
    assert client.body == b"Internal Server Error"
    assert client.complete
    assert "boom" in caplog.text


def test_a_stream_that_fails_half_way_cuts_the_connection(caplog):
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [])

        def rows() -> Iterator[bytes]:
            yield b"first\n"
            raise RuntimeError("export failed")

        return rows()

    client = Client(WSGIBridge(app, threads=1), scope_for())
    with (
        caplog.at_level(logging.ERROR, logger="comptoir.wsgi_bridge"),
        pytest.raises(ResponseCutShort),
    ):
        asyncio.run(client.run())

    # The client never sees a well-ended body: a truncated CSV is not mistaken for a whole one.
    assert client.body == b"first\n"
    assert not client.complete
    assert "export failed" in caplog.text


def test_an_app_that_never_calls_start_response_gets_a_500():
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        return [b"no headers"]

    client = serve(app, scope_for())

    assert client.status == 500


def test_a_streamed_response_with_no_body_still_ends():
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("204 No Content", [])
        return iter(())

    client = serve(app, scope_for())

    assert client.status == 204
    assert client.bodies == [b""]
    assert client.complete


def test_its_threads_never_hold_the_process_up_at_shutdown():
    bridge = WSGIBridge(Recorder(), threads=3)

    client = Client(bridge, scope_for())
    asyncio.run(client.run())

    # A response still streaming when the server stops must not keep the worker alive.
    assert len(bridge.pool.threads) == 3
    assert all(thread.daemon for thread in bridge.pool.threads)
