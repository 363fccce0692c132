"""Live streams against real granian servers (tests/servers.py) on the test database."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from comptoir.core.event_bus import Bus, bus_from_settings, set_bus
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.models import Order
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.domain.shops.models import Shop
from tests.domain.orders.support import CONTACT, NOW, collect_at, make_scene
from tests.factories import (
    make_membership,
    make_opening_hours,
    make_product,
    make_shop,
    make_user,
)
from tests.servers import GuestBrowser, SSEStream, running_server, server_pids, thread_count

pytestmark = pytest.mark.django_db(transaction=True)
_tokens = itertools.count(1)


@pytest.fixture
def bus(settings) -> Iterator[tuple[str, Bus]]:
    """The multi-process backend of this run, as the servers build it from settings.

    PostgreSQL LISTEN/NOTIFY on PostgreSQL, else Redis pub/sub.
    """
    kind = "postgres" if connection.vendor == "postgresql" else "redis"
    settings.EVENT_BUS = kind
    bus = bus_from_settings()
    previous = set_bus(bus)
    yield kind, bus
    set_bus(previous)
    bus.close()


async def in_thread[T](function: Callable[..., T], *args: Any) -> T:
    """Run ORM code off the event loop, closing its thread's connection afterwards."""

    def call() -> T:
        try:
            return function(*args)
        finally:
            connections.close_all()

    return await asyncio.to_thread(call)


def signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def place_order(shop: Shop) -> Order:
    """A real checkout (one shop): the service publishes `placed` after commit."""
    customer = make_user()
    basket = basket_for(city=shop.city, user=customer, create=True)
    assert basket is not None
    basket_add(basket=basket, product=make_product(shop, stock=5), quantity=1)
    checkout = checkout_place(
        basket=basket,
        token=f"live-{next(_tokens)}",
        contact=CONTACT,
        choices={shop.pk: collect_at()},
        expected=None,
        now=NOW,
        customer=customer,
    )
    return checkout.orders.get()


def test_an_order_placed_anywhere_reaches_desks_on_every_server_process(bus, city):
    kind, _ = bus
    scene = make_scene(city)
    key = signed_in(make_membership(scene.bakery, make_user()).user)
    path = f"/live/shops/{scene.bakery.pk}/desk"

    async def listen(a: str, b: str) -> list[tuple[str, str]]:
        on_a = await SSEStream.open(a, path, session_key=key)
        on_b = await SSEStream.open(b, path, session_key=key)
        hellos = [await on_a.next_event(), await on_b.next_event()]
        order = await in_thread(place_order, scene.bakery)
        heard = [await on_a.next_event(), await on_b.next_event()]
        on_a.close()
        on_b.close()
        assert [name for name, _ in hellos] == ["hello", "hello"]
        expected = f'{{"id": {order.pk}, "number": "{order.number}", "state": "placed", '
        assert all(data.startswith(expected) for _, data in heard)
        return heard

    env = {"EVENT_BUS": kind, "LIVE_HEARTBEAT_SECONDS": "1"}
    with running_server(env=env) as a, running_server(env=env) as b:
        heard = asyncio.run(listen(a, b))

    assert [name for name, _ in heard] == ["order", "order"]


def test_an_order_placed_through_one_process_pages_reaches_a_desk_on_the_other(bus, city):
    kind, _ = bus
    shop = make_shop(city, slot_capacity=50)
    for weekday in range(7):
        make_opening_hours(shop, weekday, "00:00", "23:59")
    product = make_product(shop, stock=None)
    key = signed_in(make_membership(shop, make_user()).user)

    async def scenario(a: str, b: str) -> tuple[str, str]:
        desk = await SSEStream.open(b, f"/live/shops/{shop.pk}/desk", session_key=key)
        assert (await desk.next_event())[0] == "hello"
        await asyncio.to_thread(GuestBrowser(a).checkout, city.slug, product.pk)
        heard = await desk.next_event()
        desk.close()
        return heard

    env = {"EVENT_BUS": kind}
    with running_server(env=env) as a, running_server(env=env) as b:
        name, data = asyncio.run(scenario(a, b))

    order = Order.objects.get(shop=shop)
    assert (name, data) == (
        "order",
        f'{{"id": {order.pk}, "number": "{order.number}", "state": "placed", "kind": "placed"}}',
    )


def test_a_desk_that_lost_its_stream_reads_every_order_after_reconnecting(bus, city):
    kind, _ = bus
    scene = make_scene(city)
    shop = scene.bakery
    key = signed_in(make_membership(shop, make_user()).user)
    path = f"/live/shops/{shop.pk}/desk"

    def orders_on_the_desk() -> int:  # what the desk page re-reads: the database
        return Order.objects.filter(shop=shop).count()

    async def scenario(base_url: str) -> list[object]:
        seen: list[object] = []
        stream = await SSEStream.open(base_url, path, session_key=key)
        seen.append((await stream.next_event())[0])
        await in_thread(place_order, shop)
        seen.append((await stream.next_event())[0])
        stream.close()  # the phone lost its network
        await in_thread(place_order, shop)
        await in_thread(place_order, shop)
        stream = await SSEStream.open(base_url, path, session_key=key)
        event, _ = await stream.next_event()
        seen += [stream.retry, event, await in_thread(orders_on_the_desk)]
        stream.close()
        return seen

    with running_server(env={"EVENT_BUS": kind}) as base_url:
        seen = asyncio.run(scenario(base_url))

    # The events of the two orders placed while away were never sent, yet a
    # re-read on hello finds all three.
    assert seen == ["hello", "order", 2000, "hello", 3]


