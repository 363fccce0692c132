"""Accept every new order of a shop as it arrives, through Comptoir's API.

    python examples/shop_accept.py [BASE_URL] --shop-id ID [--shop-id ID…] [--count N]

Logs in as the demo shop staff with a token of each shop, follows the shop's
desk stream (`GET /api/v1/shop/events`) and accepts each order placed there,
with the desk's suggested ready-by time. On connecting (and after a `resync`)
it first accepts the orders already waiting, so an order placed while it was
away is not forgotten. It runs until Ctrl-C, or until it accepted `--count`
orders in all, or `--timeout` seconds passed.
examples/customer_order.py plays the customer's side.

BASE_URL defaults to $COMPTOIR_URL, else http://127.0.0.1:8000 (`make run`).
Standard library only: any Python 3.12+ runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from typing import Any

from comptoir_api import DEFAULT_URL, Api, ApiError

EMAIL = "vendeur@demo.comptoir.fr"
PASSWORD = "comptoir-demo"  # noqa: S105 - the demo's published password


def say(text: str) -> None:
    print(text, flush=True)


class Desk:
    """One shop's desk: its token, and the orders it already answered."""

    def __init__(self, api: Api, shop: dict[str, Any], tally: Tally) -> None:
        self.api = api
        self.shop = shop
        self.tally = tally
        self.answered: set[str] = set()

    def accept(self, number: str) -> None:
        if number in self.answered or self.tally.done.is_set():
            return
        self.answered.add(number)
        try:
            order = self.api.post(f"/shop/orders/{number}/accept", {})
        except ApiError as error:  # refused meanwhile, accepted at the counter…
            say(f"[{self.shop['name']}] {number} not accepted: {error}")
            return
        say(f"[{self.shop['name']}] accepted {number}, ready by {order['ready_by']}")
        self.tally.count()

    def accept_waiting(self) -> None:
        cursor = None
        while True:
            query: dict[str, Any] = {"state": "placed", "page_size": 100}
            if cursor:
                query["cursor"] = cursor
            page = self.api.get("/shop/orders", **query)
            for order in reversed(page["results"]):  # oldest first
                self.accept(order["number"])
            cursor = page["next"]
            if not cursor:
                return

    def run(self, deadline: float) -> None:
        try:
            for event, data in self.api.events("/shop/events", deadline=deadline):
                if event in ("hello", "resync"):
                    self.accept_waiting()
                elif event == "order" and data["state"] == "placed":
                    self.accept(data["number"])
                if self.tally.done.is_set():
                    return
        except ApiError as error:
            say(f"[{self.shop['name']}] the stream was refused: {error}")
            self.tally.done.set()


class Tally:
    """Orders accepted by every desk together; `done` once `limit` is reached."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.accepted = 0
        self.lock = threading.Lock()
        self.done = threading.Event()

    def count(self) -> None:
        with self.lock:
            self.accepted += 1
            if self.limit is not None and self.accepted >= self.limit:
                self.done.set()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default=os.environ.get("COMPTOIR_URL", DEFAULT_URL))
    parser.add_argument("--email", default=EMAIL)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument(
        "--shop-id",
        type=int,
        action="append",
        default=[],
        help="a shop to serve (repeatable); default: every shop the account works in",
    )
    parser.add_argument("--count", type=int, help="stop after accepting this many orders")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds")
    args = parser.parse_args(argv)

    try:
        if not args.shop_id:
            args.shop_id = my_shop_ids(args.base_url, args.email, args.password)
        if not args.shop_id:
            say(f"{args.email} works in no shop.")
            return 2
        tally = Tally(args.count)
        desks = []
        for shop_id in args.shop_id:
            api = Api(args.base_url)
            try:
                api.log_in(args.email, args.password, shop_id=shop_id)
            except ApiError as error:
                if error.code != "not_a_member_of_shop":
                    raise
                help_text = which_shop(args.base_url, args.email, args.password)
                say(f"{args.email} does not work in shop {shop_id}.\n{help_text}")
                return 2
            desks.append(Desk(api, api.get("/shop"), tally))
    except ApiError as error:
        say(f"The API said no: {error}")
        return 1
    except OSError as error:
        say(f"Cannot reach {args.base_url} ({error}): is the server running (`make run`)?")
        return 1

    deadline = time.monotonic() + (args.timeout if args.timeout is not None else 10**9)
    for desk in desks:
        threading.Thread(target=desk.run, args=(deadline,), daemon=True).start()
    names = ", ".join(f"{desk.shop['name']} (#{desk.shop['id']})" for desk in desks)
    say(f"Listening for new orders at {names} (Ctrl-C to stop)…")
    with contextlib.suppress(KeyboardInterrupt):
        tally.done.wait(timeout=max(0.0, deadline - time.monotonic()))
    say(f"Accepted {tally.accepted} orders.")
    return 0 if args.count is None or tally.accepted >= args.count else 1


def my_shop_ids(base_url: str, email: str, password: str) -> list[int]:
    """The shops the account works in (`GET /auth/shops`, with a customer token)."""
    api = Api(base_url)
    api.log_in(email, password)
    try:
        return [shop["id"] for shop in api.get("/auth/shops")]
    finally:
        api.log_out()


def which_shop(base_url: str, email: str, password: str) -> str:
    """Help to pick a shop: the shops the account works in."""
    lines = ["Which shop? Pass --shop-id ID (repeat it for several shops) of a shop you work in."]
    try:
        api = Api(base_url)
        api.log_in(email, password)
        lines.append(f"{email} works in:")
        lines += [
            f"  {shop['id']:>6}  {shop['name']} ({shop['role']})" for shop in api.get("/auth/shops")
        ]
        api.log_out()
    except (ApiError, OSError):
        pass
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
