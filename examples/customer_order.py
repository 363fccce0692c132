"""Order croissants from two shops through Comptoir's API, then follow the orders live.

    python examples/customer_order.py [BASE_URL] [--shop-id ID --shop-id ID] [--timeout S]

As a new user of the API would, with the demo customer: log in, search
"croissant", put products of two shops in the basket, read each shop's
pickup slots, check out (with an `Idempotency-Key`: a retry after a network
error orders nothing twice), then follow each order's event stream and print
its state changes until every order is accepted (exit 0) or refused, or the
time is up (exit 1). examples/shop_accept.py plays the shops' side.

BASE_URL defaults to $COMPTOIR_URL, else http://127.0.0.1:8000 (`make run`).
Standard library only: any Python 3.12+ runs it.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
import time
import uuid
from typing import Any

from comptoir_api import DEFAULT_URL, Api, ApiError

EMAIL = "client@demo.comptoir.fr"
PASSWORD = "comptoir-demo"  # noqa: S105 - the demo's published password
SEARCH = "croissant"
#: The shop said yes (an order may even be ready before we hear of it)…
ACCEPTED = {"accepted", "ready", "collected", "out_for_delivery", "delivered"}
#: …or no: either way the order stopped waiting.
ANSWERED = ACCEPTED | {"refused", "cancelled", "no_show"}


def say(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default=os.environ.get("COMPTOIR_URL", DEFAULT_URL))
    parser.add_argument("--email", default=EMAIL)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--city", help="city slug (default: the first live city)")
    parser.add_argument(
        "--shop-id",
        type=int,
        action="append",
        default=[],
        help="order from this shop (give two); default: the first two shops selling croissants",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for answers")
    args = parser.parse_args(argv)

    api = Api(args.base_url)
    try:
        api.log_in(args.email, args.password)
        say(f"Logged in as {args.email} at {args.base_url}")
        city = args.city or api.get("/cities")[0]["slug"]
        orders = place_orders(api, city, wanted_shops=args.shop_id, email=args.email)
        return follow(api, orders, timeout=args.timeout)
    except ApiError as error:
        say(f"The API said no: {error}")
        return 1
    except OSError as error:
        say(f"Cannot reach {args.base_url} ({error}): is the server running (`make run`)?")
        return 1


def place_orders(
    api: Api, city: str, *, wanted_shops: list[int], email: str
) -> list[dict[str, Any]]:
    basket = api.get(f"/cities/{city}/basket")
    for shop in basket["shops"]:  # start from an empty basket
        for line in shop["lines"]:
            api.delete(f"/cities/{city}/basket/lines/{line['product']['id']}")

    found = api.get(f"/cities/{city}/search", q=SEARCH, limit=100)
    say(f'Search "{SEARCH}" in {city}: {len(found["products"])} products')
    candidates = [p for p in found["products"] if p["available"]]
    if wanted_shops:
        candidates = [p for p in candidates if p["shop_id"] in wanted_shops]
        for shop_id in wanted_shops:  # a chosen shop without croissants: anything it sells
            if not any(p["shop_id"] == shop_id for p in candidates):
                candidates += products_of(api, city, shop_id)

    choices: list[dict[str, Any]] = []
    for product in candidates:
        if len(choices) == 2:
            break
        if any(choice["shop_id"] == product["shop_id"] for choice in choices):
            continue
        try:
            basket = api.post(
                f"/cities/{city}/basket/lines", {"product_id": product["id"], "quantity": 1}
            )
        except ApiError as error:  # sold out since, shop paused…: try the next one
            say(f"  skipped {product['name']}: {error.code}")
            continue
        shop = next(s["shop"] for s in basket["shops"] if s["shop"]["id"] == product["shop_id"])
        slots = api.get(f"/cities/{city}/shops/{shop['slug']}/slots", kind="collect")
        if not slots:
            say(f"  no pickup slot at {shop['name']} this week: skipped")
            api.delete(f"/cities/{city}/basket/lines/{product['id']}")
            continue
        say(
            f"  + {product['name']} ({product['price']['amount']} {product['price']['currency']})"
            f" at {shop['name']}, pickup {slots[0]['starts_at']}"
        )
        choices.append(
            {"shop_id": shop["id"], "kind": "collect", "slot_starts_at": slots[0]["starts_at"]}
        )
    if len(choices) < 2:
        raise SystemExit("Could not find products of two shops to order from.")

    body = {
        "contact": {"name": "Camille Leroux", "email": email, "phone": "06 12 34 56 78"},
        "choices": choices,
    }
    key = str(uuid.uuid4())  # one key per checkout attempt, sent again on retries
    for attempt in range(3):
        try:
            placed = api.post(f"/cities/{city}/checkout", body, **{"Idempotency-Key": key})
            break
        except ApiError as error:
            if error.code != "idempotency_request_in_progress" or attempt == 2:
                raise
        except OSError:
            if attempt == 2:
                raise
        time.sleep(1)  # same key: the server answers as it did the first time
    orders: list[dict[str, Any]] = placed["orders"]
    for order in orders:
        say(
            f"Ordered {order['number']} at {order['shop']['name']}: {order['state']} "
            f"({order['total']['amount']} {order['total']['currency']})"
        )
    return orders


def products_of(api: Api, city: str, shop_id: int) -> list[dict[str, Any]]:
    cursor = None
    while True:
        page = api.get(
            f"/cities/{city}/shops", page_size=100, **({"cursor": cursor} if cursor else {})
        )
        for shop in page["results"]:
            if shop["id"] == shop_id:
                products = api.get(f"/cities/{city}/shops/{shop['slug']}/products")
                return [p for p in products if p["available"]]
        cursor = page["next"]
        if not cursor:
            raise SystemExit(f"No shop {shop_id} in {city}.")


def follow(api: Api, orders: list[dict[str, Any]], *, timeout: float) -> int:
    """Follow every order's stream on its own thread; print each state once it changes."""
    deadline = time.monotonic() + timeout
    states = {order["number"]: order["state"] for order in orders}
    shops = {order["number"]: order["shop"]["name"] for order in orders}
    changes: queue.Queue[tuple[str, str]] = queue.Queue()

    def listen(number: str) -> None:
        try:
            for event, data in api.events(f"/orders/{number}/events", deadline=deadline):
                if event == "hello":  # (re)connected: the state to start from
                    changes.put((number, data["order"]["state"]))
                elif event == "order":
                    changes.put((number, data["state"]))
                elif event == "resync":  # events were lost: read the order again
                    changes.put((number, api.get(f"/orders/{number}")["state"]))
                if data.get("state", data.get("order", {}).get("state")) in ANSWERED:
                    return
        except ApiError as error:
            say(f"{number}: the stream was refused: {error}")

    for number in states:
        threading.Thread(target=listen, args=(number,), daemon=True).start()
    say(f"Following {len(states)} orders live (Ctrl-C to stop)…")
    while not all(state in ANSWERED for state in states.values()):
        try:
            number, state = changes.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if state != states[number]:
            states[number] = state
            say(f"{number} at {shops[number]}: {state}")
    if all(state in ACCEPTED for state in states.values()):
        say(f"All {len(states)} orders accepted.")
        return 0
    waiting = ", ".join(f"{n} ({s})" for n, s in states.items() if s not in ACCEPTED)
    say(f"Not all accepted: {waiting}.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
