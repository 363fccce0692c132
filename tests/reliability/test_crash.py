"""Issue #5, guarantee 9: kill -9 the server under a checkout load; nothing confirmed is lost.

Each round starts a real granian server on the test database, lets four
guests place orders through the real pages as fast as they can, and, once
the round's first order is confirmed, kills every server process with
SIGKILL at a random moment of the next second: mid-request,
mid-transaction, mid-commit. After each kill the
database must pass its integrity check (SQLite: `PRAGMA integrity_check` on
the file the dead process was writing; PostgreSQL: the server's own recovery
of the dropped connections, then a consistency query), and every checkout
whose confirmation a guest received (HTTP 303 to its page) must be there with
its order. A new server then starts on the same port for the next round.

`make test` runs 3 rounds; `make stress` runs 20 (STRESS_KILLS).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time

import pytest
from django.db import connection

from comptoir.domain.orders.models import Checkout, Order
from tests.factories import make_opening_hours, make_product, make_shop
from tests.servers import GuestBrowser, free_port, running_server, server_pids

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = int(os.environ.get("STRESS_KILLS", "3"))
GUESTS = 4


def integrity_ok() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            return [row[0] for row in cursor.fetchall()] == ["ok"]
        # Every order belongs to a checkout and totals add up (the constraints
        # would have refused anything else); this reads every row back.
        cursor.execute(
            "SELECT count(*) FROM orders_order o "
            "LEFT JOIN orders_checkout c ON c.id = o.checkout_id WHERE c.id IS NULL"
        )
        return cursor.fetchone()[0] == 0


def test_killing_the_server_under_load_loses_no_confirmed_order(city):
    shop = make_shop(city, slot_capacity=10_000)
    for weekday in range(7):
        make_opening_hours(shop, weekday, "00:00", "23:59")
    product = make_product(shop, stock=None)
    port = free_port()
    confirmed: list[str] = []
    kills = 0
    rng = random.Random(20261126)

    for _ in range(ROUNDS):
        stop = threading.Event()

        with running_server(port=port) as base_url:

            def load(base_url: str, stop: threading.Event) -> None:
                while not stop.is_set():
                    try:
                        done = GuestBrowser(base_url).checkout(city.slug, product.pk)
                    except Exception:  # the server is being killed under us
                        return
                    confirmed.append(done.rstrip("/").rsplit("/", 1)[-1])

            threads = [threading.Thread(target=load, args=(base_url, stop)) for _ in range(GUESTS)]
            before = len(confirmed)
            for thread in threads:
                thread.start()
            # Kill while orders are flowing: once this round has confirmed one
            # (however slow the machine is), then at a random moment.
            deadline = time.monotonic() + 60
            while len(confirmed) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 1.0))
            for pid in reversed(server_pids(base_url)):
                os.kill(pid, signal.SIGKILL)
            kills += 1
            stop.set()
            for thread in threads:
                thread.join(timeout=30)

        assert integrity_ok(), f"integrity check failed after kill {kills}"

    print(f"{kills} kills, {len(confirmed)} confirmed checkouts, all present")  # for make stress
    assert kills == ROUNDS
    assert len(confirmed) >= ROUNDS, "a round confirmed no order: the load did not run"
    found = set(Checkout.objects.filter(token__in=confirmed).values_list("token", flat=True))
    assert set(confirmed) == found
    assert Order.objects.filter(checkout__token__in=confirmed).count() == len(confirmed)
