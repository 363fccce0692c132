"""The API's event streams (`/api/v1/orders/{number}/events`, `/api/v1/shop/events`).

Served by the native ASGI app in this process (no server), with the API calls
that cause the events made through Django's test client on a worker thread:
access is decided on a thread pool from committed rows, so these tests use
`transactional_db`. tests/interfaces/api/test_examples.py runs the same
streams on a real server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connections
from django.test import Client

from comptoir.config.asgi import build_application
from comptoir.core.event_bus import set_bus
from comptoir.core.event_bus.inprocess import InProcessBus
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.shops import access
from comptoir.domain.shops.models import Membership, Role
from comptoir.interfaces.live import api_access, api_streams
from tests.core.test_asgi import Exchange
from tests.domain.orders.support import COLLECT_AT, make_scene
from tests.factories import make_membership, make_order, make_shop, make_user
from tests.interfaces.api.conftest import ApiClient, token_for
from tests.interfaces.api.support import PROBLEM_KEYS, clock  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT = "/api/v1/cities/rouen/checkout"
SHOP_EVENTS = "/api/v1/shop/events"


@pytest.fixture
def bus() -> Iterator[InProcessBus]:
    bus = InProcessBus()
    previous = set_bus(bus)
    yield bus
    set_bus(previous)


@pytest.fixture
def scene(city, clock):  # noqa: F811 - the API's clock, frozen at the scene's NOW
    return make_scene(city)


def order_events(number: str) -> str:
    return f"/api/v1/orders/{number}/events"


def stream(
    path: str,
    token: str | None = None,
    *,
    cookie: str | None = None,
    method: str = "GET",
    language: str = "en",
) -> Exchange:
    exchange = Exchange.http(build_application(web_threads=1, sweep_seconds=0), path, method)
    headers = exchange.scope["headers"]
    headers.append((b"accept-language", language.encode()))
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    return exchange


def blocks(exchange: Exchange) -> list[str]:
    return [block.decode() for block in exchange.body.split(b"\n\n") if block]


def events_named(exchange: Exchange, name: str) -> list[dict[str, Any]]:
    prefix = f"event: {name}\ndata: "
    return [json.loads(b.removeprefix(prefix)) for b in blocks(exchange) if b.startswith(prefix)]


async def open_until_hello(exchange: Exchange) -> dict[str, Any]:
    exchange.start()
    await exchange.wait_for_body(b"event: hello", timeout=5)
    return events_named(exchange, "hello")[0]


async def disconnect(exchange: Exchange) -> None:
    exchange.incoming.put_nowait({"type": "http.disconnect"})
    await exchange.finished(timeout=2)


async def in_thread[T](function: Callable[[], T]) -> T:
    """Run an API call (or ORM code) off the event loop; close its connection after."""

    def call() -> T:
        try:
            return function()
        finally:
            connections.close_all()

    return await asyncio.to_thread(call)


def refused(exchange: Exchange, status: int, code: str) -> dict[str, Any]:
    """The exchange ended with this problem+json (and nothing was streamed)."""
    asyncio.run(exchange.run())
    assert exchange.status == status, exchange.body
    assert exchange.headers[b"content-type"] == b"application/problem+json"
    body = json.loads(exchange.body)
    assert set(body) >= PROBLEM_KEYS
    assert (body["status"], body["code"]) == (status, code)
    assert body["type"] == f"tag:comptoir.fr,2026:problem/{code}"
    assert exchange.complete
    return body


def checkout_body(scene) -> dict[str, Any]:
    """The scene's basket, the bakery's part collected; the cheese shop's delivered."""
    return {
        "contact": {"name": "Camille Martin", "email": "camille@example.fr", "phone": "0612345678"},
        "choices": [
            {
                "shop_id": scene.bakery.pk,
                "kind": "collect",
                "slot_starts_at": COLLECT_AT.isoformat(),
            },
            {
                "shop_id": scene.cheese.pk,
                "kind": "delivery",
                "slot_starts_at": "2026-03-10T11:00:00+01:00",
                "address": {
                    "line1": "12 rue Beauvoisine",
                    "postal_code": "76000",
                    "locality": "Rouen",
                    "latitude": "49.444000",
                    "longitude": "1.095000",
                },
            },
        ],
    }


def place_checkout(scene) -> list[dict[str, Any]]:
    """Check the scene's basket out through the API; returns its orders."""
    response = ApiClient(token=token_for(scene.customer)).post(
        CHECKOUT, checkout_body(scene), **{"Idempotency-Key": "live-streams-1"}
    )
    assert response.status_code == 201, response.content
    orders: list[dict[str, Any]] = response.json()["orders"]
    return orders


def staff_token(shop, role: str = Role.STAFF) -> str:
    return token_for(make_membership(shop, make_user(), role=role).user, shop)


