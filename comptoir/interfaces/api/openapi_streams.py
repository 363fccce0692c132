"""The live streams in the OpenAPI document: served by the ASGI app, not by ninja (docs/api.md)."""
# ruff: noqa: E501 (OpenAPI prose: long description strings read better unbroken)

from __future__ import annotations

from typing import Any

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
UNAUTHORIZED = {
    "description": "No valid token (`not_authenticated`): missing, unknown, expired or revoked. Cookies are never read.",
    "content": PROBLEM,
    "headers": {
        "WWW-Authenticate": {
            "description": 'Always `Bearer realm="comptoir"`.',
            "schema": {"type": "string"},
        }
    },
}
SSE_HEADERS = {
    "Cache-Control": {"description": "`no-cache`.", "schema": {"type": "string"}},
    "X-Accel-Buffering": {
        "description": "`no`: proxies must not buffer the stream.",
        "schema": {"type": "string"},
    },
}
ORDER_EVENT = (
    '`event: order` — `{"id": 5, "number": "K7QF-3M2X", "state": "accepted", "kind": "moved"}`; '
    "`event: resync` — `{}`: events were lost, re-read (GET) everything."
)
STREAM_PATHS: dict[str, Any] = {
    "/api/v1/orders/{number}/events": {
        "get": {
            "operationId": "order_events",
            "summary": "Live status of one of my orders (SSE)",
            "description": (
                "A Server-Sent Events stream (`text/event-stream`) of the order's moves, for the "
                "customer who placed it (customer token). It never ends on its own: read it "
                "line by line, and reconnect after the `retry:` delay (2 s) when it drops.\n\n"
                '1. `retry: 2000`, then `event: hello` — `{"at": "2026-11-26T17:15:52+00:00", '
                '"order": {"id": 5, "number": "K7QF-3M2X", "state": "placed"}}`: the '
                "state to start from, read once listening, so nothing after it is missed;\n"
                "2. " + ORDER_EVENT + "\n3. `: ping` comments on quiet lines (ignore them).\n\n"
                "A revoked token's stream ends within 5 minutes; the reconnection gets 401."
            ),
            "tags": ["customer"],
            "security": [{"CustomerToken": []}],
            "parameters": [
                {
                    "in": "path",
                    "name": "number",
                    "required": True,
                    "schema": {"type": "string", "maxLength": 32},
                    "example": "K7QF-3M2X",
                }
            ],
            "responses": {
                "200": {
                    "description": "The stream.",
                    "headers": SSE_HEADERS,
                    "content": {
                        "text/event-stream": {
                            "schema": {"type": "string"},
                            "example": (
                                'retry: 2000\n\nevent: hello\ndata: {"at": "2026-11-26T17:15:52.880225+00:00", '
                                '"order": {"id": 5, "number": "K7QF-3M2X", "state": "placed"}}\n\n'
                                ': ping\n\nevent: order\ndata: {"id": 5, "number": "K7QF-3M2X", '
                                '"state": "accepted", "kind": "moved"}\n\n'
                            ),
                        }
                    },
                },
                "401": UNAUTHORIZED,
                "403": {
                    "description": "A shop token (`token_scope_mismatch`): use a customer token.",
                    "content": PROBLEM,
                },
                "404": {
                    "description": "No such order, or not yours (`not_found`): the same answer.",
                    "content": PROBLEM,
                },
                "405": {"description": "Not GET (`method_not_allowed`).", "content": PROBLEM},
                "503": {
                    "description": "Access could not be checked (`service_unavailable`): retry after `Retry-After`.",
                    "content": PROBLEM,
                },
            },
        }
    },
    "/api/v1/shop/events": {
        "get": {
            "operationId": "shop_events",
            "summary": "Live desk of my shop (SSE)",
            "description": (
                "A Server-Sent Events stream (`text/event-stream`) of everything the shop's desk "
                "hears (shop token whose role handles orders): new orders, every move, escalations. "
                "It never ends on its own: reconnect after the `retry:` delay (2 s) when it drops.\n\n"
                '1. `retry: 2000`, then `event: hello` — `{"at": "…", "shop_id": 3}`: re-read '
                "`GET /api/v1/shop/orders?state=placed` now; nothing after it is missed;\n"
                '2. `event: order` — `{"id", "number", "state", "kind"}` with `kind` `placed` '
                "(a new order), `moved` (any transition) or `escalated` (waiting too long); "
                "`event: resync` — `{}`: events were lost, re-read everything;\n"
                "3. `: ping` comments on quiet lines.\n\n"
                "A revoked token's stream (or a member's who left the shop) ends within 5 minutes."
            ),
            "tags": ["shop"],
            "security": [{"ShopToken": []}],
            "responses": {
                "200": {
                    "description": "The stream.",
                    "headers": SSE_HEADERS,
                    "content": {
                        "text/event-stream": {
                            "schema": {"type": "string"},
                            "example": (
                                'retry: 2000\n\nevent: hello\ndata: {"at": "2026-11-26T17:15:52.880225+00:00", '
                                '"shop_id": 3}\n\n: ping\n\nevent: order\ndata: {"id": 5, "number": '
                                '"K7QF-3M2X", "state": "placed", "kind": "placed"}\n\n'
                            ),
                        }
                    },
                },
                "401": UNAUTHORIZED,
                "403": {
                    "description": "A customer token or a shop the user left (`token_scope_mismatch`), or a role without the desk (`not_allowed_in_shop`).",
                    "content": PROBLEM,
                },
                "405": {"description": "Not GET (`method_not_allowed`).", "content": PROBLEM},
                "503": {
                    "description": "Access could not be checked (`service_unavailable`): retry after `Retry-After`.",
                    "content": PROBLEM,
                },
            },
        }
    },
}
