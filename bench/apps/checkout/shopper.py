"""A guest shopping through the real pages, on the harness's keep-alive HttpClient.

One loop: add one product of shop A and one of shop B to the basket (two
form posts, each answered by a redirect), GET the checkout page, read its
form as a browser would submit it (first offered slot of each shop, the
hidden token, expected prices and summary key), fill in the contact and POST
it. A 303 is a placed checkout (one order per shop); a 200 is the page back
with a refusal (a product sold out meanwhile): the guest then walks away
(drops its session) and starts over with an empty basket.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.harness import HttpClient, Response
from tools.browser_form import checkout_form

CONTACT = {"name": "Camille Banc", "email": "camille@example.fr", "phone": "0612345678"}


@dataclass
class Tally:
    """What the shoppers saw while `measuring`."""

    measuring: bool = False
    loops: int = 0
    placed: int = 0
    refused: int = 0
    add_refused: int = 0
    server_errors: int = 0
    other: dict[int, int] = field(default_factory=dict)
    post_ms: list[float] = field(default_factory=list)
    loop_ms: list[float] = field(default_factory=list)


class Shopper:
    def __init__(self, port: int, city: str) -> None:
        self.client = HttpClient(port)
        self.city = city

    def csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}

    def _note(self, tally: Tally, response: Response) -> None:
        if tally.measuring and response.status >= 500:
            tally.server_errors += 1

    async def loop(self, products: tuple[int, int], tally: Tally) -> None:
        """One basket of two shops, ordered; counts go to `tally` if it is measuring."""
        started = time.perf_counter()
        measuring = tally.measuring
        if "csrftoken" not in self.client.cookies:
            self._note(tally, await self.client.get(f"/{self.city}/"))
        for product in products:
            added = await self.client.post_form(
                f"/{self.city}/basket/add/",
                {"product": str(product), "quantity": "1"} | self.csrf(),
            )
            self._note(tally, added)
            # A refused add (sold out meanwhile) answers the same redirect, with a message.
        page = await self.client.get(f"/{self.city}/checkout/")
        self._note(tally, page)
        if page.status != 200:
            # Nothing to order (both products refused): start over.
            self.client.cookies.pop("sessionid", None)
            if measuring:
                tally.add_refused += 1
            return
        parser = checkout_form()
        parser.feed(page.text())
        form = parser.submitted() | CONTACT | self.csrf()
        posted_at, post_measured = time.perf_counter(), tally.measuring
        answer = await self.client.post_form(f"/{self.city}/checkout/", form)
        done = time.perf_counter()
        self._note(tally, answer)
        if answer.status != 303:
            self.client.cookies.pop("sessionid", None)  # walk away from the refused basket
        if not (post_measured and tally.measuring):
            return  # posted in the warm-up or answered after the window
        tally.post_ms.append((done - posted_at) * 1000)
        if measuring:  # the whole loop inside the window (a short window may hold none)
            tally.loops += 1
            tally.loop_ms.append((done - started) * 1000)
        if answer.status == 303:
            tally.placed += 1
        elif answer.status == 200:
            tally.refused += 1
        elif answer.status < 500:
            tally.other[answer.status] = tally.other.get(answer.status, 0) + 1
