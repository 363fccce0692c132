"""The tiny JSON view, and an idle async SSE stream as Django's ASGI handler serves it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse

HEARTBEAT_SECONDS = 15


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"hello": "world"})


async def sse(request: HttpRequest) -> StreamingHttpResponse:
    """An idle event stream with a `: ping` every 15 s, like an order desk's."""

    async def events() -> AsyncIterator[bytes]:
        while True:
            yield b": ping\n\n"
            await asyncio.sleep(HEARTBEAT_SECONDS)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
