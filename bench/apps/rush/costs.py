"""What each kind of page costs in CPU, one request at a time (no queueing, no contention).

One signed-in customer asks for each page kind `requests` times in a row,
then places `orders` orders (basket, checkout page, checkout POST,
confirmation: the rush's order flow, never a scarce product). The CPU
seconds of the app process and of the PostgreSQL backends of the scratch
database are read before and after each batch (/proc, clock ticks of 10 ms:
hence batches rather than single requests).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bench.apps.rush.client import StepResult, VirtualUser, Window
from bench.apps.rush.cpu import postgres_backends, process_seconds
from bench.harness import HttpClient


@dataclass(frozen=True)
class Cost:
    page: str
    requests: int
    server_ms: float  # app process CPU per request (per order for the order flow)
    database_ms: float  # PostgreSQL backends' CPU, same unit
    wall_ms: float  # median answer time


def _seconds(pids: Sequence[int]) -> float:
    return sum(process_seconds(pid) for pid in pids)


async def page_costs(
    *,
    port: int,
    data: dict[str, Any],
    server_pids: Callable[[], Sequence[int]],
    database_url: str,
    requests: int,
    orders: int,
) -> list[Cost]:
    rng = random.Random(3)
    city = data["city"]
    pages: dict[str, Callable[[], str]] = {
        "city home": lambda: f"/{city}/",
        "a trade's list": lambda: f"/{city}/?trade={rng.choice(data['trades'])}",
        "shop page": lambda: f"/{city}/{rng.choice(data['shops'])}/",
        "product page": lambda: "/{}/{}/{}/".format(city, *rng.choice(data["products"])),
        "search": lambda: f"/{city}/search/?q={quote(rng.choice(data['words']))}",
    }
    client = HttpClient(port)
    client.cookies = {"sessionid": data["sessions"][-1]}
    for path in pages.values():  # warm: templates compiled, connections open
        await client.get(path())
    database = postgres_backends(database_url)
    costs: list[Cost] = []
    for page, path in pages.items():
        walls = []
        server, db = _seconds(server_pids()), _seconds(database)
        for _ in range(requests):
            started = time.perf_counter()
            answer = await client.get(path())
            walls.append((time.perf_counter() - started) * 1000)
            if answer.status != 200:
                raise RuntimeError(f"{page} answered {answer.status}")
        server, db = _seconds(server_pids()) - server, _seconds(database) - db
        walls.sort()
        costs.append(
            Cost(
                page,
                requests,
                1000 * server / requests,
                1000 * db / requests,
                walls[len(walls) // 2],
            )
        )
    await client.close()

    result = StepResult(users=1)
    buyer = VirtualUser(
        number=len(data["sessions"]) - 2,
        ports=[port],
        data=data | {"hot": []},
        users=1,
        result=result,
        window=Window(0, 3600),
    )
    buyer.basket_choice = lambda: rng.sample(rng.choice(data["orderable"]), 1)  # type: ignore[method-assign]
    await buyer.order()  # warm
    result.orders = 0
    server, db = _seconds(server_pids()), _seconds(database)
    started = time.perf_counter()
    for _ in range(orders):
        await buyer.order()
    wall = (time.perf_counter() - started) * 1000
    server, db = _seconds(server_pids()) - server, _seconds(database) - db
    await buyer.client.close()
    placed = result.orders or 1
    costs.append(
        Cost(
            f"order flow ({len(result.latencies['order']) // max(1, orders + 1)} requests)",
            placed,
            1000 * server / placed,
            1000 * db / placed,
            wall / placed,
        )
    )
    return costs
