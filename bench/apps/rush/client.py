"""The rush's virtual users: signed-in customers browsing, searching and ordering through the pages.

Each virtual user is one keep-alive connection (harness.HttpClient) with its
own cookie jar, looping without think time (a closed loop: the step's
concurrency is the number of customers with a request in flight). Each turn
picks an action:

- 80 % browse: the city home, a trade's list, a shop page or a product page
  (one request, a quarter each);
- 15 % search: /<city>/search/?q=<a word of the catalogue> (one request);
- 5 % order: 1–2 products of one rush shop into the basket (a quarter of the
  time one of the scarce "hot" products instead), the checkout page, the
  checkout POST with the form's own fields as a browser sends them, and the
  confirmation page (5 requests). A hot product sold out is refused at the
  basket (the checkout page then sends back to the empty basket) or, when it
  sold out meanwhile, at the checkout POST (the page again, lines taken back
  out of the basket). After each order
  attempt the virtual user becomes the next customer (20,000 in turn).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bench.apps.rush.cpu import CpuSampler
from bench.harness import HttpClient, HttpError, Response, percentile
from tools.browser_form import checkout_form

KINDS = ("browse", "search", "order")
BROWSE_SHARE = 0.80
SEARCH_SHARE = 0.15
HOT_SHARE = 0.25  # of order attempts, the first product is a scarce one


@dataclass
class StepResult:
    """What one load step saw (only what completed inside the measured window)."""

    users: int
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    checkout_post_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection failures, unreadable answers
    unexpected: int = 0  # a 4xx, or a redirect where a page was expected
    orders: int = 0  # checkout POSTs answered 303 (placed)
    refused: int = 0  # checkout POSTs answered with the page again (sold out meanwhile)
    cpu: dict[str, float] = field(default_factory=dict)  # filled by the caller

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def orders_per_minute(self) -> float:
        return self.orders * 60 / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]

    def p(self, q: float, kind: str | None = None) -> float:
        return percentile(self.latencies[kind] if kind else self.all_latencies(), q)


class Window:
    """The measured window of a step: warm-up first, then `seconds` counted."""

    def __init__(self, warm_up: float, seconds: float) -> None:
        now = time.perf_counter()
        self.starts = now + warm_up
        self.stops = self.starts + seconds

    def counts(self, at: float) -> bool:
        return self.starts <= at <= self.stops


class VirtualUser:
    def __init__(
        self,
        *,
        number: int,
        ports: Sequence[int],
        data: dict[str, Any],
        users: int,
        result: StepResult,
        window: Window,
    ) -> None:
        self.client = HttpClient(ports[number % len(ports)])
        self.data = data
        self.city = data["city"]
        self.rng = random.Random(number * 7919 + users)
        self.customer = number  # next customer: + users each time
        self.users = users
        self.result = result
        self.window = window
        self.sign_in()

    def sign_in(self) -> None:
        sessions = self.data["sessions"]
        csrf = self.client.cookies.get("csrftoken")
        self.client.cookies = {"sessionid": sessions[self.customer % len(sessions)]}
        if csrf:
            self.client.cookies["csrftoken"] = csrf
        self.customer += self.users

    async def send(
        self, kind: str, method: str, path: str, form: dict[str, str] | None = None
    ) -> Response | None:
        started = time.perf_counter()
        try:
            if method == "GET":
                response = await self.client.get(path)
            else:
                response = await self.client.post_form(path, form or {})
        except (OSError, asyncio.IncompleteReadError, HttpError, ValueError):
            await self.client.close()
            if self.window.counts(time.perf_counter()):
                self.result.errors += 1
            return None
        ended = time.perf_counter()
        if self.window.counts(ended):
            self.result.latencies[kind].append((ended - started) * 1000)
            self.result.statuses[response.status] = self.result.statuses.get(response.status, 0) + 1
            if kind == "order" and method == "POST" and path.endswith("/checkout/"):
                self.result.checkout_post_ms.append((ended - started) * 1000)
        return response

    def expect(self, response: Response | None, *statuses: int) -> bool:
        if response is None:
            return False
        if response.status not in statuses:
            if response.status < 500 and self.window.counts(time.perf_counter()):
                self.result.unexpected += 1
            return False
        return True

    async def run(self) -> None:
        while time.perf_counter() < self.window.stops:
            draw = self.rng.random()
            if draw < BROWSE_SHARE:
                await self.browse()
            elif draw < BROWSE_SHARE + SEARCH_SHARE:
                word = self.rng.choice(self.data["words"])
                self.expect(
                    await self.send("search", "GET", f"/{self.city}/search/?q={quote(word)}"), 200
                )
            else:
                await self.order()
        await self.client.close()

    async def browse(self) -> None:
        page = self.rng.randrange(4)
        if page == 0:
            path = f"/{self.city}/"
        elif page == 1:
            path = f"/{self.city}/?trade={self.rng.choice(self.data['trades'])}"
        elif page == 2:
            path = f"/{self.city}/{self.rng.choice(self.data['shops'])}/"
        else:
            shop, product = self.rng.choice(self.data["products"])
            path = f"/{self.city}/{shop}/{product}/"
        self.expect(await self.send("browse", "GET", path), 200)

    def basket_choice(self) -> list[int]:
        if self.rng.random() < HOT_SHARE:
            return [self.rng.choice(self.data["hot"])]
        shop = self.rng.choice(self.data["orderable"])
        return self.rng.sample(shop, min(len(shop), self.rng.choice((1, 2))))

    async def order(self) -> None:
        city = self.city
        if "csrftoken" not in self.client.cookies:
            self.expect(await self.send("order", "GET", f"/{city}/"), 200)
        products = self.basket_choice()
        for product in products:
            form = {"product": str(product), "quantity": "1", **self.csrf()}
            if not self.expect(await self.send("order", "POST", f"/{city}/basket/add/", form), 302):
                break
        page = await self.send("order", "GET", f"/{city}/checkout/")
        if page is not None and page.status == 302:
            # Sold out before it reached the basket: the add was refused, the basket is empty.
            if self.window.counts(time.perf_counter()):
                self.result.refused += 1
        elif self.expect(page, 200) and page is not None:
            parser = checkout_form()
            parser.feed(page.text())
            form = parser.submitted() | {
                "name": f"Client {self.customer}",
                "email": f"rush{self.customer % len(self.data['sessions'])}@example.fr",
                "phone": "0612345678",
            }
            placed = await self.send("order", "POST", f"/{city}/checkout/", form | self.csrf())
            counted = self.window.counts(time.perf_counter())
            if placed is not None and placed.status == 303:
                if counted:
                    self.result.orders += 1
                done = placed.headers.get("location", "")
                if done.startswith("/"):
                    self.expect(await self.send("order", "GET", done), 200)
            elif placed is not None and placed.status == 200:
                if counted:
                    self.result.refused += 1
                for product in products:
                    path = f"/{city}/basket/lines/{product}/"
                    await self.send("order", "POST", path, {"quantity": "0", **self.csrf()})
            else:
                self.expect(placed, 303)
        self.sign_in()

    def csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}


async def run_step(
    *,
    ports: Sequence[int],
    data: dict[str, Any],
    users: int,
    warm_up: float,
    seconds: float,
    sampler: CpuSampler | None = None,
) -> StepResult:
    """`users` virtual users for warm_up + seconds; figures of the measured seconds."""
    result = StepResult(users=users)
    window = Window(warm_up, seconds)
    crowd = [
        VirtualUser(number=n, ports=ports, data=data, users=users, result=result, window=window)
        for n in range(users)
    ]

    async def sample() -> None:
        if sampler is None:
            return
        await asyncio.sleep(max(0.0, window.starts - time.perf_counter()))
        await asyncio.to_thread(sampler.start)
        await asyncio.sleep(max(0.0, window.stops - time.perf_counter()))
        result.cpu = sampler.stop()

    await asyncio.gather(sample(), *(user.run() for user in crowd))
    result.seconds = seconds
    return result
