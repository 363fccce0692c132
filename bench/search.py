"""Search benchmark: `search_city` on a 1,600-shop x 60-product city, SQLite and PostgreSQL.

    python -m bench.search            # 96,000 products, 3 runs per database
    python -m bench.search --quick    # 100 shops x 60 products, 1 run

For each database the harness builds the demo city in a scratch database
(`manage.py migrate` + `demo_city`, with the search triggers filling the
index as rows go in), times a full `search_rebuild` (the index build), then a
child process runs a fixed query set of 240 searches (prefixes as typed,
whole words, accents, plurals, several words, typos, trade and open-now
filters) through `search_city`: one warm-up pass, then timed passes. Latency
is wall-clock per call, in milliseconds. Target: p95 < 50 ms.

Scratch data: /tmp/comptoir-bench/ (SQLite file, media; `BENCH_SCRATCH`) and
the PostgreSQL database `comptoir_bench_search` (`BENCH_POSTGRES_DATABASE`) on
127.0.0.1:5432 (`BENCH_POSTGRES`), dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Both overridable, so that two checkouts can run the benchmark side by side.
SCRATCH = Path(os.environ.get("BENCH_SCRATCH", "/tmp/comptoir-bench"))  # noqa: S108 (throwaway)
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_POSTGRES_DATABASE", "comptoir_bench_search")
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

    for search in searches:  # warm-up: caches, prepared plans
        run(search)
    runs = []
    empty = 0
    for _ in range(passes):
        timings = []
        for search in searches:
            ms, found = run(search)
            timings.append(ms)
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
    slowest = sorted(searches, key=lambda s: -run(s)[0])[:5]
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


# --- parent: builds each database, then measures it in a child ----------------


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def postgres_reset() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(PG_DATABASE)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DATABASE)))


def postgres_drop() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(PG_DATABASE)))


def analyze(vendor: str, url: str) -> None:
    """Fresh statistics, as autovacuum (or `PRAGMA optimize`) would give a live database."""
    if vendor == "sqlite":
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            db.execute("ANALYZE")
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            db.execute("VACUUM ANALYZE")


def bench_database(vendor: str, *, shops: int, products: int, passes: int) -> dict[str, object]:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        path = SCRATCH / "search.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        postgres_reset()
        url = f"{PG_SERVER}/{PG_DATABASE}"
    env = {**os.environ, "DATABASE_URL": url, "COMPTOIR_VAR_DIR": str(SCRATCH / "var")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "--noinput")
    seeded = manage(
        env, "demo_city", "--reset", "--shops", str(shops), "--products-per-shop", str(products)
    )
    rebuilt = manage(env, "search_rebuild")
    analyze(vendor, url)
    child = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.search", "--measure", "--passes", str(passes)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(child.stdout.strip().splitlines()[-1])
    result |= {"seed_seconds": seeded, "rebuild_seconds": rebuilt}
    if vendor == "postgresql":
        postgres_drop()
    return result


def summary(result: dict[str, object]) -> str:
    runs = result["runs"]
    assert isinstance(runs, list)
    lines = [
        f"{result['vendor']} {result['version']}: {result['products']:,} products, "
        f"{result['queries']} queries x {len(runs)} passes "
        f"({result['empty_results']} found no product)",
        f"  seeding with triggers {result['seed_seconds']:.1f} s, "
        f"full index rebuild {result['rebuild_seconds']:.1f} s",
    ]
    for key in ("p50", "p95", "p99", "max"):
        values = [run[key] for run in runs]
        lines.append(
            f"  {key:>3}: {statistics.median(values):7.2f} ms"
            f"  (min {min(values):.2f}, max {max(values):.2f})"
        )
    p95 = statistics.median(run["p95"] for run in runs)
    lines.append(f"  target p95 < 50 ms: {'met' if p95 < 50 else 'MISSED'}")
    lines.append(f"  slowest: {', '.join(result['slowest'])}")  # type: ignore[arg-type]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 shops, one pass")
    parser.add_argument("--passes", type=int, default=None, help="timed passes (default 3)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    passes = args.passes or (1 if args.quick else 3)
    if args.measure:
        print(json.dumps(measure(passes)))
        return
    shops = 100 if args.quick else 1600
    print(
        f"Search benchmark: {shops} shops x 60 products; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )
    for vendor in args.only or ["sqlite", "postgresql"]:
        print(summary(bench_database(vendor, shops=shops, products=60, passes=passes)), flush=True)


if __name__ == "__main__":
    main()
