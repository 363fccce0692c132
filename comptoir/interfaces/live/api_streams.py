"""The JSON API's event streams, served like /live/'s: one coroutine each, no thread.

    GET /api/v1/orders/{number}/events   customer token: one of the customer's orders
    GET /api/v1/shop/events              shop token: the token's shop desk

The ASGI entry point sends these two paths here before Django
(`LiveApp.serves`). Life of a stream, all on the event loop except the
access checks and the `hello` read, which run on the live streams' small
thread pool (streams.py):

1. read `Authorization: Bearer` (never a cookie) and decide access
   (api_access.py); refuse with the API's problem+json: 401, 403 or 404;
2. open the response and subscribe to the channel, waiting until the bus
   confirms;
3. read the state to re-sync from and send `retry: 2000` then `event: hello`
   (the order's current state, or the shop's id): nothing published after
   this point is missed;
4. forward the bus events, the same as the desk and order pages hear
   (`event: order`, `event: resync`), with `: ping` comments on quiet lines;
5. every `TOKEN_RECHECK_SECONDS`, check the token again: once it is revoked
   or expired (or its user left the shop) the stream ends, and the client's
   reconnection is refused.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.core.event_bus import get_bus
from comptoir.core.live import EventStream, Receive, Scope, Send, relay, run_stream
from comptoir.interfaces.api.problems import problem
from comptoir.interfaces.live.api_access import (
    ApiGrant,
    ApiRefused,
    api_hello,
    api_order_grant,
    api_shop_grant,
    bearer_secret,
    language_of,
)
from comptoir.interfaces.live.streams import RETRY_MILLISECONDS, as_server_sent, auth_pool

if TYPE_CHECKING:
    from comptoir.core.live import LiveApp

logger = logging.getLogger("comptoir.live")

ORDER_EVENTS_PATH = re.compile(r"/api/v1/orders/(?P<number>[^/]{1,64})/events")
SHOP_EVENTS_PATH = "/api/v1/shop/events"
#: How often an open stream checks that its token still works (a thread hop and a query).
TOKEN_RECHECK_SECONDS = 300.0


def serves_api(path: str) -> bool:
    return path == SHOP_EVENTS_PATH or ORDER_EVENTS_PATH.fullmatch(path) is not None


async def send_response(send: Send, response: HttpResponse) -> None:
    """Send a (small, complete) Django response over ASGI."""
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.items()
    ]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})


async def in_pool[T](function: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(auth_pool, function)


async def route_api(app: LiveApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one of the API's stream paths (`serves_api` said yes)."""
    path: str = scope["path"]
    headers = scope.get("headers", [])
    secret, language = bearer_secret(headers), language_of(headers)
    check: Callable[[], ApiGrant]
    if match := ORDER_EVENTS_PATH.fullmatch(path):
        number = match["number"]
        check = lambda: api_order_grant(secret=secret, number=number, language=language)  # noqa: E731
    else:
        check = lambda: api_shop_grant(secret=secret, language=language)  # noqa: E731
    if scope["method"] != "GET":
        with translation.override(language):
            response = problem(
                status=405,
                code="method_not_allowed",
                detail=_("This stream is read with GET."),
            )
        response["Allow"] = "GET"
        await send_response(send, response)
        return
    try:
        grant = await in_pool(check)
    except ApiRefused as refused:
        await send_response(send, refused.response)
        return
    except Exception:
        # The database is unreachable, say: the client retries after a while.
        logger.exception("Could not check access to %s", path)
        with translation.override(language):
            response = problem(
                status=503,
                code="service_unavailable",
                detail=_("Live updates are unavailable for a moment: try again shortly."),
                retry_after=5,
            )
        await send_response(send, response)
        return
    await stream_grant(app, receive, send, grant, check)


async def stream_grant(
    app: LiveApp, receive: Receive, send: Send, grant: ApiGrant, check: Callable[[], ApiGrant]
) -> None:
    async def producer(stream: EventStream) -> None:
        async with get_bus().subscribe([grant.channel]) as subscription:
            # Read once listening: a change committed after this read is heard.
            hello = await in_pool(lambda: api_hello(grant))
            await stream.send_retry(RETRY_MILLISECONDS)
            await stream.send_json("hello", hello)
            await first_of(
                relay(stream, as_server_sent(subscription), interval=app.heartbeat),
                token_watch(check, interval=TOKEN_RECHECK_SECONDS),
            )

    await run_stream(receive, send, producer, stopping=app.stopping)


async def token_watch(check: Callable[[], ApiGrant], *, interval: float) -> None:
    """Return once `check` refuses (token revoked or expired, member gone)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await in_pool(check)
        except ApiRefused:
            return
        except Exception:
            # A database hiccup does not cut a listening client off: check again later.
            logger.exception("Could not re-check a stream's token")


async def first_of(*coroutines: Coroutine[Any, Any, None]) -> None:
    """Run the coroutines until the first one ends; cancel the rest; re-raise its error."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        error = None if task.cancelled() else task.exception()
        if error is not None:
            raise error
