"""Shop page benchmark: a shop of 50–60 products in the 1,600-shop city, against plain Django.

    python -m bench.shop_page            # 1,600 shops x 60 products, 3 runs per database
    python -m bench.shop_page --quick    # 100 shops x 60 products, 1 run, short loads

For each database (SQLite, PostgreSQL):

- Comptoir: a copy of the benchmark city (bench/harness.py's `large_city`),
  served as `make run` serves it (granian, 1 worker, the default per-process
  cache); the page of one shop with 50–60 products on sale.
- The reference, measured in the same run: a plain Django project
  (bench/apps/reference_page: Django's default middleware and templates, a
  base template, `{% url %}`, filters and a CSRF form per product) listing the
  50 products of one category of a table of as many products as the city
  (96,000: 1,920 categories x 50), served by gunicorn's sync worker (1
  worker, which closes each connection after its answer), on a scratch
  database of the same kind.

Measured, each page loaded by 64 keep-alive connections for a few seconds
per run (`harness.load`):

- warm: the same page over and over (Comptoir's body cache filled);
- cold: each request a page not asked before (a different shop, or
  category), so every Comptoir request renders its body: the long tail of
  shops visited less than once a minute;
- before each load's window, a warm-up not counted (0.3 s warm, 0.5 s cold,
  and at least one answer per connection, so the server's queue is full
  when the window opens);
- the first request after the server starts, and the first after a product's
  price changes (median of a few changes; the page must show the change);
- queries per page (Django's test client in a child process), cold and warm;
- the server's CPU per page: its processes' CPU time over a whole load,
  divided by every response of it (warm-up and drain included), the figure
  the least moved by the load client sharing the cores.

Targets (the issue): warm req/s >= 4x the reference's, p99 < 100 ms at 64
connections. Scratch data: see bench/harness.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import harness
from bench.harness import HttpClient, Response

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 64
TARGET_RATIO = 4.0
TARGET_P99_MS = 100.0
REFERENCE_PER_CATEGORY = 50
REFERENCE_SETTINGS = "bench.apps.reference_page.settings"
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

PICK_SHOPS = """
from django.db.models import Count, Q
from comptoir.domain.shops.models import Shop
shops = list(
    Shop.objects.filter(is_active=True, city__is_live=True, collect_enabled=True)
    .annotate(on_sale=Count("products", filter=Q(products__is_active=True)))
    .filter(on_sale__gte=50, on_sale__lte=60)
    .select_related("city")
    .order_by("pk")
)
chosen = shops[len(shops) // 2]
product = chosen.products.filter(is_active=True).order_by("pk").first()
result = {
    "path": f"/{chosen.city.slug}/{chosen.slug}/",
    "products": chosen.on_sale,
    "product_id": product.pk,
    "others": [f"/{s.city.slug}/{s.slug}/" for s in shops if s.pk != chosen.pk],
}
"""

COUNT_QUERIES = """
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
cache.clear()
with CaptureQueriesContext(connection) as cold:
    first = client.get(PATH)
with CaptureQueriesContext(connection) as warm:
    second = client.get(PATH)
assert first.status_code == second.status_code == 200, (first.status_code, second.status_code)
result = [len(cold.captured_queries), len(warm.captured_queries)]
"""


def reference_env(vendor: str, products: int) -> dict[str, str]:
    """A scratch database with the reference project's tables and `products` rows.

    Filled once per version of the reference app into a template (like the
    benchmark city), then copied.
    """
    name = f"shoppage_ref_{vendor}"
    digest = hashlib.sha256()
    for source in sorted((ROOT / "bench" / "apps" / "reference_page").rglob("*.py")):
        digest.update(source.read_bytes())

    def build(vendor: str, build_name: str) -> None:
        env = harness.base_env(
            DJANGO_SETTINGS_MODULE=REFERENCE_SETTINGS,
            REFERENCE_DATABASE_URL=harness.database_url(vendor, build_name),
        )
        harness.manage(env, "migrate", "--noinput")
        harness.django_query(
            env,
            "from bench.apps.reference_page.fill import fill\n"
            f"result = fill(categories={products // REFERENCE_PER_CATEGORY}, "
            f"per_category={REFERENCE_PER_CATEGORY})",
        )
        harness.analyze(vendor, harness.database_url(vendor, build_name))

    template, _ = harness.template_database(
        vendor, f"reference-{products}-{digest.hexdigest()[:12]}", build
    )
    harness.copy_template(vendor, template, name)
    return harness.base_env(
        DJANGO_SETTINGS_MODULE=REFERENCE_SETTINGS,
        REFERENCE_DATABASE_URL=harness.database_url(vendor, name),
    )


def gunicorn(port: int) -> list[str]:
    return [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--workers",
        "1",
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "bench.apps.reference_page.wsgi:application",
    ]


async def first_request(port: int, path: str) -> tuple[float, Response]:
    client = HttpClient(port)
    started = time.perf_counter()
    try:
        response = await client.get(path)
    finally:
        await client.close()
    return (time.perf_counter() - started) * 1000, response


def without_tokens(body: bytes) -> bytes:
    """A page without its CSRF tokens, masked anew on each response."""
    return CSRF_FIELD.sub(b"", body)


def cycling(paths: list[str]) -> harness.Step:
    """A load step asking each path in turn, across every connection (each page once)."""
    counter = itertools.count()

    async def step(client: HttpClient, _: int) -> Response:
        return await client.get(paths[next(counter) % len(paths)])

    return step


def figures(done: harness.Load, cpu_seconds: float) -> dict[str, float]:
    """A load's figures; `cpu_seconds`, the server's CPU over the whole load."""
    return {
        "rate": done.rate,
        "cpu_ms": 1000 * cpu_seconds / max(1, done.answered),
        "p50": done.percentile(50),
        "p95": done.percentile(95),
        "p99": done.percentile(99),
        "errors": done.errors + done.server_errors,
        "requests": done.requests,
    }


def measure_server(
    argv: Callable[[int], list[str]],
    env: dict[str, str],
    *,
    name: str,
    path: str,
    cold_paths: list[str],
    runs: int,
    seconds: float,
    cold_seconds: float,
    change: Callable[[], None] | None = None,
    changes: int = 0,
) -> dict[str, Any]:
    """Start a server, time its first request, then warm and cold loads; stop it."""
    port = harness.free_port()
    harness.use_uvloop()
    result: dict[str, Any] = {"warm": [], "cold": [], "after_change": []}
    with harness.server(argv(port), env, port=port, name=name, ready_path="/healthz") as server:
        latency, response = asyncio.run(first_request(port, path))
        assert response.status == 200, (name, response.status)
        result["first_ms"] = latency
        slice_size = max(1, len(cold_paths) // runs)
        for run in range(runs):
            cpu = server.cpu_seconds()
            warm = asyncio.run(
                harness.load(
                    port,
                    path,
                    connections=CONNECTIONS,
                    seconds=seconds,
                    warm_up=0.3,
                    warm_up_answers=CONNECTIONS,
                )
            )
            result["warm"].append(figures(warm, server.cpu_seconds() - cpu))
            mine = cold_paths[run * slice_size : (run + 1) * slice_size] or cold_paths
            cpu = server.cpu_seconds()
            cold = asyncio.run(
                harness.load(
                    port,
                    cycling(mine),
                    connections=CONNECTIONS,
                    seconds=cold_seconds,
                    warm_up=0.5,
                    warm_up_answers=CONNECTIONS,
                )
            )
            result["cold"].append(figures(cold, server.cpu_seconds() - cpu))
        before = without_tokens(asyncio.run(first_request(port, path))[1].body)
        for _ in range(changes):
            assert change is not None
            change()
            latency, response = asyncio.run(first_request(port, path))
            assert without_tokens(response.body) != before, "the page did not show the change"
            before = without_tokens(response.body)
            result["after_change"].append(latency)
        result["rss_kib"] = server.rss_kib()
    return result


def price_bump(vendor: str, url: str, product_id: int) -> Callable[[], None]:
    """A change made outside Comptoir's process: one product's price, one cent up."""

    def bump() -> None:
        statement = "UPDATE catalogue_product SET price = price + 0.01 WHERE id = "
        if vendor == "sqlite":
            with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
                db.execute(statement + "?", (product_id,))
                db.commit()
        else:
            import psycopg

            with psycopg.connect(url, autocommit=True) as db:
                db.execute((statement + "%s").encode(), (product_id,))

    return bump


def bench_database(
    vendor: str, *, shops: int, runs: int, seconds: float, cold_seconds: float
) -> dict[str, Any]:
    city = harness.large_city(vendor, f"shoppage_{vendor}", shops=shops, products_per_shop=60)
    env = city.env
    # One child process (a Django start is ~1.5 s): pick the shop, count its page's queries.
    picked = harness.django_query(
        env,
        PICK_SHOPS
        + "\npicked = result\nPATH = picked['path']\n"
        + COUNT_QUERIES
        + "\nresult = picked | {'queries': result}",
    )
    path = picked["path"]
    comptoir_queries = picked["queries"]
    products = shops * harness.LARGE_PRODUCTS_PER_SHOP
    ref_env = reference_env(vendor, products)
    categories = products // REFERENCE_PER_CATEGORY
    ref_path = f"/shelf/rayon-{categories // 2}/"
    ref_cold = [f"/shelf/rayon-{i}/" for i in range(categories) if i != categories // 2]
    reference_queries = harness.django_query(ref_env, f"PATH = {ref_path!r}\n" + COUNT_QUERIES)
    reference = measure_server(
        gunicorn,
        ref_env,
        name="shoppage-ref",
        path=ref_path,
        cold_paths=ref_cold,
        runs=runs,
        seconds=seconds,
        cold_seconds=cold_seconds,
    )
    comptoir = measure_server(
        harness.granian_comptoir,
        env,
        name="shoppage",
        path=path,
        cold_paths=picked["others"],
        runs=runs,
        seconds=seconds,
        cold_seconds=cold_seconds,
        change=price_bump(vendor, env["DATABASE_URL"], picked["product_id"]),
        changes=3,
    )
    harness.drop_scratch(vendor, f"shoppage_{vendor}")
    harness.drop_scratch(vendor, f"shoppage_ref_{vendor}")
    return {
        "vendor": vendor,
        "shops": shops,
        "products": products,
        "shop_products": picked["products"],
        "path": path,
        "queries": {"comptoir": comptoir_queries, "reference": reference_queries},
        "comptoir": comptoir,
        "reference": reference,
        "copy_seconds": city.seconds_to_copy,
    }


def _row(label: str, runs: list[dict[str, float]]) -> list[object]:
    return [
        label,
        harness.spread([run["rate"] for run in runs], 0),
        *(harness.spread([run[key] for run in runs]) for key in ("p50", "p95", "p99")),
        harness.spread([run["cpu_ms"] for run in runs], 2),
        int(sum(run["errors"] for run in runs)),
    ]


def summary(result: dict[str, Any]) -> str:
    comptoir, reference = result["comptoir"], result["reference"]
    warm_ratio = harness.median([r["rate"] for r in comptoir["warm"]]) / max(
        harness.median([r["rate"] for r in reference["warm"]]), 1e-9
    )
    cold_ratio = harness.median([r["rate"] for r in comptoir["cold"]]) / max(
        harness.median([r["rate"] for r in reference["cold"]]), 1e-9
    )
    p99 = harness.median([r["p99"] for r in comptoir["warm"]])
    p99_cold = harness.median([r["p99"] for r in comptoir["cold"]])
    header = [
        f"{CONNECTIONS} connections",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "server CPU ms / page",
        "errors",
    ]
    queries = result["queries"]
    lines = [
        f"{result['shops']:,} shops, {result['products']:,} products; the shop page of "
        f"`{result['path']}` ({result['shop_products']} products on sale); the reference "
        f"lists 50 products of {result['products']:,} (city copied in "
        f"{result['copy_seconds']:.1f} s)",
        "",
        harness.table(
            header,
            [
                _row("Comptoir, warm (one shop over and over)", comptoir["warm"]),
                _row("reference, warm (one category)", reference["warm"]),
                _row("Comptoir, cold (each request another shop)", comptoir["cold"]),
                _row("reference, cold (each request another category)", reference["cold"]),
            ],
        ),
        "",
        harness.table(
            ["target", "figure", "result"],
            [
                [
                    f"warm req/s >= {TARGET_RATIO:.0f}x the reference",
                    f"{warm_ratio:.1f}x",
                    "met" if warm_ratio >= TARGET_RATIO else "MISSED",
                ],
                [
                    f"warm p99 < {TARGET_P99_MS:.0f} ms",
                    f"{p99:.1f} ms",
                    "met" if p99 < TARGET_P99_MS else "MISSED",
                ],
                ["cold req/s, Comptoir / reference (no target)", f"{cold_ratio:.1f}x", "—"],
                [
                    f"cold p99 < {TARGET_P99_MS:.0f} ms",
                    f"{p99_cold:.1f} ms",
                    "met" if p99_cold < TARGET_P99_MS else "MISSED",
                ],
            ],
        ),
        "",
        harness.table(
            ["", "Comptoir", "reference"],
            [
                [
                    "queries per page, cold / warm",
                    f"{queries['comptoir'][0]} / {queries['comptoir'][1]}",
                    f"{queries['reference'][0]} / {queries['reference'][1]}",
                ],
                [
                    "first request after start, ms",
                    f"{comptoir['first_ms']:.1f}",
                    f"{reference['first_ms']:.1f}",
                ],
                [
                    "first request after a price change, ms",
                    harness.spread(comptoir["after_change"]),
                    "— (nothing cached)",
                ],
                [
                    "server RSS after the runs, MiB",
                    f"{comptoir['rss_kib'] / 1024:.0f}",
                    f"{reference['rss_kib'] / 1024:.0f}",
                ],
            ],
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 shops, one run, short loads")
    parser.add_argument("--runs", type=int, default=None, help="runs (default 3)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--seconds", type=float, default=None, help="per warm load")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    shops = 100 if args.quick else harness.LARGE_SHOPS
    seconds = args.seconds or (1.0 if args.quick else 1.5)
    cold_seconds = min(seconds, 1.5)
    command = "python -m bench.shop_page" + (" --quick" if args.quick else "")
    print(f"## Shop page\n\n{harness.machine()}\n\n`{command}`\n")
    # --quick checks the harness on SQLite; `--quick --only postgresql` for the other.
    for vendor in args.only or (["sqlite"] if args.quick else list(harness.VENDORS)):
        result = bench_database(
            vendor, shops=shops, runs=runs, seconds=seconds, cold_seconds=cold_seconds
        )
        print(f"### {harness.vendor_name(vendor)}\n\n{summary(result)}\n", flush=True)


if __name__ == "__main__":
    main()
