"""Desk latency: a customer places an order → the shop's open desks hear it.

    python -m bench.desk_latency            # 20 orders, 1,000 desks, 3 runs per set-up
    python -m bench.desk_latency --quick    # 20 orders, 100 desks, 1 run

For each database (SQLite, PostgreSQL) the harness copies a small migrated
database (bench/harness.py), seeds a city with 100 shops (always open, unlimited stock, large
pickup slots) and a signed-in staff session per desk, then starts real
granian servers (production settings, pages through WSGI, /live/ native).

Set-ups:

- one process, in-process bus: desks and checkouts on the same server;
- two processes, PostgreSQL LISTEN/NOTIFY (on PostgreSQL) or Redis pub/sub
  (on SQLite; on PostgreSQL too with `--all-buses`): every desk on server B,
  every checkout on server A, so every event crosses processes (the worst
  case).

The client is one asyncio process: 1,000 raw HTTP/1.1 connections read the
desk streams (10 per shop); orders are placed one after another by a real
guest checkout through the pages (add to basket, GET the checkout page,
POST the form as a browser would), after 5 warm-up orders. Two latencies,
per desk and order, in milliseconds:

- commit → desk: from the order's commit (the server runs
  bench/apps/desk/asgi.py, Comptoir's application with each event stamped
  when `publish` runs, which is on commit) to the `event: order` line
  reaching the desk. Target: p99 < 50 ms with 1,000 desks connected.
- tap → desk: from sending the checkout POST (the customer's tap on
  "Order"), so it includes the checkout itself (stock, slot, totals,
  commit), reported beside it as "checkout POST", with the share of events
  a desk heard before the customer's confirmation answer arrived.

For the two-process set-ups, a second phase measures the bus alone: a third
process publishes as many timestamped events straight to the shared bus
(one every 5 ms, round-robin over the shops) and each desk on server B
notes publish → arrival (wall clock, same machine).

Scratch data: bench/harness.py's scratch databases `desk_<vendor>` (dropped
at the end) and server logs in /tmp/comptoir-bench/; Redis at REDIS_URL
(redis://127.0.0.1:6379/0). The three runs of a set-up share its servers and its
open desks (the first run starts with the warm-up orders).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import harness
from tools.browser_form import checkout_form

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SHOPS = 100  # 1,000 desks: 10 per shop (a counter, a tablet, phones)
CITY = "bench-ville"
TARGET_P99_MS = 50.0  # commit → desk
WARM_UP = 5  # orders placed before measuring


# --- Seeding (runs in a child process with Django set up) ---------------------------


def seed(desks_per_shop: int) -> dict[str, Any]:
    import django

    django.setup()
    from datetime import time as clock
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from comptoir.domain.accounts.backends import LOGIN_BACKEND
    from comptoir.domain.accounts.models import User
    from comptoir.domain.catalogue.models import Product
    from comptoir.domain.cities.models import City
    from comptoir.domain.shops.models import Membership, OpeningHours, Role, Shop

    city = City.objects.create(
        name="Bench-Ville",
        slug=CITY,
        latitude=Decimal("49.443200"),
        longitude=Decimal("1.099971"),
        is_live=True,
    )
    shops = []
    for n in range(SHOPS):
        shop = Shop.objects.create(
            city=city,
            name=f"Boulangerie {n}",
            slug=f"boulangerie-{n}",
            trade="bakery",
            street=f"{n} rue du Banc",
            postal_code="76000",
            locality="Rouen",
            latitude=Decimal("49.440800"),
            longitude=Decimal("1.092100"),
            slot_minutes=60,
            slot_capacity=30000,
            lead_time_minutes=5,
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(shop=shop, weekday=day, opens=clock(0, 0), closes=clock(23, 59))
            for day in range(7)
        )
        product = Product.objects.create(
            shop=shop,
            city=city,
            name=f"Baguette {n}",
            slug=f"baguette-{n}",
            price=Decimal("1.30"),
            vat_rate=Decimal("5.50"),
            stock=None,
        )
        sessions = []
        for d in range(desks_per_shop):
            user = User.objects.create_user(email=f"desk{n}-{d}@example.fr", password=None)
            Membership.objects.create(shop=shop, user=user, role=Role.STAFF)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = LOGIN_BACKEND  # what a log-in names
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            sessions.append(session.session_key)
        shops.append({"id": shop.pk, "product": product.pk, "sessions": sessions})
    return {"city": CITY, "shops": shops}


# --- Servers -----------------------------------------------------------------------


@contextmanager
def server(env: dict[str, str]) -> Iterator[int]:
    """`make run`'s granian, serving bench/apps/desk/asgi.py (events stamped on publish)."""
    port = harness.free_port()
    argv = harness.granian_comptoir(port)
    argv[-1] = "bench.apps.desk.asgi:application"
    with harness.server(argv, env, port=port, name="desk") as running:
        yield running.port


