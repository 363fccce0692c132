"""Serve a WSGI app (Django's pages) from an ASGI server, with one thread hop per request.

The ASGI router (comptoir/config/asgi.py) hands every page to Django's WSGI
handler through this bridge. The usual adapters (a2wsgi, asgiref's
WsgiToAsgi) run the WSGI call on a worker thread that goes back to the event
loop for every body read and every response message, each time waiting for
the loop: four to six round trips per request, which cost most of the
throughput on a small machine (docs/benchmarks.md, "Serving"). Here:

- the request body is read on the event loop first (in memory, spooled to a
  temporary file past 1 MiB), then the whole WSGI call runs on a pool thread
  in one go; an ordinary response (Django's `HttpResponse`) comes back in one
  message: one hop there, one back;
- a streaming response (`StreamingHttpResponse`, CSV exports, files) is
  iterated on that same thread, which pushes its chunks to the loop through a
  small window without waiting for each to be sent, and stops as soon as the
  client disconnects; files (`FileResponse`, WhiteNoise) are read in 256 KiB
  blocks through `wsgi.file_wrapper`;
- request bodies are bounded: a non-form body above Django's
  DATA_UPLOAD_MAX_MEMORY_SIZE is not buffered beyond that limit and Django
  answers it as it would under any WSGI server (400), a multipart body above
  `max_body` gets 413 without reaching Django;
- an exception escaping the WSGI app is logged and answered with a plain 500
  (or, once a streamed response has begun, ends the connection so the client
  sees it was cut short).

The environ follows PEP 3333: SCRIPT_NAME from the ASGI root_path, PATH_INFO
as latin-1-decoded UTF-8 bytes, REMOTE_ADDR from the client (already the
forwarded address behind a trusted proxy), wsgi.url_scheme from the scope,
repeated headers joined (cookies with "; "), and headers whose name holds an
underscore dropped, as gunicorn and Django's runserver do (they would
otherwise pass for their dashed twins: X_Forwarded_For for X-Forwarded-For),
and `asgi.scope` set, as a2wsgi did: a page then knows /live/ streams are
served beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import queue
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from comptoir.core.live import Receive, Scope, Send, send_plain

logger = logging.getLogger("comptoir.wsgi_bridge")

type Environ = dict[str, Any]
type StartResponse = Callable[..., Callable[[bytes], None]]
type WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
type Headers = list[tuple[bytes, bytes]]

#: Request bodies up to this size stay in memory; larger ones go to a temporary file.
SPOOL_BYTES = 1024 * 1024
#: Largest multipart (upload) body accepted; form fields stay bound by Django's own limits.
MAX_BODY_BYTES = 32 * 1024 * 1024
#: Streamed chunks a response may run ahead of the client before its thread waits.
STREAM_WINDOW = 16
#: How much of a file one chunk carries.
FILE_BLOCK_BYTES = 256 * 1024


class FileWrapper:
    """`wsgi.file_wrapper`: Django hands it FileResponse's file; read in large blocks."""

    def __init__(self, filelike: IO[bytes], block_size: int = FILE_BLOCK_BYTES) -> None:
        self.filelike = filelike
        self.block_size = max(block_size, FILE_BLOCK_BYTES)

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.filelike.read(self.block_size):
            yield chunk

    def close(self) -> None:
        # Django points the file's close() at the response's: request_finished fires.
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()


class Cancelled(Exception):
    """The client left (or the server stopped): the thread stops iterating."""


