"""The desk and order streams, through the ASGI app in this process (no server).

Access is decided on a thread pool from the session cookie, so the rows and
sessions must be committed: these tests use `transactional_db`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from comptoir.config.asgi import build_application
from comptoir.core.event_bus import set_bus
from comptoir.core.event_bus.inprocess import InProcessBus
from comptoir.core.events import Event, order_channel, shop_channel
from comptoir.domain.shops.models import Role
from tests.core.test_asgi import Exchange
from tests.factories import make_membership, make_order, make_shop, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bus() -> Iterator[InProcessBus]:
    bus = InProcessBus()
    previous = set_bus(bus)
    yield bus
    set_bus(previous)


def signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def guest_session(**data) -> str:
    session = SessionStore()
    for key, value in data.items():
        session[key] = value
    session.save()
    assert session.session_key is not None
    return session.session_key


def stream(path: str, session_key: str | None = None, method: str = "GET") -> Exchange:
    exchange = Exchange.http(build_application(web_threads=1, sweep_seconds=0), path, method)
    if session_key is not None:
        cookie = f"{django_settings.SESSION_COOKIE_NAME}={session_key}; other=1"
        exchange.scope["headers"].append((b"cookie", cookie.encode()))
    return exchange


def events(body: bytes) -> list[str]:
    return [block.decode() for block in body.split(b"\n\n") if block]


async def open_until_hello(exchange: Exchange) -> None:
    exchange.start()
    await exchange.wait_for_body(b"event: hello", timeout=5)


async def disconnect(exchange: Exchange) -> None:
    exchange.incoming.put_nowait({"type": "http.disconnect"})
    await exchange.finished(timeout=2)


def test_a_member_hears_hello_then_the_orders_of_their_shop(bus, city):
    shop = make_shop(city)
    member = make_membership(shop, make_user(), role=Role.STAFF).user
    exchange = stream(f"/live/shops/{shop.pk}/desk", signed_in(member))

    async def scenario() -> None:
        await open_until_hello(exchange)
        # Subscribed before hello: an event published now is not missed.
        data = {"id": 5, "number": "K7QF-3M2X", "state": "placed", "kind": "placed"}
        await asyncio.to_thread(bus.publish, Event(shop_channel(shop.pk), "order", data))
        await asyncio.to_thread(bus.publish, Event(shop_channel(shop.pk + 1), "order", {}))
        await exchange.wait_for_body(b"event: order")
        await disconnect(exchange)

    asyncio.run(scenario())

    assert exchange.status == 200
    assert exchange.headers[b"content-type"] == b"text/event-stream; charset=utf-8"
    retry, hello, ping, order = events(exchange.body)
    assert retry == "retry: 2000"
    assert hello.startswith("event: hello\ndata: ")
    assert json.loads(hello.split("data: ")[1])["at"].startswith("20")
    assert ping == ": ping"
    assert order == (
        'event: order\ndata: {"id": 5, "number": "K7QF-3M2X", "state": "placed", "kind": "placed"}'
    )
    assert exchange.complete
    assert bus.fanout.channels() == set()  # the subscription went with the client


def test_an_owner_may_open_the_desk_too(bus, city):
    shop = make_shop(city)
    owner = make_membership(shop, make_user(), role=Role.OWNER).user
    exchange = stream(f"/live/shops/{shop.pk}/desk", signed_in(owner))

    async def scenario() -> None:
        await open_until_hello(exchange)
        await disconnect(exchange)

    asyncio.run(scenario())

    assert exchange.status == 200


def run_refused(exchange: Exchange) -> Exchange:
    asyncio.run(exchange.run())
    return exchange


def test_a_signed_out_visitor_is_asked_to_sign_in(bus, city):
    shop = make_shop(city)

    for key in (None, guest_session(), "no-such-session"):
        exchange = run_refused(stream(f"/live/shops/{shop.pk}/desk", key))
        assert (exchange.status, exchange.body) == (403, b"Forbidden: sign in first")
    assert bus.fanout.channels() == set()


def test_another_shops_desk_and_an_unknown_shop_look_the_same(bus, city):
    mine, theirs = make_shop(city), make_shop(city)
    member = make_membership(mine, make_user()).user
    key = signed_in(member)

    other = run_refused(stream(f"/live/shops/{theirs.pk}/desk", key))
    unknown = run_refused(stream(f"/live/shops/{theirs.pk + 1000}/desk", key))

    assert (other.status, other.body) == (404, b"Not Found")
    assert (unknown.status, unknown.body) == (404, b"Not Found")
    assert bus.fanout.channels() == set()


def test_an_inactive_member_is_signed_out(bus, city):
    shop = make_shop(city)
    member = make_membership(shop, make_user()).user
    key = signed_in(member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    exchange = run_refused(stream(f"/live/shops/{shop.pk}/desk", key))

    assert exchange.status == 403


def test_a_customer_hears_their_orders_moves(bus, city):
    customer = make_user()
    order = make_order(make_shop(city), customer=customer)
    exchange = stream(f"/live/orders/{order.number}", signed_in(customer))

    async def scenario() -> None:
        await open_until_hello(exchange)
        data = {"id": order.pk, "number": order.number, "state": "accepted", "kind": "moved"}
        await asyncio.to_thread(bus.publish, Event(order_channel(order.pk), "order", data))
        await exchange.wait_for_body(b"event: order")
        await disconnect(exchange)

    asyncio.run(scenario())

    assert exchange.status == 200
    assert events(exchange.body)[-1] == (
        f'event: order\ndata: {{"id": {order.pk}, "number": "{order.number}", '
        '"state": "accepted", "kind": "moved"}'
    )


def test_a_guest_who_placed_the_order_hears_it(bus, city):
    order = make_order(make_shop(city))
    key = guest_session(comptoir_checkouts=["another-token", order.checkout.token])
    exchange = stream(f"/live/orders/{order.number.lower()}", key)

    async def scenario() -> None:
        await open_until_hello(exchange)
        await disconnect(exchange)

    asyncio.run(scenario())

    assert exchange.status == 200
    assert bus.fanout.channels() == set()


def test_nobody_else_learns_that_an_order_exists(bus, city):
    shop = make_shop(city)
    order = make_order(shop, customer=make_user())
    strangers = [
        None,
        guest_session(comptoir_checkouts=["another-token"]),
        guest_session(comptoir_checkouts=order.checkout.token),  # not a list: ignored
        signed_in(make_user()),
        signed_in(make_membership(shop, make_user()).user),  # the shop uses its desk
    ]

    answers = {
        (exchange.status, exchange.body)
        for exchange in [run_refused(stream(f"/live/orders/{order.number}", k)) for k in strangers]
        + [run_refused(stream("/live/orders/ZZZZ-ZZZZ", signed_in(make_user())))]
    }

    assert answers == {(404, b"Not Found")}


def test_a_database_failure_at_connect_answers_503_not_a_crash(bus, city, monkeypatch, caplog):
    from django.db import OperationalError

    from comptoir.interfaces.live import streams

    def unreachable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(streams, "desk_channel", unreachable)

    exchange = run_refused(stream("/live/shops/1/desk"))

    assert (exchange.status, exchange.body) == (503, b"Service Unavailable")
    assert exchange.headers[b"retry-after"] == b"5"
    assert "Could not check access to /live/shops/1/desk" in caplog.text
    assert bus.fanout.channels() == set()


def test_streams_only_answer_get(bus, city):
    shop = make_shop(city)

    exchange = run_refused(stream(f"/live/shops/{shop.pk}/desk", method="POST"))

    assert (exchange.status, exchange.headers[b"allow"]) == (405, b"GET")


@pytest.mark.parametrize(
    "path", ["/live/shops/12/desk/", "/live/shops/abc/desk", "/live/orders/", "/live/orders/a/b"]
)
def test_other_paths_are_not_found(bus, path):
    exchange = run_refused(stream(path))

    assert (exchange.status, exchange.body) == (404, b"Not Found")


def test_open_streams_end_when_the_server_stops(bus, city):
    shop = make_shop(city)
    key = signed_in(make_membership(shop, make_user()).user)
    app = build_application(web_threads=1, sweep_seconds=0)
    exchanges = [Exchange.http(app, f"/live/shops/{shop.pk}/desk") for _ in range(3)]
    for exchange in exchanges:
        exchange.scope["headers"].append((b"cookie", f"sessionid={key}".encode()))

    async def scenario() -> None:
        for exchange in exchanges:
            await open_until_hello(exchange)
        app.live.shutdown()
        for exchange in exchanges:
            await exchange.finished(timeout=2)

    asyncio.run(scenario())

    assert all(exchange.complete for exchange in exchanges)
    assert bus.fanout.channels() == set()


def test_a_stalled_desk_is_told_to_resync(bus, city, monkeypatch):
    from comptoir.core.event_bus import fanout

    monkeypatch.setattr(fanout, "QUEUE_SIZE", 2)
    shop = make_shop(city)
    key = signed_in(make_membership(shop, make_user()).user)
    exchange = stream(f"/live/shops/{shop.pk}/desk", key)
    release = asyncio.Event()
    original_send = exchange.send

    async def slow_send(message):
        if b"event: hello" in exchange.body:
            await release.wait()  # the client stopped reading
        await original_send(message)

    exchange.send = slow_send  # type: ignore[method-assign]

    async def scenario() -> None:
        await open_until_hello(exchange)
        for number in range(6):
            bus.publish(Event(shop_channel(shop.pk), "order", {"id": number}))
        await asyncio.sleep(0.05)
        release.set()
        await exchange.wait_for_body(b"event: resync")
        await asyncio.sleep(0.05)
        await disconnect(exchange)

    asyncio.run(scenario())

    assert events(exchange.body)[2:] == [
        ": ping",  # stalled here: 6 events for a queue of 2
        "event: resync\ndata: {}",
        'event: order\ndata: {"id": 5}',
    ]