def test_a_customer_hears_their_order_accepted_by_the_shop_through_the_api(bus, scene):
    bakery_order = next(o for o in place_checkout(scene) if o["shop"]["id"] == scene.bakery.pk)
    number = bakery_order["number"]
    staff = ApiClient(token=staff_token(scene.bakery))
    exchange = stream(order_events(number.lower()), token_for(scene.customer))

    async def scenario() -> dict[str, Any]:
        hello = await open_until_hello(exchange)
        accepted = await in_thread(lambda: staff.post(f"/api/v1/shop/orders/{number}/accept", {}))
        assert accepted.status_code == 200, accepted.content
        await exchange.wait_for_body(b"event: order")
        await disconnect(exchange)
        return hello

    hello = asyncio.run(scenario())

    assert exchange.status == 200
    assert exchange.headers[b"content-type"] == b"text/event-stream; charset=utf-8"
    order_id = Order.objects.get(number=number).pk
    # The first event is enough to re-sync: the order's state when the stream began.
    assert hello["order"] == {"id": order_id, "number": number, "state": "placed"}
    assert hello["at"].startswith("20")
    assert blocks(exchange)[0] == "retry: 2000"
    assert events_named(exchange, "order") == [
        {"id": order_id, "number": number, "state": "accepted", "kind": "moved"}
    ]
    assert exchange.complete
    assert bus.fanout.channels() == set()  # the subscription went with the client


def test_the_hello_of_an_order_already_accepted_says_so(bus, scene):
    number = place_checkout(scene)[0]["number"]
    Order.objects.filter(number=number).update(state=OrderState.ACCEPTED)
    exchange = stream(order_events(number), token_for(scene.customer))

    async def scenario() -> dict[str, Any]:
        hello = await open_until_hello(exchange)
        await disconnect(exchange)
        return hello

    assert asyncio.run(scenario())["order"]["state"] == "accepted"


def test_another_customers_order_is_not_found(bus, scene):
    number = place_checkout(scene)[0]["number"]
    stranger = token_for(make_user())

    other = refused(stream(order_events(number), stranger), 404, "not_found")
    unknown = refused(stream(order_events("ZZZZ-ZZZZ"), stranger), 404, "not_found")
    odd = refused(stream(order_events("%3Cscript%3E"), stranger), 404, "not_found")

    assert other == unknown == odd  # nothing tells an existing order from a missing one
    assert bus.fanout.channels() == set()


def test_a_shop_stream_hears_placed_when_a_checkout_is_made(bus, scene):
    exchange = stream(SHOP_EVENTS, staff_token(scene.bakery))

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        hello = await open_until_hello(exchange)
        orders = await in_thread(lambda: place_checkout(scene))
        await exchange.wait_for_body(b"event: order")
        await disconnect(exchange)
        return hello, orders

    hello, orders = asyncio.run(scenario())

    bakery_order = Order.objects.get(shop=scene.bakery)
    assert len(orders) == 2  # the cheese shop's order is not this desk's business
    assert hello["shop_id"] == scene.bakery.pk
    assert events_named(exchange, "order") == [
        {"id": bakery_order.pk, "number": bakery_order.number, "state": "placed", "kind": "placed"}
    ]


def test_a_staff_token_of_another_shop_hears_nothing_of_this_shop(bus, scene):
    mine = stream(SHOP_EVENTS, staff_token(scene.bakery))
    elsewhere = make_shop(scene.city, name="Primeur des Halles")
    theirs = stream(SHOP_EVENTS, staff_token(elsewhere))
    bakery_order = make_order(scene.bakery, customer=scene.customer)

    async def scenario() -> None:
        await open_until_hello(mine)
        await open_until_hello(theirs)
        await in_thread(lambda: place_checkout(scene))
        await mine.wait_for_body(b"event: order")
        # Events reach every subscription in publishing order: had the other shop's
        # stream been subscribed, it would have heard them by now.
        await asyncio.sleep(0.2)
        await disconnect(mine)
        await disconnect(theirs)

    asyncio.run(scenario())

    assert events_named(mine, "order")
    assert events_named(theirs, "order") == []
    assert events_named(theirs, "hello")[0]["shop_id"] == elsewhere.pk
    # Nor can that token open this shop's orders: shop tokens read no order stream.
    refused(
        stream(order_events(bakery_order.number), staff_token(elsewhere)),
        403,
        "token_scope_mismatch",
    )


