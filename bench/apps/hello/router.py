"""The hello project behind Comptoir's ASGI router: the router's page path on the tiny view.

Environment: WEB_THREADS (pool size, default 4) and HELLO_PAGES, the WSGI
adapter under test: `bridge` (Comptoir's, the default) or `a2wsgi` (the one
it replaced).
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.apps.hello.settings")

from bench.apps.hello.wsgi import application as wsgi_application
from comptoir.config.asgi import Router
from comptoir.core.live import LiveApp
from comptoir.core.wsgi_bridge import WSGIBridge


class HelloLive(LiveApp):
    """Comptoir's live app answering /live/ping only (no Comptoir models here)."""

    def serves(self, path: str) -> bool:
        return path.startswith("/live/")


def build() -> Router:
    threads = int(os.environ.get("WEB_THREADS", "4"))
    if os.environ.get("HELLO_PAGES", "bridge") == "a2wsgi":
        from a2wsgi import WSGIMiddleware

        adapter = WSGIMiddleware(wsgi_application, workers=threads)  # type: ignore[arg-type]

        async def pages(scope: Any, receive: Any, send: Any) -> None:
            # granian's receive/send return Rust awaitables; a2wsgi wants coroutines.
            async def receive_() -> Any:
                return await receive()

            async def send_(message: Any) -> None:
                await send(message)

            await adapter(scope, receive_, send_)

        return Router(pages=pages, live=HelloLive(heartbeat=15))
    return Router(pages=WSGIBridge(wsgi_application, threads=threads), live=HelloLive(heartbeat=15))


application = build()
