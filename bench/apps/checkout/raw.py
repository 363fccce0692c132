"""The raw ORM reference: one order transaction through plain Django ORM, N processes.

    python -m bench.apps.checkout.raw setup PRODUCTS          # tables + products
    python -m bench.apps.checkout.raw worker ID SECONDS RUNS  # one client (ID: its number)

Run with DJANGO_SETTINGS_MODULE=bench.apps.checkout.settings. One order: 3
distinct products in pk order, for each a guarded decrement (`UPDATE … SET
stock = stock - 1 WHERE id = … AND stock >= 1`, `filter().update(F())`),
then one order row and its 3 lines (one INSERT each for the order, one
multi-row INSERT for the lines), all in one `transaction.atomic()`. No
services, no sessions, no templates: the ceiling of one order transaction
through the ORM. Clients are processes (no shared GIL): each warms up, says
READY, then RUNS times reads the common start time (epoch seconds) on its
standard input, loops for SECONDS from then and prints what it did as JSON
(one process per client for every run: starting 8 Django processes per run
took longer than the run).
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

LINES = 3


def setup(products: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from bench.apps.checkout.models import RawOrder, RawOrderLine, RawProduct

    with connection.schema_editor() as editor:
        for model in (RawProduct, RawOrder, RawOrderLine):
            editor.create_model(model)
    RawProduct.objects.bulk_create(
        RawProduct(name=f"Produit {n}", price=Decimal("2.40"), stock=10**9) for n in range(products)
    )
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        connection.cursor().execute("ANALYZE")


def place(product_ids: list[int], number: str) -> bool:
    """One order of one unit of each product; False (nothing written) if one ran out."""
    from django.db import transaction
    from django.db.models import F

    from bench.apps.checkout.models import RawOrder, RawOrderLine, RawProduct

    with transaction.atomic():
        for pk in product_ids:
            if not RawProduct.objects.filter(pk=pk, stock__gte=1).update(stock=F("stock") - 1):
                transaction.set_rollback(True)
                return False
        order = RawOrder.objects.create(
            number=number, total=Decimal("2.40") * LINES, placed_at=datetime.now(UTC)
        )
        RawOrderLine.objects.bulk_create(
            RawOrderLine(order=order, product_id=pk, quantity=1, unit_price=Decimal("2.40"))
            for pk in product_ids
        )
    return True


def worker(ident: str, seconds: float, runs: int) -> None:
    """Warm up, say READY, then for each run: read its start time, loop, print its RESULT line."""
    import django

    django.setup()
    from bench.apps.checkout.models import RawProduct

    ids = list(RawProduct.objects.values_list("pk", flat=True))
    rng = random.Random(ident)
    for n in range(5):  # warm-up: connection, statement paths
        place(sorted(rng.sample(ids, LINES)), f"w{ident}-warm-{n}")
    print("@@READY@@", flush=True)
    for run in range(runs):
        start_at = float(sys.stdin.readline())
        time.sleep(max(0.0, start_at - time.time()))
        placed = refused = 0
        latencies: list[float] = []
        stop_at = start_at + seconds
        while time.time() < stop_at:
            started = time.perf_counter()
            if place(sorted(rng.sample(ids, LINES)), f"w{ident}-{run}-{placed + refused}"):
                placed += 1
            else:
                refused += 1
            latencies.append((time.perf_counter() - started) * 1000)
        result = {"placed": placed, "refused": refused, "latencies_ms": latencies}
        print("@@RESULT@@" + json.dumps(result), flush=True)


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "setup":
        setup(int(args[0]))
    elif command == "worker":
        worker(args[0], float(args[1]), int(args[2]))
    else:  # pragma: no cover
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
