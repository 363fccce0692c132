"""The event bus, each backend against its real server: in-process, PostgreSQL, Redis.

The subscriber runs on an event loop in its own thread, as in the server;
the test thread publishes like a Django view does.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import urllib.parse
from collections.abc import Coroutine, Iterator
from typing import Any
from unittest import mock

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import transaction

from comptoir.core.database import database_from_url
from comptoir.core.event_bus import RESYNC, Bus, Subscription, bus_from_settings, set_bus
from comptoir.core.event_bus.fanout import FanOut
from comptoir.core.event_bus.inprocess import InProcessBus
from comptoir.core.event_bus.postgres import PostgresBus, PostgresListener
from comptoir.core.event_bus.redis_bus import RedisBus, RedisListener
from comptoir.core.event_bus.remote import RemoteBus, wire_name
from comptoir.core.events import Event, publish_after_commit

WAIT = 5.0
#: Redis channels are server-wide: this run's own.
NAMESPACE = f"comptoir-test-{os.getpid()}"


def postgres_url() -> str:
    """The suite's PostgreSQL server: always there, even on the SQLite run."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        # The server of the run, its maintenance database (the run's may not exist).
        return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    return "postgres://postgres@127.0.0.1:5432/postgres"


def require_redis() -> None:
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as exc:
        pytest.fail(
            f"Redis is required at {settings.REDIS_URL} (REDIS_URL) for the redis event bus "
            f"tests and none answers: {exc}",
            pytrace=False,
        )


