"""Search benchmark: a 1,600-shop x 60-product city, SQLite and PostgreSQL.

    python -m bench.search            # 96,000 products, 3 runs per database
    python -m bench.search --quick    # 100 shops x 60 products, 1 run

For each database the harness copies the benchmark city (bench/harness.py's
`large_city`: `demo_city --shops 1600 --products-per-shop 60`, seeded once
with the search triggers filling the index), times a full `search_rebuild`
(the index build; with `--rebuild` or `--quick` only: on 96,000 products it
takes 17–25 s per database, a fifth of the module), then measures a fixed
set of 240 searches (prefixes as typed, whole words, accents, plurals,
several words, typos, trade and open-now filters) two ways:

- in one process, one search at a time, through `search_city` (the query
  and the loading of what the page shows): one warm-up pass, then timed
  passes;
- through the real server (granian, as `make run` starts it) with 16
  concurrent clients, each typing the query set from its own offset as fast
  as the answers come, asking for the results part as htmx does while one
  types (`HX-Request`). Target: p95 < 30 ms.

Latency is wall-clock per search, in milliseconds. Scratch data: see
bench/harness.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import harness

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 30.0
CLIENTS = 16
# Tuesday 9 June 2026, 10:00 in Paris: most demo shops are open.
NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)

# What people type, as they type it: words from the demo catalogue.
WORDS = [
    "baguette",
    "croissant",
    "pain",
    "chocolat",
    "eclair",
    "brioche",
    "tarte",
    "fraisier",
    "macaron",
    "comte",
    "camembert",
    "livarot",
    "beurre",
    "creme",
    "yaourt",
    "saumon",
    "sole",
    "crevette",
    "huitre",
    "poulet",
    "canard",
    "jambon",
    "saucisse",
    "rillette",
    "boeuf",
    "veau",
    "agneau",
    "pomme",
    "poire",
    "fraise",
    "carotte",
    "poireau",
    "salade",
    "tomate",
    "champignon",
    "cidre",
    "calvados",
    "vin",
    "champagne",
    "the",
    "cafe",
    "miel",
    "confiture",
    "moutarde",
    "bouquet",
    "rose",
    "tulipe",
    "roman",
    "cuisine",
    "bio",
]
PHRASES = [
    "pain au chocolat",
    "pain au choco",
    "eclair au cafe",
    "tarte aux pommes",
    "croissant au beurre",
    "beurre demi sel",
    "jambon blanc",
    "foie gras de canard",
    "cote de boeuf",
    "filet mignon",
    "creme fraiche",
    "pommes de terre",
    "jus de pomme",
    "fleur de sel",
    "the vert",
    "bouquet de roses",
    "Pâtisserie",
    "Crème brûlée",
    "Éclairs",
    "Œufs bio",
]
TYPOS = [
    "croisant",
    "eclaire",
    "baguete",
    "chocolas",
    "camenbert",
    "brioch",
    "saumont",
    "confitur",
    "poulé",
    "macarron",
]
TRADES = ["bakery", "pastry", "cheese", "butcher", "greengrocer", "wine"]


@dataclass(frozen=True)
class Search:
    query: str
    trade: str | None = None
    open_now: bool = False


def query_set() -> list[Search]:
    """240 searches, always the same ones in the same order."""
    searches: list[Search] = []
    for word in WORDS:  # 50 x (3 prefixes + the word) = 200
        searches += [Search(word[:n]) for n in (3, 4, 5) if n < len(word)]
        searches.append(Search(word))
    searches += [Search(p) for p in PHRASES]
    searches += [Search(t) for t in TYPOS]
    searches += [Search(w + "s") for w in WORDS[:10]]
    for index, word in enumerate(WORDS[:30]):
        searches.append(Search(word, trade=TRADES[index % len(TRADES)]))
        searches.append(Search(word[:4], open_now=True))
    searches += [Search(w, trade="bakery", open_now=True) for w in ("pain", "croi", "tarte")]
    return searches[:240] if len(searches) >= 240 else searches


def percentile(sorted_ms: list[float], q: float) -> float:
    index = min(len(sorted_ms) - 1, max(0, round(q / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[index]


# --- child: runs inside Django, against DATABASE_URL --------------------------


def measure(passes: int) -> dict[str, object]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")
    django.setup()
    from django.db import connection

    from comptoir.domain.cities.models import City
    from comptoir.domain.search.selectors import search_city

    city = City.objects.get(slug="rouen")
    searches = query_set()

    def run(search: Search) -> tuple[float, int]:
        started = time.perf_counter()
        results = search_city(
            city=city,
            query=search.query,
            trade=search.trade,
            open_now=search.open_now,
            now=NOW,
        )
        return (time.perf_counter() - started) * 1000, len(results.products)

    for search in searches[::3]:  # warm-up (every kind of search): caches, prepared plans
        run(search)
    runs = []
    empty = 0
    slowest_ms = dict.fromkeys(range(len(searches)), 0.0)
    for _ in range(passes):
        timings = []
        for n, search in enumerate(searches):
            ms, found = run(search)
            timings.append(ms)
            slowest_ms[n] = max(slowest_ms[n], ms)
            empty += found == 0
        timings.sort()
        runs.append(
            {
                "p50": percentile(timings, 50),
                "p95": percentile(timings, 95),
                "p99": percentile(timings, 99),
                "max": timings[-1],
            }
        )
    slowest = [searches[n] for n in sorted(slowest_ms, key=lambda n: -slowest_ms[n])[:5]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "products": city_products(city),
        "queries": len(searches),
        "empty_results": empty // passes,
        "runs": runs,
        "slowest": [
            s.query + (f" [{s.trade}]" if s.trade else "") + (" [open]" if s.open_now else "")
            for s in slowest
        ],
    }


def label(search: Search) -> str:
    trade = f" [{search.trade}]" if search.trade else ""
    return search.query + trade + (" [open]" if search.open_now else "")


def city_products(city: Any) -> int:
    from comptoir.domain.catalogue.models import Product

    return Product.objects.filter(city=city).count()


# --- parent: copies the city for each database, then measures it --------------


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    harness.manage(env, *args)
    return time.perf_counter() - started


def search_path(search: Search) -> str:
    params = {"q": search.query}
    if search.trade:
        params["trade"] = search.trade
    if search.open_now:
        params["open"] = "1"
    return "/rouen/search/?" + urllib.parse.urlencode(params)


async def http_pass(port: int, *, clients: int, seconds: float) -> harness.Load:
    """`clients` visitors typing searches as fast as the answers come (htmx's partial page)."""
    paths = [search_path(s) for s in query_set()]
    stride = max(1, len(paths) // clients)

    async def step(client: harness.HttpClient, n: int) -> harness.Response:
        offset = int(client.cookies.get("bench-offset", "0"))
        return await client.get(paths[(offset + n) % len(paths)], **{"HX-Request": "true"})

    pool = [harness.HttpClient(port) for _ in range(clients)]
    for index, client in enumerate(pool):
        client.cookies["bench-offset"] = str(index * stride)
    return await harness.load(
        port,
        step,
        connections=clients,
        seconds=seconds,
        warm_up=0.5,
        warm_up_answers=clients,
        clients=pool,
    )


async def fill_cache(port: int, connections: int = 4) -> None:
    """Each of the 240 searches once, as the first visitors of the minute would (4 at a time)."""
    paths = [search_path(search) for search in query_set()]

    async def visitor(share: list[str]) -> None:
        client = harness.HttpClient(port)
        for path in share:
            await client.get(path, **{"HX-Request": "true"})
        await client.close()

    await asyncio.gather(*(visitor(paths[n::connections]) for n in range(connections)))


def bench_http(env: dict[str, str], *, clients: int, seconds: float, runs: int) -> dict[str, Any]:
    """The search results under `clients` concurrent clients through the real server.

    Twice: with the shared results cache off (every search runs its query and
    renders) and on (settings.LISTING_CACHE_SECONDS, the default), after each
    search was typed once (the minute's first visitors fill the cache; a
    run stays within the cache's 30 seconds).
    """
    harness.use_uvloop()
    found: dict[str, Any] = {"clients": clients}
    for label, cache_seconds in (("cache off", "0"), ("cache on", "30")):
        port = harness.free_port()
        results = []
        server_env = env | {"LISTING_CACHE_SECONDS": cache_seconds}
        with harness.server(
            harness.granian_comptoir(port), server_env, port=port, name="search"
        ) as server:
            if cache_seconds != "0":
                asyncio.run(fill_cache(port))
            for _ in range(runs):
                done = asyncio.run(http_pass(port, clients=clients, seconds=seconds))
                results.append(
                    {
                        "rate": done.rate,
                        "p50": done.percentile(50),
                        "p95": done.percentile(95),
                        "p99": done.percentile(99),
                        "errors": done.errors + done.server_errors,
                    }
                )
            found["rss_kib"] = server.rss_kib()
        found[label] = results
    return found


def bench_database(
    vendor: str,
    *,
    shops: int,
    products: int,
    passes: int,
    clients: int,
    seconds: float,
    rebuild: bool,
) -> dict[str, object]:
    city = harness.large_city(vendor, f"search_{vendor}", shops=shops, products_per_shop=products)
    env = city.env
    rebuilt = manage(env, "search_rebuild") if rebuild else None
    harness.analyze(vendor, env["DATABASE_URL"])
    child = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.search", "--measure", "--passes", str(passes)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    result |= {"rebuild_seconds": rebuilt, "copy_seconds": city.seconds_to_copy}
    result["http"] = bench_http(env, clients=clients, seconds=seconds, runs=passes)
    harness.drop_scratch(vendor, f"search_{vendor}")
    return result


def summary(result: dict[str, Any]) -> str:
    runs = result["runs"]
    http = result["http"]
    lines = [
        f"{result['vendor']} {result['version']}: {result['products']:,} products, "
        f"{result['queries']} searches x {len(runs)} passes "
        f"({result['empty_results']} found no product); full index rebuild "
        + (
            f"{result['rebuild_seconds']:.1f} s"
            if result["rebuild_seconds"] is not None
            else "not timed (--rebuild)"
        ),
        "",
        harness.table(
            ["one process, one search at a time", "p50", "p95", "p99", "max"],
            [
                [
                    "`search_city`, ms",
                    *(
                        harness.spread([run[key] for run in runs])
                        for key in ("p50", "p95", "p99", "max")
                    ),
                ]
            ],
        ),
        "",
    ]
    rows = []
    for label in ("cache off", "cache on"):
        http_runs = http[label]
        p95 = harness.median([run["p95"] for run in http_runs])
        rows.append(
            [
                f"search results (htmx), {label}",
                harness.spread([run["rate"] for run in http_runs], 0),
                *(harness.spread([run[key] for run in http_runs]) for key in ("p50", "p95", "p99")),
                sum(run["errors"] for run in http_runs),
                "met" if p95 < TARGET_P95_MS else "MISSED",
            ]
        )
    lines.append(
        harness.table(
            [
                f"{http['clients']} concurrent clients, HTTP",
                "searches/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                f"p95 < {TARGET_P95_MS:.0f} ms",
            ],
            rows,
        )
    )
    lines.append(f"\nslowest in one process: {', '.join(result['slowest'])}")
    lines.append(f"server RSS after the runs: {http['rss_kib'] / 1024:.0f} MiB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 shops, one pass")
    parser.add_argument("--passes", "--runs", type=int, default=None, help="runs (default 3)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=None, help="per HTTP run")
    parser.add_argument("--rebuild", action="store_true", help="time a full index rebuild too")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    passes = args.passes or (1 if args.quick else 3)
    if args.measure:
        print(json.dumps(measure(passes)))
        return
    shops = 100 if args.quick else harness.LARGE_SHOPS
    seconds = args.seconds or (1.0 if args.quick else 1.5)
    print(f"## Search: {shops} shops x 60 products\n\n{harness.machine()}\n")
    # --quick checks the harness on SQLite; `--quick --only postgresql` for the other.
    for vendor in args.only or (["sqlite"] if args.quick else ["sqlite", "postgresql"]):
        result = bench_database(
            vendor,
            shops=shops,
            products=60,
            passes=passes,
            clients=args.clients,
            seconds=seconds,
            rebuild=args.rebuild or args.quick,
        )
        print(f"### {harness.vendor_name(vendor)}\n\n{summary(result)}\n", flush=True)


if __name__ == "__main__":
    main()