def test_refusals_come_back_as_plain_responses_from_the_server(city):
    shop = make_membership(make_scene(city).bakery, make_user()).shop
    keys = [None, signed_in(make_user())]

    async def scenario(base_url: str) -> list[tuple[int, str]]:
        answers = []
        for key in keys:
            stream = await SSEStream.open(base_url, f"/live/shops/{shop.pk}/desk", session_key=key)
            answers.append((stream.status, await stream.body()))
            stream.close()
        return answers

    with running_server() as base_url:
        answers = asyncio.run(scenario(base_url))

    assert answers == [(403, "Forbidden: sign in first"), (404, "Not Found")]


def test_hundreds_of_open_desks_hold_no_thread_each(city):
    shop = make_scene(city).bakery
    key = signed_in(make_membership(shop, make_user()).user)
    path = f"/live/shops/{shop.pk}/desk"

    async def open_desks(base_url: str, count: int) -> list[SSEStream]:
        streams = []
        for _ in range(count // 20):
            batch = await asyncio.gather(
                *(SSEStream.open(base_url, path, session_key=key) for _ in range(20))
            )
            for stream in batch:
                assert (await stream.next_event())[0] == "hello"
            streams += batch
        return streams

    def threads(base_url: str) -> int:
        return sum(thread_count(pid) for pid in server_pids(base_url))

    async def scenario(base_url: str) -> tuple[int, int, int]:
        warm = await open_desks(base_url, 20)  # thread pools at their working size
        before = threads(base_url)
        desks = await open_desks(base_url, 200)
        during = threads(base_url)
        for stream in warm + desks:
            stream.close()
        return before, during, len(desks)

    with running_server(env={"LIVE_HEARTBEAT_SECONDS": "1"}) as base_url:
        before, during, opened = asyncio.run(scenario(base_url))

    assert opened == 200
    assert during == before, f"{before} threads with 20 desks open, {during} with 220"


def waiting_order(shop: Shop, minutes: int) -> Order:
    """An order placed `minutes` ago that nobody answered."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_order

    return make_order(shop, placed_at=timezone.now() - timedelta(minutes=minutes))


def test_the_servers_own_sweep_rings_the_desk_of_an_unanswered_order(city):
    shop = make_scene(city).bakery  # escalates after 3 minutes
    key = signed_in(make_membership(shop, make_user()).user)

    async def scenario(base_url: str) -> tuple[str, str]:
        stream = await SSEStream.open(base_url, f"/live/shops/{shop.pk}/desk", session_key=key)
        assert (await stream.next_event())[0] == "hello"
        await in_thread(waiting_order, shop, 4)
        heard = await stream.next_event(timeout=10)
        stream.close()
        return heard

    with running_server(env={"DESK_SWEEP_SECONDS": "0.2"}) as base_url:
        heard = asyncio.run(scenario(base_url))

    order = Order.objects.get(shop=shop)
    assert heard == (
        "order",
        f'{{"id": {order.pk}, "number": "{order.number}", "state": "placed", "kind": "escalated"}}',
    )
    order.refresh_from_db()
    assert order.escalated_at is not None


def test_an_escalation_swept_by_one_process_reaches_a_desk_on_another(bus, city):
    kind, _ = bus
    shop = make_scene(city).bakery
    key = signed_in(make_membership(shop, make_user()).user)
    path = f"/live/shops/{shop.pk}/desk"

    async def scenario(b: str) -> tuple[str, str]:
        stream = await SSEStream.open(b, path, session_key=key)
        assert (await stream.next_event())[0] == "hello"
        await in_thread(waiting_order, shop, 4)  # only process A sweeps
        heard = await stream.next_event(timeout=10)
        stream.close()
        return heard

    with (
        running_server(env={"EVENT_BUS": kind, "DESK_SWEEP_SECONDS": "0.2"}),
        running_server(env={"EVENT_BUS": kind}) as b,
    ):
        name, data = asyncio.run(scenario(b))

    order = Order.objects.get(shop=shop)
    assert (name, data) == (
        "order",
        f'{{"id": {order.pk}, "number": "{order.number}", "state": "placed", "kind": "escalated"}}',
    )


def test_each_worker_of_a_server_runs_on_a_core_of_its_own(city):
    """Two granian workers pin themselves, every thread, to two cores (core/affinity.py)."""

    def cores(pid: int) -> set[frozenset[int]]:
        """The distinct CPU sets of the threads of `pid`."""
        return {
            frozenset(os.sched_getaffinity(int(tid))) for tid in os.listdir(f"/proc/{pid}/task")
        }

    def settled(base_url: str, *, pinning: bool) -> list[set[frozenset[int]]]:
        """Each worker's CPU sets, once both have started (a second at most after /healthz)."""
        deadline = time.monotonic() + 10
        while True:
            _, *workers = server_pids(base_url)
            found = [cores(pid) for pid in workers]
            started = not pinning or all(len(min(c, key=len)) == 1 for c in found)
            if len(found) == 2 and started:
                return found
            if time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    allowed = frozenset(os.sched_getaffinity(0))
    with running_server(processes=2) as base_url:
        pinned = settled(base_url, pinning=True)
        main_cores = cores(server_pids(base_url)[0])
    with running_server(processes=2, env={"WEB_PIN_CORES": "0"}) as base_url:
        settled(base_url, pinning=False)
        time.sleep(1)  # both past their start-up, where they would have pinned themselves
        unpinned = settled(base_url, pinning=False)

    assert main_cores == {allowed}  # granian's main process is left alone
    if len(allowed) >= 2:
        first, second = sorted(allowed)[:2]
        assert all(len(threads) == 1 for threads in pinned)  # every thread on the same cores
        assert sorted(sorted(mask) for threads in pinned for mask in threads) == [[first], [second]]
    else:  # one core: nothing to spread
        assert pinned == [{allowed}] * 2
    assert unpinned == [{allowed}] * 2