class Exchange:
    """One request's WSGI call on a pool thread, and what it posts back to the loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        # What the thread posts, read on the loop (a deque: appends are thread-safe).
        self.items: deque[tuple[Any, ...]] = deque()
        self.waiter: asyncio.Future[None] | None = None
        # Made by the thread on its first streamed chunk: most responses never need it.
        self.window: threading.Semaphore | None = None
        self.cancelled = False
        self.status = 500
        self.headers: Headers = []
        self.headers_posted = False
        self.started = False

    # --- On the pool thread ----------------------------------------------------------

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None:
            try:
                if self.headers_posted:  # too late to change the status (PEP 3333)
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.started:
            raise RuntimeError("start_response() was already called")
        self.started = True
        self.status = int(status.split(" ", 1)[0])
        self.headers = [
            (name.strip().lower().encode("latin-1"), value.strip().encode("latin-1"))
            for name, value in headers
        ]
        return self.write

    def write(self, chunk: bytes) -> None:
        """The legacy write() callable: streams what it is given."""
        if chunk:
            self.push(chunk)

    def run(self, app: WSGIApp, environ: Environ) -> None:
        result: Iterable[bytes] | None = None
        outcome: tuple[Any, ...] | None = None
        try:
            result = app(environ, self.start_response)
            if not self.headers_posted and (
                isinstance(result, list | tuple) or getattr(result, "streaming", None) is False
            ):
                # A response already in memory (Django's HttpResponse): all of it at once.
                body = b"".join(result)
                self.check_started()
                outcome = ("whole", self.status, self.headers, body)
            else:
                for chunk in result:
                    if self.cancelled:
                        raise Cancelled
                    if chunk:
                        self.push(chunk)
                self.check_started()
                if self.headers_posted:
                    outcome = ("end",)
                else:
                    outcome = ("whole", self.status, self.headers, b"")
        except Cancelled:
            pass
        except Exception as error:
            outcome = ("error", error)
        finally:
            # Closed before the response leaves: Django's request_finished has given
            # this thread's database connections back by the time the client reads it.
            close = getattr(result, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:
                    logger.exception("Closing the WSGI response failed")
        if outcome is not None:
            with contextlib.suppress(Cancelled):
                self.post(*outcome)

    def check_started(self) -> None:
        if not self.started:
            raise RuntimeError("the WSGI app returned without calling start_response()")

    def push(self, chunk: bytes) -> None:
        """Post one streamed chunk (with the headers, the first time), within the window."""
        if self.window is None:
            self.window = threading.Semaphore(STREAM_WINDOW)
        while not self.window.acquire(timeout=1.0):
            if self.cancelled:
                raise Cancelled
        if self.cancelled:
            raise Cancelled
        if self.headers_posted:
            self.post("chunk", chunk)
        else:
            if not self.started:
                raise RuntimeError("the WSGI app sent a body before calling start_response()")
            self.headers_posted = True
            self.post("first", self.status, self.headers, chunk)

    def post(self, *item: Any) -> None:
        try:
            self.items.append(item)
            self.loop.call_soon_threadsafe(self.wake)
        except RuntimeError as closed:  # the event loop is gone: the server stopped
            raise Cancelled from closed

    # --- On the event loop -----------------------------------------------------------

    def wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def next_item(self) -> tuple[Any, ...]:
        while not self.items:
            self.waiter = self.loop.create_future()
            await self.waiter
        return self.items.popleft()

    def room(self) -> None:
        """A streamed chunk left: the thread may produce one more."""
        if self.window is not None:
            self.window.release()

    def cancel(self) -> None:
        self.cancelled = True
        self.room()  # wake a thread waiting for room
        self.items.append(("cancelled",))
        self.wake()


class ThreadPool:
    """`size` threads running submitted calls, started with the first one.

    Leaner than concurrent.futures' executor (no future per call: an exchange
    reports back itself), and daemon threads: a response still streaming when
    the server stops does not hold the process up.
    """

    def __init__(self, size: int, *, name: str) -> None:
        self.size = size
        self.name = name
        self.jobs: queue.SimpleQueue[tuple[Callable[..., None], tuple[Any, ...]]] = (
            queue.SimpleQueue()
        )
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def submit(self, function: Callable[..., None], *args: Any) -> None:
        if len(self.threads) < self.size:
            self._start()
        self.jobs.put((function, args))

    def _start(self) -> None:
        with self.lock:
            while len(self.threads) < self.size:
                thread = threading.Thread(
                    target=self._work, name=f"{self.name}-{len(self.threads)}", daemon=True
                )
                thread.start()
                self.threads.append(thread)

    def _work(self) -> None:
        while True:
            function, args = self.jobs.get()
            try:
                function(*args)
            except BaseException:  # pragma: no cover - Exchange.run catches what it can
                logger.exception("A WSGI call failed outside the bridge's own handling")


class WSGIBridge:
    """An ASGI app running `app` (a WSGI app) on a pool of `threads` threads."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        threads: int,
        max_body: int = MAX_BODY_BYTES,
        max_form_body: Callable[[], int | None] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_form_body = max_form_body or _django_data_upload_limit
        self.pool = ThreadPool(threads, name="comptoir-web")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # pragma: no cover - the router sends only HTTP here
            await send_plain(send, 404, "Not Found")
            return
        read = await self.read_body(scope, receive)
        if read is None:
            return  # the client left before sending its whole body
        body, length = read
        if length < 0:
            await send_plain(send, 413, "Request body too large")
            return
        environ = build_environ(scope, body, length)
        exchange = Exchange(asyncio.get_running_loop())
        self.pool.submit(exchange.run, self.app, environ)
        await self.respond(exchange, receive, send)

    async def read_body(self, scope: Scope, receive: Receive) -> tuple[IO[bytes], int] | None:
        """The body as a file and its length (-1: over the limit); None if the client left."""
        declared: int | None = None
        chunked = False
        multipart = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                with contextlib.suppress(ValueError):
                    declared = int(value)
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"content-type":
                multipart = value[:10].lower() == b"multipart/"
        # HTTP/1 announces every body; HTTP/2 may send one without a length.
        if declared == 0 or (declared is None and not chunked and scope.get("http_version") != "2"):
            return io.BytesIO(), 0
        if multipart:
            limit, over = self.max_body, -1
        else:
            # Past Django's own limit, keep one byte more than it: Django then refuses
            # the body exactly as under any WSGI server (RequestDataTooBig, a 400).
            form_limit = self.max_form_body()
            limit = self.max_body if form_limit is None else form_limit + 1
            over = 0
        if declared is not None and declared > limit and over < 0:
            return io.BytesIO(), -1
        chunks: list[bytes] = []
        size = 0
        spool: IO[bytes] | None = None
        more = True
        while more and size < limit:
            message = await receive()
            if message["type"] == "http.disconnect":
                if spool is not None:
                    spool.close()
                return None
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            if size + len(chunk) > limit:
                if over < 0:
                    if spool is not None:
                        spool.close()
                    return io.BytesIO(), -1
                chunk = chunk[: limit - size]
            size += len(chunk)
            if spool is None and size > SPOOL_BYTES:
                spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
                spool.writelines(chunks)
                chunks.clear()
            if spool is not None:
                spool.write(chunk)
            else:
                chunks.append(chunk)
        # Cut short at Django's limit: tell it the length announced, so it refuses the body.
        length = max(size, declared or 0) if more else size
        if spool is None:
            return io.BytesIO(b"".join(chunks)), length
        spool.seek(0)
        return spool, length

    async def respond(self, exchange: Exchange, receive: Receive, send: Send) -> None:
        item = await exchange.next_item()
        kind = item[0]
        if kind == "whole":
            _, status, headers, body = item
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        if kind == "error":
            logger.error("The WSGI app failed", exc_info=item[1])
            await send_plain(send, 500, "Internal Server Error")
            return
        # A streamed response: "first" carries the headers and the first chunk.
        _, status, headers, chunk = item
        watcher = asyncio.ensure_future(_watch_disconnect(receive, exchange))
        try:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            while True:
                try:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                except Exception:
                    exchange.cancel()  # the client went away while we were sending
                    return
                exchange.room()
                item = await exchange.next_item()
                kind = item[0]
                if kind == "chunk":
                    chunk = item[1]
                elif kind == "end":
                    with contextlib.suppress(Exception):
                        await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
                elif kind == "cancelled":
                    return
                else:  # "error" after the headers: cut the connection, the body is incomplete
                    logger.error("The WSGI app failed while streaming", exc_info=item[1])
                    raise ResponseCutShort from item[1]
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


