"""The live streams: `/live/shops/<shop_id>/desk` and `/live/orders/<number>`.

Life of a stream, all on the server's event loop except step 1:

1. read the session cookie and decide access on a small thread pool
   (`AUTH_THREADS` threads per process, shared by every connection);
2. refuse with a plain 403/404, or open the response;
3. subscribe to the channel and wait until the bus confirms;
4. send `retry: 2000` and `event: hello` (data {"at": iso time}): the client
   re-reads the database now, and nothing published after this point is missed;
5. forward bus events (`event: order`, `event: resync`), with `: ping`
   comments on quiet lines, until the client leaves or the server stops.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from django.conf import settings
from django.http.cookie import parse_cookie
from django.utils import timezone

from comptoir.core.event_bus import Subscription, get_bus
from comptoir.core.live import (
    EventStream,
    Receive,
    Scope,
    Send,
    ServerSentEvent,
    relay,
    run_stream,
    send_plain,
)
from comptoir.interfaces.live.access import Refused, desk_channel, order_stream_channel

if TYPE_CHECKING:
    from comptoir.core.live import LiveApp

logger = logging.getLogger("comptoir.live")

RETRY_MILLISECONDS = 2000
AUTH_THREADS = 4
DESK_PATH = re.compile(r"/live/shops/(?P<shop_id>[0-9]{1,18})/desk")
ORDER_PATH = re.compile(r"/live/orders/(?P<number>[A-Za-z0-9-]{1,20})")

#: Shared by every stream of the process (session and API ones): access checks only.
auth_pool = ThreadPoolExecutor(max_workers=AUTH_THREADS, thread_name_prefix="live-auth")


def session_key(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookies = parse_cookie(value.decode("latin-1"))
            if key := cookies.get(settings.SESSION_COOKIE_NAME):
                return key
    return None


async def route(app: LiveApp, scope: Scope, receive: Receive, send: Send) -> bool:
    """Answer a stream route; False when the path is none of ours."""
    path: str = scope["path"]
    check: Callable[[], str]
    if match := DESK_PATH.fullmatch(path):
        shop_id = int(match["shop_id"])
        check = lambda: desk_channel(session_key=session_key(scope), shop_id=shop_id)  # noqa: E731
    elif match := ORDER_PATH.fullmatch(path):
        number = match["number"]
        check = lambda: order_stream_channel(session_key=session_key(scope), number=number)  # noqa: E731
    else:
        return False
    if scope["method"] != "GET":
        await send_plain(send, 405, "Method Not Allowed", [(b"allow", b"GET")])
        return True
    try:
        channel = await asyncio.get_running_loop().run_in_executor(auth_pool, check)
    except Refused as refused:
        await send_plain(send, refused.status, refused.text)
        return True
    except Exception:
        # The database is unreachable, say: the client's EventSource retries.
        logger.exception("Could not check access to %s", path)
        await send_plain(send, 503, "Service Unavailable", [(b"retry-after", b"5")])
        return True
    await stream_channel(app, receive, send, channel)
    return True


async def stream_channel(app: LiveApp, receive: Receive, send: Send, channel: str) -> None:
    async def producer(stream: EventStream) -> None:
        async with get_bus().subscribe([channel]) as subscription:
            await stream.send_retry(RETRY_MILLISECONDS)
            await stream.send_json("hello", {"at": timezone.now().isoformat()})
            await relay(stream, as_server_sent(subscription), interval=app.heartbeat)

    await run_stream(receive, send, producer, stopping=app.stopping)


async def as_server_sent(subscription: Subscription) -> AsyncIterator[ServerSentEvent]:
    async for event in subscription:
        yield ServerSentEvent(data=json.dumps(event.data), event=event.name)
