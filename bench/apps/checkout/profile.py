"""Where a checkout's time goes: per request, wall time, SQL statements and SQL time; cProfile.

    python -m bench.apps.checkout.profile LOOPS [--profile] [--sql]   # in the city's environment

Runs LOOPS loops of one guest (add A, add B, GET checkout, POST checkout) through
Django's test client in this one process (no server, no network, no other
client), after 3 warm-up loops, and prints per step the median wall time,
statement count, time spent in the database driver and (POST) inside
`checkout_place` (its transaction: on SQLite, the time the write lock is
held); with --profile, the functions with the most cumulative time in the
checkout POST and the checkout GET (cProfile roughly doubles the times;
PROFILE_SORT=tottime in the environment sorts by each function's own time);
with --sql, the statements that took the most time in all, per step.
Support for the findings in docs/benchmarks.md; not part of `make bench`.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

CONTACT = {"name": "Camille Banc", "email": "camille@example.fr", "phone": "0612345678"}


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.apps.checkout.city import prepare
    from comptoir.domain.catalogue.models import Product
    from comptoir.interfaces.storefront import checkout_views
    from tools.browser_form import checkout_form

    loops = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    profiling = "--profile" in sys.argv
    place_ms: list[float] = []
    place = checkout_views.checkout_place

    def timed_place(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return place(**kwargs)
        finally:
            place_ms.append((time.perf_counter() - started) * 1000)

    checkout_views.checkout_place = timed_place
    products = list(
        Product.objects.filter(reference__startswith="bench-checkout-", stock__gt=1000)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not products:
        products = prepare(shops=24, scarce=0)["plentiful"]
    city = "rouen"
    wall: dict[str, list[float]] = defaultdict(list)
    statements: dict[str, list[float]] = defaultdict(list)
    sql_ms: dict[str, list[float]] = defaultdict(list)
    profiles = {name: cProfile.Profile() for name in ("POST checkout", "GET checkout", "add A")}
    state: dict[str, float] = {"count": 0, "sql": 0.0}
    statement_ms: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    current = {"step": ""}

    def counter(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            state["count"] += 1
            state["sql"] += elapsed
            statement_ms[current["step"]][re.sub(r"\s+", " ", sql)[:150]].append(elapsed * 1000)

    def step(name: str, measured: bool, call: Callable[[], Any]) -> Any:
        state["count"], state["sql"] = 0, 0.0
        current["step"] = name if measured else ""
        profile = profiles.get(name) if measured and profiling else None
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            if profile is not None:
                profile.enable()
            response = call()
            if profile is not None:
                profile.disable()
        if measured:
            wall[name].append((time.perf_counter() - started) * 1000)
            statements[name].append(state["count"])
            sql_ms[name].append(state["sql"] * 1000)
        return response

    client = Client(HTTP_HOST="127.0.0.1")  # one guest, its basket emptied by each checkout
    for n in range(loops + 3):
        measured = n >= 3
        a, b = products[n % len(products)], products[(n + 5) % len(products)]
        for label, product in (("add A", a), ("add B", b)):
            response = step(
                label,
                measured,
                partial(client.post, f"/{city}/basket/add/", {"product": product, "quantity": 1}),
            )
            assert response.status_code == 302, response.status_code
        page = step("GET checkout", measured, partial(client.get, f"/{city}/checkout/"))
        assert page.status_code == 200, page.status_code
        parser = checkout_form()
        parser.feed(page.content.decode())
        form = parser.submitted() | CONTACT
        answer = step("POST checkout", measured, partial(client.post, f"/{city}/checkout/", form))
        if answer.status_code != 303:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)', answer.content.decode())
            raise RuntimeError(f"checkout answered {answer.status_code}: {errors[:5]}")
    print(f"{connection.vendor}, {loops} loops, median per request:")
    print("| step | wall ms | statements | SQL ms |")
    print("| --- | --- | --- | --- |")
    for name in wall:
        print(
            f"| {name} | {statistics.median(wall[name]):.1f} | "
            f"{statistics.median(statements[name]):.0f} | {statistics.median(sql_ms[name]):.1f} |"
        )
    print(f"\ninside checkout_place: median {statistics.median(place_ms[3:]):.1f} ms")
    if "--sql" in sys.argv:
        for name in wall:
            print(f"\n--- {name}: statements by total time (ms total, count, ms max) ---")
            ranked = sorted(statement_ms[name].items(), key=lambda kv: -sum(kv[1]))
            for sql, times in ranked[:10]:
                print(f"{sum(times):8.1f} {len(times):5d} {max(times):6.1f}  {sql}")
    for name, profile in profiles.items() if profiling else ():
        out = io.StringIO()
        order = os.environ.get("PROFILE_SORT", "cumulative")
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(45)
        print(f"\n--- {name}, {order} ---\n{out.getvalue()}")


if __name__ == "__main__":
    main()