def test_a_session_cookie_alone_is_not_enough(bus, scene):
    number = place_checkout(scene)[0]["number"]
    staff = make_membership(scene.bakery, make_user(), role=Role.STAFF).user
    cookies = []
    for user in (scene.customer, staff):
        client = Client()
        client.force_login(user)
        cookies.append(
            f"{django_settings.SESSION_COOKIE_NAME}="
            f"{client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
        )

    customer_body = refused(
        stream(order_events(number), cookie=cookies[0]), 401, "not_authenticated"
    )
    shop_exchange = stream(SHOP_EVENTS, cookie=cookies[1])
    refused(shop_exchange, 401, "not_authenticated")

    assert "Authorization: Bearer" in customer_body["detail"]
    assert shop_exchange.headers[b"www-authenticate"] == b'Bearer realm="comptoir"'
    assert bus.fanout.channels() == set()


def test_a_revoked_or_unknown_token_is_refused_at_connect(bus, scene):
    number = place_checkout(scene)[0]["number"]
    customer_token, shop_token = token_for(scene.customer), staff_token(scene.bakery)
    for token in (customer_token, shop_token):
        response = ApiClient(token=token).delete("/api/v1/auth/tokens/current")
        assert response.status_code == 204

    refused(stream(order_events(number), customer_token), 401, "not_authenticated")
    refused(stream(SHOP_EVENTS, shop_token), 401, "not_authenticated")
    refused(stream(SHOP_EVENTS, "cpt_no-such-token"), 401, "not_authenticated")
    refused(stream(SHOP_EVENTS, ""), 401, "not_authenticated")
    assert bus.fanout.channels() == set()


def test_a_stream_ends_once_its_token_is_revoked(bus, scene, monkeypatch):
    monkeypatch.setattr(api_streams, "TOKEN_RECHECK_SECONDS", 0.05)
    token = staff_token(scene.bakery)
    exchange = stream(SHOP_EVENTS, token)

    async def scenario() -> None:
        await open_until_hello(exchange)
        await asyncio.sleep(0.2)  # several re-checks pass while the token is good
        assert not exchange.task.done()  # type: ignore[union-attr]
        revoked = await in_thread(
            lambda: ApiClient(token=token).delete("/api/v1/auth/tokens/current")
        )
        assert revoked.status_code == 204
        await exchange.finished(timeout=3)  # ended by the server, not by the client

    asyncio.run(scenario())

    assert exchange.complete
    assert bus.fanout.channels() == set()


def test_a_token_of_the_wrong_kind_is_forbidden(bus, scene):
    number = place_checkout(scene)[0]["number"]

    body = refused(stream(SHOP_EVENTS, token_for(scene.customer)), 403, "token_scope_mismatch")
    refused(stream(order_events(number), staff_token(scene.bakery)), 403, "token_scope_mismatch")

    assert body["detail"].startswith("This token cannot be used here")


def test_a_member_who_left_the_shop_or_cannot_handle_orders_is_forbidden(bus, scene, monkeypatch):
    gone = staff_token(scene.bakery)
    Membership.objects.filter(shop=scene.bakery, role=Role.STAFF).delete()
    refused(stream(SHOP_EVENTS, gone), 403, "token_scope_mismatch")

    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.STAFF, frozenset())
    refused(stream(SHOP_EVENTS, staff_token(scene.bakery)), 403, "not_allowed_in_shop")
    assert bus.fanout.channels() == set()


def test_refusals_speak_the_clients_language(bus, scene, monkeypatch):
    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.STAFF, frozenset())
    token = staff_token(scene.bakery)

    french = refused(
        stream(SHOP_EVENTS, token, language="fr-FR,fr;q=0.9"), 403, "not_allowed_in_shop"
    )
    english = refused(stream(SHOP_EVENTS, token, language="en"), 403, "not_allowed_in_shop")

    assert french["detail"] == "Seul le gérant de la boutique peut faire cela."
    assert english["detail"] == "Only the shop's owner can do this."


def test_only_get_opens_a_stream(bus, scene):
    exchange = stream(SHOP_EVENTS, staff_token(scene.bakery), method="POST")

    refused(exchange, 405, "method_not_allowed")

    assert exchange.headers[b"allow"] == b"GET"


def test_only_the_stream_paths_skip_django():
    live = build_application(web_threads=1, sweep_seconds=0).live

    assert live.serves("/api/v1/shop/events")
    assert live.serves("/api/v1/orders/K7QF-3M2X/events")
    assert live.serves("/live/orders/K7QF-3M2X")
    assert not live.serves("/api/v1/orders/K7QF-3M2X")
    assert not live.serves("/api/v1/shop/orders")
    assert not live.serves("/api/v1/orders/K7QF-3M2X/events/more")
    assert not live.serves("/api/v2/shop/events")


def test_a_database_failure_at_connect_answers_503_not_a_crash(bus, scene, monkeypatch):
    def unreachable(**kwargs: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(api_access, "api_token_authenticate", unreachable)
    exchange = stream(SHOP_EVENTS, staff_token(scene.bakery))

    refused(exchange, 503, "service_unavailable")

    assert exchange.headers[b"retry-after"] == b"5"
    assert bus.fanout.channels() == set()