class LoopThread:
    """An event loop in a thread, standing for the server's."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run[T](self, coroutine: Coroutine[Any, Any, T], timeout: float = WAIT) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def subscribe(self, bus: Bus, channels: list[str]) -> Subscription:
        return self.run(bus.subscribe(channels).open())

    def next(self, subscription: Subscription, timeout: float = WAIT) -> Event:
        return self.run(asyncio.wait_for(anext(subscription), timeout), timeout + 1)

    def close(self, subscription: Subscription) -> None:
        async def close() -> None:
            subscription.close()

        self.run(close())

    def stop(self) -> None:
        async def drain() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.run(drain())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT)
        self.loop.close()


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.stop()


def make_bus(kind: str) -> Bus:
    if kind == "postgres":
        return PostgresBus(postgres_url())
    if kind == "redis":
        require_redis()
        return RedisBus(settings.REDIS_URL, namespace=NAMESPACE)
    return InProcessBus()


@pytest.fixture(params=["inprocess", "postgres", "redis"])
def bus(request) -> Iterator[Bus]:
    bus = make_bus(request.param)
    previous = set_bus(bus)
    yield bus
    set_bus(previous)
    bus.close()


def event(channel: str, number: int = 1) -> Event:
    return Event(channel=channel, name="order", data={"id": number, "kind": "placed"})


def wait_until(condition: Any, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_it_delivers_an_event_published_after_commit_once_committed(bus, loop):
    subscription = loop.subscribe(bus, ["shop.1"])

    with transaction.atomic():
        publish_after_commit("shop.1", "order", {"id": 7, "kind": "placed"})
        # Not yet: a desk must never hear of an order it cannot read.
        assert subscription._queue.empty()
        time.sleep(0.05)
        assert subscription._queue.empty()

    assert loop.next(subscription) == Event("shop.1", "order", {"id": 7, "kind": "placed"})


@pytest.mark.django_db(transaction=True)
def test_it_publishes_nothing_when_the_transaction_rolls_back(bus, loop):
    subscription = loop.subscribe(bus, ["shop.1"])

    with transaction.atomic():
        publish_after_commit("shop.1", "order", {"id": 7, "kind": "placed"})
        transaction.set_rollback(True)
    bus.publish(event("shop.1", 8))  # a marker: whatever came first would be read first

    assert loop.next(subscription) == event("shop.1", 8)


def test_it_delivers_the_channels_subscribed_to_and_only_those(bus, loop):
    subscription = loop.subscribe(bus, ["shop.1", "order.2"])
    other = loop.subscribe(bus, ["shop.3"])

    for channel in ("shop.3", "order.2", "shop.1", "shop.4"):
        bus.publish(event(channel))
    bus.publish(event("shop.1", 99))  # marker

    received = [loop.next(subscription) for _ in range(3)]
    assert received == [event("order.2"), event("shop.1"), event("shop.1", 99)]
    assert loop.next(other) == event("shop.3")


def test_it_delivers_one_event_to_every_subscriber_of_its_channel(bus, loop):
    first = loop.subscribe(bus, ["shop.1"])
    second = loop.subscribe(bus, ["shop.1"])

    publisher = threading.Thread(target=bus.publish, args=(event("shop.1"),))
    publisher.start()
    publisher.join(WAIT)

    assert (loop.next(first), loop.next(second)) == (event("shop.1"), event("shop.1"))


def test_it_forgets_a_closed_subscription(bus, loop):
    kept = loop.subscribe(bus, ["shop.1"])
    closed = loop.subscribe(bus, ["shop.1", "shop.2"])

    loop.close(closed)
    bus.publish(event("shop.2"))
    bus.publish(event("shop.1"))

    assert loop.next(kept) == event("shop.1")
    assert closed._queue.empty()
    assert bus.fanout.channels() == {"shop.1"}
    with pytest.raises(StopAsyncIteration):
        loop.next(closed)


@pytest.mark.parametrize("kind", ["postgres", "redis"])
def test_its_listener_stops_with_its_last_subscriber(kind, loop):
    bus = make_bus(kind)
    assert isinstance(bus, RemoteBus)
    first = loop.subscribe(bus, ["shop.1"])
    second = loop.subscribe(bus, ["shop.2"])
    listener = next(iter(bus._listeners.values()))

    loop.close(first)
    time.sleep(0.1)
    assert listener._task is not None
    assert not listener._task.done()
    loop.close(second)

    wait_until(lambda: listener._task is not None and listener._task.done())
    assert bus._listeners == {}
    assert listener.connections == 1
    if isinstance(listener, PostgresListener):
        assert listener.conn is None
    else:
        assert isinstance(listener, RedisListener)
        assert listener.pubsub is None
    bus.close()


def kill_listener_connection(listener: Any) -> None:
    if isinstance(listener, PostgresListener):
        assert listener.conn is not None
        pid = listener.conn.info.backend_pid
        with psycopg.connect(postgres_url(), autocommit=True) as admin:
            row = admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
        assert row == (True,)
    else:
        client = redis.Redis.from_url(settings.REDIS_URL)
        (found,) = [c for c in client.client_list() if c["name"] == listener.client_name]
        assert client.client_kill_filter(_id=found["id"]) == 1
        client.close()


@pytest.mark.parametrize("kind", ["postgres", "redis"])
def test_its_listener_reconnects_and_tells_subscribers_to_resync(kind, loop):
    bus = make_bus(kind)
    assert isinstance(bus, RemoteBus)
    subscription = loop.subscribe(bus, ["shop.1", "order.5"])
    listener = next(iter(bus._listeners.values()))
    bus.publish(event("shop.1", 1))
    assert loop.next(subscription) == event("shop.1", 1)

    kill_listener_connection(listener)

    # Whatever was published while it was down is lost: the client re-reads.
    assert loop.next(subscription) == Event("order.5", RESYNC, {})
    assert listener.connections == 2
    bus.publish(event("shop.1", 2))
    bus.publish(event("order.5", 3))
    assert [loop.next(subscription), loop.next(subscription)] == [
        event("shop.1", 2),
        event("order.5", 3),
    ]
    loop.close(subscription)
    bus.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["postgres", "redis"])
def test_a_bus_that_cannot_publish_does_not_undo_the_commit(kind, caplog):
    from comptoir.domain.cities.models import City
    from tests.factories import make_city

    dead = (
        PostgresBus("postgres://postgres@127.0.0.1:1/postgres")
        if kind == "postgres"
        else RedisBus("redis://127.0.0.1:1/0")
    )
    previous = set_bus(dead)
    try:
        with transaction.atomic():
            make_city(slug="rouen")
            publish_after_commit("shop.1", "order", {"id": 1})
    finally:
        set_bus(previous)

    assert list(City.objects.values_list("slug", flat=True)) == ["rouen"]
    (record,) = [r for r in caplog.records if "on_commit" in r.getMessage()]
    assert record.levelname == "ERROR"


def test_a_subscriber_that_falls_behind_gets_one_resync_instead_of_its_backlog(loop):
    bus = InProcessBus()
    subscription = loop.run(
        Subscription(["shop.1"], on_open=bus._open, on_close=bus.fanout.remove, maxsize=3).open()
    )

    for number in range(5):
        bus.publish(event("shop.1", number))
    bus.publish(event("shop.1", 99))

    # 3 queued, the 4th overflowed: dropped for a resync; then the queue fills again.
    assert [loop.next(subscription) for _ in range(3)] == [
        Event("shop.1", RESYNC, {}),
        event("shop.1", 4),
        event("shop.1", 99),
    ]
    assert subscription.dropped == 3


def fanout_add(fanout: FanOut) -> Any:
    async def add(subscription: Subscription) -> None:
        fanout.add(subscription)

    return add


def test_publishing_to_a_subscription_whose_loop_is_closed_is_harmless():
    fanout = FanOut()
    dead = asyncio.new_event_loop()
    subscription = Subscription(["shop.1"], on_open=fanout_add(fanout), on_close=fanout.remove)
    subscription.loop = dead
    fanout.add(subscription)
    dead.close()

    fanout.deliver_threadsafe(event("shop.1"))

    assert subscription._queue.empty()


def test_redis_buses_of_two_sites_do_not_hear_each_other(loop):
    require_redis()
    ours = RedisBus(settings.REDIS_URL, namespace=NAMESPACE)
    theirs = RedisBus(settings.REDIS_URL, namespace=f"{NAMESPACE}-other")
    subscription = loop.subscribe(ours, ["shop.1"])

    theirs.publish(event("shop.1", 1))
    ours.publish(event("shop.1", 2))

    assert loop.next(subscription) == event("shop.1", 2)
    loop.close(subscription)
    ours.close()
    theirs.close()


def test_it_names_the_redis_namespace_after_the_database(settings):
    settings.EVENT_BUS = "redis"

    with mock.patch.dict(settings.DATABASES["default"], NAME="/srv/rouen.sqlite3", HOST=""):
        rouen = bus_from_settings()
    with mock.patch.dict(settings.DATABASES["default"], NAME="/srv/caen.sqlite3", HOST=""):
        caen = bus_from_settings()

    assert isinstance(rouen, RedisBus)
    assert isinstance(caen, RedisBus)
    assert rouen.prefix.startswith("comptoir-")
    assert rouen.wire("shop.1") == f"{rouen.prefix}comptoir_shop_1"
    assert rouen.prefix != caen.prefix
    rouen.close()
    caen.close()


def test_it_gives_servers_safe_channel_names():
    assert wire_name("shop.12") == "comptoir_shop_12"
    assert wire_name("Order.7; DROP") == "comptoir_order_7__drop"
    long = wire_name("x" * 100)
    assert len(long) == 63
    assert long != wire_name("x" * 99)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("inprocess", InProcessBus), ("redis", RedisBus)],
)
def test_it_builds_the_bus_named_in_settings(settings, kind, expected):
    settings.EVENT_BUS = kind

    bus = bus_from_settings()

    assert type(bus) is expected
    bus.close()


def test_it_builds_a_postgres_bus_on_the_database_server(settings):
    settings.EVENT_BUS = "postgres"
    database = database_from_url(postgres_url())

    with mock.patch.dict(settings.DATABASES["default"], database):
        bus = bus_from_settings()

    assert isinstance(bus, PostgresBus)
    with psycopg.connect(bus.dsn) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (database["NAME"],)


def test_it_refuses_a_postgres_bus_without_a_postgres_database(settings):
    settings.EVENT_BUS = "postgres"

    with (
        mock.patch.dict(settings.DATABASES["default"], ENGINE="django.db.backends.sqlite3"),
        pytest.raises(ValueError, match="EVENT_BUS=postgres needs DATABASE_URL"),
    ):
        bus_from_settings()


def test_it_refuses_an_unknown_bus(settings):
    settings.EVENT_BUS = "carrier-pigeon"

    with pytest.raises(ValueError, match="Unknown EVENT_BUS 'carrier-pigeon'"):
        bus_from_settings()