# --- Clients -----------------------------------------------------------------------


class Browser:
    """A guest with a cookie jar, on http.client (run in a thread)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            }
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        conn.close()
        return response.status, text

    def prepare(self, shop: dict[str, Any]) -> dict[str, str]:
        """Fill the basket and read the checkout form: everything before the tap."""
        if "csrftoken" not in self.cookies:
            self.request("GET", f"/{CITY}/")
        status, _ = self.request(
            "POST",
            f"/{CITY}/basket/add/",
            {"product": str(shop["product"]), "quantity": "1", **self.csrf()},
        )
        assert status == 302, status
        status, page = self.request("GET", f"/{CITY}/checkout/")
        assert status == 200, status
        parser = checkout_form()
        parser.feed(page)
        form = parser.submitted()
        form |= {"name": "Camille Banc", "email": "camille@example.fr", "phone": "0612345678"}
        return form

    def csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}

    def place(self, form: dict[str, str]) -> str:
        status, page = self.request("POST", f"/{CITY}/checkout/", form | self.csrf())
        if status != 303:
            errors = re.findall(r'class="field__error"[^>]*>([^<]+)', page)
            raise RuntimeError(f"checkout answered {status}: {errors or page[:300]}")
        return "placed"


@dataclass
class Desk:
    shop_id: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    heard: dict[str, float] = field(default_factory=dict)  # order number → perf_counter
    commit_ms: dict[str, float] = field(default_factory=dict)  # order number → commit → heard
    bus_ms: list[float] = field(default_factory=list)  # published → heard, bench events


async def open_desk(port: int, shop_id: int, session_key: str) -> Desk:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /live/shops/{shop_id}/desk HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: sessionid={session_key}\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0], head
    desk = Desk(shop_id, reader, writer)
    while b"event: hello" not in await reader.readline():
        pass
    return desk


async def read_desk(desk: Desk) -> None:
    """Timestamp each `event: order` as soon as its data line arrives."""
    event = ""
    while line := await desk.reader.readline():
        if line.startswith(b"event: "):
            event = line[7:].strip().decode()
        elif line.startswith(b"data: ") and event == "order":
            now = time.perf_counter()
            data = json.loads(line[6:])
            if data.get("kind") == "placed" and "number" in data:
                desk.heard.setdefault(data["number"], now)
                if "bench_committed" in data:
                    desk.commit_ms.setdefault(
                        data["number"], (time.time() - data["bench_committed"]) * 1000
                    )
            elif data.get("kind") == "bench":
                desk.bus_ms.append((time.time() - data["sent"]) * 1000)
            event = ""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def publish(count: int, shop_ids: list[int]) -> None:
    """Publish `count` timestamped events through the configured bus (a child process)."""
    import django

    django.setup()
    from comptoir.core.event_bus import get_bus
    from comptoir.core.events import Event, shop_channel

    bus = get_bus()
    for n in range(count):
        channel = shop_channel(shop_ids[n % len(shop_ids)])
        bus.publish(Event(channel, "order", {"kind": "bench", "n": n, "sent": time.time()}))
        time.sleep(0.005)
    bus.close()


async def measure(
    *,
    desk_port: int,
    order_port: int,
    seeded: dict[str, Any],
    orders: int,
    desks: int,
    publisher_env: dict[str, str] | None,
    runs: int,
) -> list[dict[str, Any]]:
    """`runs` measures on desks opened once (opening 1,000 desks takes seconds)."""
    per_shop = desks // SHOPS
    opened = await asyncio.gather(
        *(
            open_desk(desk_port, shop["id"], key)
            for shop in seeded["shops"]
            for key in shop["sessions"][:per_shop]
        )
    )
    readers = [asyncio.ensure_future(read_desk(desk)) for desk in opened]
    browser = Browser(order_port)
    try:
        return [
            await measure_run(
                opened, browser, seeded, orders, per_shop, publisher_env, warm_up=WARM_UP * (n == 0)
            )
            for n in range(runs)
        ]
    finally:
        for task in readers:
            task.cancel()
        for desk in opened:
            desk.writer.close()


async def measure_run(
    opened: list[Desk],
    browser: Browser,
    seeded: dict[str, Any],
    orders: int,
    per_shop: int,
    publisher_env: dict[str, str] | None,
    *,
    warm_up: int,
) -> dict[str, Any]:
    tap_ms: list[float] = []
    commit_ms: list[float] = []
    early: list[bool] = []
    post_ms: list[float] = []
    for desk in opened:
        desk.bus_ms.clear()
    for n in range(-warm_up, orders):
        shop = seeded["shops"][n % SHOPS]
        form = await asyncio.to_thread(browser.prepare, shop)
        listeners = [d for d in opened if d.shop_id == shop["id"]]
        before = {id(d): set(d.heard) for d in listeners}
        sent = time.perf_counter()
        await asyncio.to_thread(browser.place, form)
        answered = time.perf_counter()
        deadline = answered + 5
        while not all(set(d.heard) - before[id(d)] for d in listeners):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"a desk of shop {shop['id']} never heard order {n}")
            await asyncio.sleep(0.001)
        if n < 0:
            continue  # warm-up: first requests load code and templates
        post_ms.append((answered - sent) * 1000)
        for desk in listeners:
            (number,) = set(desk.heard) - before[id(desk)]
            tap_ms.append((desk.heard[number] - sent) * 1000)
            commit_ms.append(desk.commit_ms[number])
            early.append(desk.heard[number] <= answered)
    bus_ms: list[float] = []
    if publisher_env is not None:
        # The bus alone: a third process publishes straight to the shared bus.
        shop_ids = ",".join(str(shop["id"]) for shop in seeded["shops"])
        publisher = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.desk_latency",
            "--publish",
            str(orders),
            shop_ids,
            cwd=ROOT,
            env=publisher_env,
        )
        assert await publisher.wait() == 0
        expected = orders * per_shop
        deadline = time.perf_counter() + 10
        while sum(len(d.bus_ms) for d in opened) < expected and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        bus_ms = [ms for desk in opened for ms in desk.bus_ms]
        if len(bus_ms) != expected:
            raise RuntimeError(f"desks heard {len(bus_ms)} of {expected} bus events")
    return {
        "events": len(tap_ms),
        "commit_p50": percentile(commit_ms, 0.50),
        "commit_p99": percentile(commit_ms, 0.99),
        "commit_max": max(commit_ms),
        "p50": percentile(tap_ms, 0.50),
        "p99": percentile(tap_ms, 0.99),
        "max": max(tap_ms),
        "post_p50": percentile(post_ms, 0.50),
        "post_p99": percentile(post_ms, 0.99),
        "early": 100 * sum(early) / len(early),
        "bus": len(bus_ms),
        "bus_p50": percentile(bus_ms, 0.50) if bus_ms else 0.0,
        "bus_p99": percentile(bus_ms, 0.99) if bus_ms else 0.0,
        "bus_max": max(bus_ms) if bus_ms else 0.0,
    }


# --- Orchestration -----------------------------------------------------------------


def run(args: list[str], env: dict[str, str]) -> str:
    return subprocess.run(  # noqa: S603 (our manage.py / module, fixed arguments)
        [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def prepare_database(vendor: str, desks: int) -> tuple[dict[str, str], dict[str, Any]]:
    """A migrated scratch database (a copy of the small demo city, no migrate to wait for)."""
    city = harness.large_city(vendor, f"desk_{vendor}", shops=100)
    seeded = json.loads(
        run(["-m", "bench.desk_latency", "--seed", str(desks // SHOPS)], city.env).splitlines()[-1]
    )
    return city.env, seeded


def setups(vendor: str, *, all_buses: bool = False) -> list[tuple[str, str, int]]:
    """(label, EVENT_BUS, processes): one process, and two with a shared bus.

    Two processes on PostgreSQL use its LISTEN/NOTIFY; Redis pub/sub is
    measured on SQLite (which has no bus of its own), and on PostgreSQL too
    with `all_buses` (`--all-buses`: 23 s more, the same few milliseconds).
    """
    found = [("1 process, in-process bus", "inprocess", 1)]
    if vendor == "postgresql":
        found.append(("2 processes, PostgreSQL LISTEN/NOTIFY", "postgres", 2))
    if vendor == "sqlite" or all_buses:
        found.append(("2 processes, Redis pub/sub", "redis", 2))
    return found


def bench_setup(
    env: dict[str, str],
    seeded: dict[str, Any],
    bus: str,
    processes: int,
    *,
    orders: int,
    desks: int,
    runs: int,
) -> list[dict[str, Any]]:
    """`runs` measures on the same servers and the same open desks, each with its own orders."""
    env = env | {"EVENT_BUS": bus}
    with server(env) as a:
        if processes == 1:
            return asyncio.run(
                measure(
                    desk_port=a,
                    order_port=a,
                    seeded=seeded,
                    orders=orders,
                    desks=desks,
                    publisher_env=None,
                    runs=runs,
                )
            )
        with server(env) as b:
            return asyncio.run(
                measure(
                    desk_port=b,
                    order_port=a,
                    seeded=seeded,
                    orders=orders,
                    desks=desks,
                    publisher_env=env,
                    runs=runs,
                )
            )


def bus_summary(label: str, runs: list[dict[str, Any]]) -> str:
    def cell(key: str) -> str:
        values = [r[key] for r in runs]
        if len(values) == 1:
            return f"{values[0]:.1f}"
        return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"

    p99 = statistics.median(r["bus_p99"] for r in runs)
    verdict = "met" if p99 < TARGET_P99_MS else "MISSED"
    return (
        f"| {label} | {runs[0]['bus']} | {cell('bus_p50')} | **{cell('bus_p99')}** "
        f"| {cell('bus_max')} | {verdict} |"
    )


def summary(label: str, runs: list[dict[str, Any]]) -> str:
    def cell(key: str) -> str:
        values = [r[key] for r in runs]
        if len(values) == 1:
            return f"{values[0]:.1f}"
        return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"

    p99 = statistics.median(r["commit_p99"] for r in runs)
    verdict = "met" if p99 < TARGET_P99_MS else "MISSED"
    return (
        f"| {label} | {runs[0]['events']} | {cell('commit_p50')} | **{cell('commit_p99')}** "
        f"| {cell('commit_max')} | {verdict} | {cell('p50')} | {cell('p99')} | {cell('max')} "
        f"| {cell('post_p50')} | {cell('post_p99')} | {cell('early')} % |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 orders, 20 desks, one run")
    parser.add_argument("--runs", type=int, default=None, help="runs per set-up (default 3)")
    parser.add_argument("--orders", type=int, default=None)
    parser.add_argument("--desks", type=int, default=None)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--all-buses", action="store_true", help="Redis pub/sub on PostgreSQL too")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--publish", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publish is not None:
        publish(int(args.publish[0]), [int(i) for i in args.publish[1].split(",")])
        return
    if args.seed is not None:
        print(json.dumps(seed(args.seed)))
        return
    orders = args.orders or 20  # x 10 desks each: 200 events a run
    desks = args.desks or (100 if args.quick else 1000)
    runs = args.runs or (1 if args.quick else 3)
    print(
        f"## Desk latency: {orders} orders, {desks} desks ({SHOPS} shops), {runs} run(s) per "
        f"set-up\n\n{harness.machine()}\n"
    )
    print(
        "| set-up | events | commit → desk p50 | p99 | max | p99 < 50 ms "
        "| tap → desk p50 | p99 | max | checkout POST p50 | POST p99 "
        "| desk before confirmation |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    bus_lines = []
    # --quick checks the harness on SQLite; `--quick --only postgresql` for the other.
    for vendor in args.only or (["sqlite"] if args.quick else ["sqlite", "postgresql"]):
        env, seeded = prepare_database(vendor, desks)
        for label, bus, processes in setups(vendor, all_buses=args.all_buses):
            results = bench_setup(
                env, seeded, bus, processes, orders=orders, desks=desks, runs=runs
            )
            name = "SQLite" if vendor == "sqlite" else "PostgreSQL"
            print(summary(f"{name}, {label}", results), flush=True)
            if processes > 1:
                bus_lines.append(bus_summary(f"{name} database, {label}", results))
        harness.drop_scratch(vendor, f"desk_{vendor}")
    print("\nThe bus alone: published by a third process → heard by a desk on server B")
    print("| set-up | events | p50 | p99 | max | p99 < 50 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for line in bus_lines:
        print(line)


if __name__ == "__main__":
    main()
