"""ASGI entry point served by granian: pages through WSGI, live streams native.

Measured for DESIGN.md, Django's ASGI handler ran a small view ~8x slower than
its WSGI handler and held one thread per Server-Sent Events connection. So this
thin router sends every page to Django's WSGI handler on a small thread pool
(a2wsgi), and /live/ to a lean async app that holds no thread per stream: pages
at WSGI speed and cheap streams, on one port and one process.

Environment:
    WEB_THREADS  threads running Django views per server worker (default 4).
                 More threads only help while views wait on I/O; on SQLite a
                 handful is plenty.
"""

from __future__ import annotations

import os
from typing import Any

from a2wsgi import WSGIMiddleware

from comptoir.config.wsgi import application as wsgi_application
from comptoir.core.live import LiveApp, Receive, Scope, Send, send_plain

LIVE_PREFIX = "/live/"


def as_coroutine(channel: Any) -> Any:
    """Wrap an ASGI receive/send so that each call returns a real coroutine.

    granian's receive() returns a Rust awaitable, not a coroutine, and a2wsgi
    hands it to asyncio.run_coroutine_threadsafe(), which accepts coroutines
    only: without this, Django could not read any request body (every POST
    was a 500).
    """

    async def call(*args: Any) -> Any:
        return await channel(*args)

    return call


class Router:
    """Dispatch one ASGI connection to the pages app or the live app."""

    def __init__(self, *, pages: Any, live: LiveApp) -> None:
        self.pages = pages
        self.live = live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path: str = scope["path"]
            if path.startswith(LIVE_PREFIX) or path == LIVE_PREFIX.rstrip("/"):
                await self.live(scope, receive, send)
            else:
                await self.pages(scope, as_coroutine(receive), as_coroutine(send))
        elif kind == "lifespan":
            await self.lifespan(receive, send)
        elif kind == "websocket":
            # Live updates use SSE; closing before accept rejects the handshake (403).
            await send({"type": "websocket.close", "code": 1000})
        else:  # pragma: no cover - no server sends other scope types today
            await send_plain(send, 404, "Not Found")

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.live.stop_streams_on_signals()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.live.shutdown()
                self.live.restore_signals()
                await send({"type": "lifespan.shutdown.complete"})
                return


def build_application(*, web_threads: int | None = None) -> Router:
    threads = web_threads if web_threads is not None else int(os.environ.get("WEB_THREADS", "4"))
    # A WSGI app is synchronous at heart: a2wsgi runs each request on its pool.
    pages = WSGIMiddleware(wsgi_application, workers=threads)  # type: ignore[arg-type]
    return Router(pages=pages, live=LiveApp())


application = build_application()
