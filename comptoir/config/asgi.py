"""ASGI entry point served by granian: pages through WSGI, live streams native.

Measured (docs/benchmarks.md, "Serving"), Django's ASGI handler ran a small
view ~8x slower than its WSGI handler and held one thread per Server-Sent
Events connection. So this thin router sends every page to Django's WSGI
handler on a small thread pool, through a bridge that costs one thread hop per
request (comptoir/core/wsgi_bridge.py; a2wsgi's several hops halved the
throughput), and /live/ (with the API's event streams) to a lean async app that
holds no thread per stream: pages at WSGI speed and cheap streams, on one port
and one process.

The lifespan also runs the periodic desk sweep (escalations, auto-refusals)
in each server process: its events then reach desks through the in-process
bus (settings.DESK_SWEEP_SECONDS; 0 turns it off). The e-mail outbox is swept
with it.

Environment:
    WEB_THREADS  threads running Django views per server worker (default: 2
                 on SQLite, 4 on PostgreSQL; `default_web_threads`).
    WEB_PIN_CORES  0 leaves each granian worker unpinned; by default each
                 pins itself to one core (comptoir/core/affinity.py).
    WEB_FREEZE_HEAP  0 keeps a worker's warm heap in the collector's full
                 passes; by default it is frozen early (comptoir/core/heap.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from comptoir.config.wsgi import application as wsgi_application
from comptoir.core.affinity import pin_web_worker
from comptoir.core.heap import HeapFreezer
from comptoir.core.live import LiveApp, Receive, Scope, Send, send_plain
from comptoir.core.media import MediaApp
from comptoir.core.wsgi_bridge import WSGIBridge

logger = logging.getLogger("comptoir.desk_sweep")


def run_desk_sweep() -> None:
    """The real sweeps, imported late: the domain is not loaded at import time.

    The desk first (its escalations write e-mails), then the e-mail outbox
    (e-mails whose task was lost with a dead worker), even if the desk failed,
    then housekeeping: API idempotency keys past 24 hours and log-in counters
    quiet for a day are deleted.
    """
    from django.utils import timezone

    from comptoir.domain.accounts.throttle import login_throttle_purge
    from comptoir.domain.billing.services import billing_run
    from comptoir.domain.deals.digest import digest_due
    from comptoir.domain.notifications.outbox import outbox_sweep
    from comptoir.domain.orders.escalation import desk_sweep
    from comptoir.interfaces.api.idempotency import idempotency_purge

    try:
        desk_sweep()
    finally:
        try:
            outbox_sweep()
        finally:
            now = timezone.now()
            idempotency_purge(now=now)
            login_throttle_purge(now=now)
            digest_due(now=now)  # the weekly deals e-mails, from Monday 08:00 city time
            billing_run(now=now)  # last month's invoices, reminders, suspensions


class PeriodicSweep:
    """Call `sweep` on a worker thread now and every `interval` seconds, until stopped.

    It runs in every server process; the sweep itself is idempotent and safe
    to run concurrently. A failing sweep is logged and tried again next time.
    """

    def __init__(self, sweep: Callable[[], object], *, interval: float) -> None:
        self.sweep = sweep
        self.interval = interval
        self.task: asyncio.Task[None] | None = None
        self.runs = 0

    def start(self) -> None:
        if self.interval > 0 and self.task is None:
            self.task = asyncio.ensure_future(self._loop())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None

    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self._sweep_once)
            except Exception:
                logger.exception("The desk sweep failed; trying again in %s s.", self.interval)
            self.runs += 1
            await asyncio.sleep(self.interval)

    def _sweep_once(self) -> None:
        close_old_connections()
        try:
            self.sweep()
        finally:
            close_old_connections()


class Router:
    """Dispatch one ASGI connection to the pages app or the live app."""

    def __init__(
        self,
        *,
        pages: Any,
        live: LiveApp,
        sweep: PeriodicSweep | None = None,
        media: MediaApp | None = None,
        on_startup: Callable[[], object] | None = None,
        heap: HeapFreezer | None = None,
    ) -> None:
        self.pages = pages
        self.heap = heap
        self.live = live
        self.sweep = sweep
        self.media = media
        self.on_startup = on_startup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path: str = scope["path"]
            if self.live.serves(path):
                await self.live(scope, receive, send)
            elif self.media is not None and path.startswith(self.media.prefix):
                await self.media(scope, receive, send)
            else:
                if self.heap is not None:
                    self.heap.request_seen()
                await self.pages(scope, receive, send)
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
                if self.on_startup is not None:
                    self.on_startup()
                self.live.stop_streams_on_signals()
                if self.sweep is not None:
                    self.sweep.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.live.shutdown()
                self.live.restore_signals()
                if self.sweep is not None:
                    await self.sweep.stop()
                with contextlib.suppress(Exception):
                    from comptoir.core.event_bus import get_bus

                    get_bus().close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def default_web_threads(engine: str | None = None) -> int:
    """Threads per process for the pages when `WEB_THREADS` is not set: 2 on SQLite, else 4.

    More threads only help while views wait: on PostgreSQL, for each
    statement's round trip. On SQLite nothing waits but a writer for the
    lock, and each extra thread costs CPU as the threads hand the GIL to one
    another at every query: with 2 threads instead of 4, one process served
    25 % more warm shop pages for 20 % less CPU each and 15 % more checkouts
    (docs/benchmarks.md). Two, not one: a writer waiting for the lock then
    leaves a thread for the pages.
    """
    engine = engine or str(settings.DATABASES["default"]["ENGINE"])
    return 2 if engine.endswith("sqlite3") else 4


def build_application(
    *,
    web_threads: int | None = None,
    sweep: Callable[[], object] = run_desk_sweep,
    sweep_seconds: float | None = None,
) -> Router:
    if web_threads is None:
        web_threads = int(os.environ.get("WEB_THREADS") or default_web_threads())
    # A WSGI app is synchronous at heart: the bridge runs each request on its pool.
    pages = WSGIBridge(wsgi_application, threads=web_threads)
    interval = sweep_seconds if sweep_seconds is not None else float(settings.DESK_SWEEP_SECONDS)
    # Uploaded photos, served safely (comptoir/core/media.py); media on another
    # host (S3…) needs no route here.
    media_url = str(settings.MEDIA_URL)
    media = (
        MediaApp(root=Path(settings.MEDIA_ROOT), prefix=media_url)
        if media_url.startswith("/")
        else None
    )
    pin = os.environ.get("WEB_PIN_CORES", "1") != "0"
    return Router(
        pages=pages,
        live=LiveApp(),
        sweep=PeriodicSweep(sweep, interval=interval),
        media=media,
        # In a granian worker, once its threads exist (comptoir/core/affinity.py).
        on_startup=partial(pin_web_worker, enabled=pin),
        heap=HeapFreezer() if settings.WEB_FREEZE_HEAP else None,
    )


def behind_proxies(app: Any, trusted: list[str]) -> Any:
    """`app` reading the client's address from X-Forwarded-For, if a trusted proxy sent it.

    Only a request coming from one of `trusted` (IPs or CIDR networks) has its
    headers believed (granian's own helper, which takes the right-most
    untrusted address): anyone else could forge them.
    """
    if not trusted:
        return app
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    return wrap_asgi_with_proxy_headers(app, trusted_hosts=trusted)


application = behind_proxies(build_application(), settings.TRUSTED_PROXIES)