class ResponseCutShort(Exception):
    """A streamed response failed half-way: the server must close the connection."""


async def _watch_disconnect(receive: Receive, exchange: Exchange) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            exchange.cancel()
            return


def _django_data_upload_limit() -> int | None:
    from django.conf import settings

    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit


def build_environ(scope: Scope, body: IO[bytes], length: int) -> Environ:
    """The PEP 3333 environ of an ASGI HTTP scope, whose body is in `body` (`length` bytes)."""
    root_path: str = scope.get("root_path", "")
    path: str = scope["path"]
    if root_path and path.startswith(root_path):
        path = path[len(root_path) :]
    server = scope.get("server") or ("localhost", 80)
    environ: Environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root_path.encode().decode("latin-1"),
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        # Tells a page that /live/ streams are served beside it (live_streams_served).
        "asgi.scope": scope,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"] = str(client[0])
        environ["REMOTE_PORT"] = str(client[1])
    if environ["wsgi.url_scheme"] == "https":
        environ["HTTPS"] = "on"
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        if "_" in name:
            continue
        key = name.upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if key == "CONTENT_LENGTH":
            continue  # set below from what was read
        if key != "CONTENT_TYPE":
            key = "HTTP_" + key
        if key in environ:
            value = f"{environ[key]}{'; ' if key == 'HTTP_COOKIE' else ','}{value}"
        environ[key] = value
    if length or scope["method"] in {"POST", "PUT", "PATCH"}:
        environ["CONTENT_LENGTH"] = str(length)
    return environ
