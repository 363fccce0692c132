"""Checkout throughput: 16 guests ordering 2-shop baskets over HTTP, and the raw ORM ceiling.

    python -m bench.checkout            # 3 runs of 3 s per database
    python -m bench.checkout --quick    # 1 run of 1.5 s per database

Issue target: >= 150 orders/s at 16 clients with p99 < 250 ms (the checkout
POST) and zero oversell, i.e. >= 30 % of the raw ORM reference, on SQLite
and PostgreSQL.

Reference (measured first, in the same run): one order transaction through
plain Django ORM (bench/apps/checkout/raw.py: 3 guarded stock decrements
`filter(stock__gte=1).update(stock=F("stock") - 1)` in pk order, one order
row and 3 line rows, in one `transaction.atomic()`), by 8 client processes
(processes, not threads: no shared GIL, the honest ceiling) on a tiny schema
of its own in a scratch database, with Comptoir's database settings (SQLite
WAL + `BEGIN IMMEDIATE`, PostgreSQL persistent connections).

End to end: a copy of the benchmark city (1,600 shops, 96,000 products,
`harness.large_city`), in which 24 shops are made to take every order of the
run (bench/apps/checkout/city.py: their demo opening hours, no closure, not
paused, pickup slots of 30,000 places) with one product each of stock
1,000,000, and the first 4 shops one more product of stock 3 that sells out
during a run. One granian worker and the task worker beside it (`make
run`'s `manage.py serve`: the worker sends the confirmation e-mails, and
draws them). 16 guests (harness.HttpClient, one cookie jar each) loop: add
a product of shop A and one of shop B (every 4th basket B's is a scarce
product), GET the checkout page, POST its form → 2 orders. After a warm-up,
the window counts the orders placed in it (`placed_at`, read from the
database), the checkout POST's latency, the whole loop's, 5xx answers,
refusals (the page back with "sold out") and the CPU time per order of the
server and the task worker together. After each run: no stock below zero,
and for every product of the run, the quantity ordered equals the stock
taken. The guests run in this process, on the same 2 cores as the server.

Where the time goes (per request: statements, SQL time, time inside
`checkout_place`, cProfile): `python -m bench.apps.checkout.profile 40
[--sql] [--profile]` in a prepared city's environment.

Scratch data: /tmp/comptoir-bench (`BENCH_SCRATCH`): checkout_raw_<vendor>
and checkout_<vendor> (SQLite files or `comptoir_bench_*` PostgreSQL databases).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench import harness as h
from bench.apps.checkout.shopper import Shopper, Tally

CLIENTS = 16
RAW_CLIENTS = 8
RAW_PRODUCTS = 200
SHOPS = 24
SCARCE = 4
SCARCE_STOCK = 3
SCARCE_EVERY = 4  # one basket in 4 takes a scarce product
TARGET_RATE = 150.0
TARGET_P99_MS = 250.0
TARGET_RATIO = 0.30


# --- The raw ORM reference -----------------------------------------------------------


def raw_runs(env: dict[str, str], seconds: float, runs: int) -> list[dict[str, Any]]:
    """`runs` windows of `seconds`, all clients starting together, by the same client processes."""
    workers = [
        subprocess.Popen(  # noqa: S603 (this interpreter, our module)
            [
                sys.executable,
                *("-m", "bench.apps.checkout.raw", "worker", str(n), str(seconds), str(runs)),
            ],
            cwd=h.ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(RAW_CLIENTS)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = worker.stdout.readline()
            if "@@READY@@" not in line:
                raise RuntimeError(f"raw worker failed to start: {line!r}")
        results = [raw_window(workers, seconds) for _ in range(runs)]
    finally:
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.close()
        codes = [worker.wait() for worker in workers]
    if any(codes):
        raise RuntimeError(f"raw workers exited with {codes}")
    return results


def raw_window(workers: list[subprocess.Popen[str]], seconds: float) -> dict[str, Any]:
    start_at = f"{time.time() + 0.2}\n"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(start_at)
        worker.stdin.flush()
    placed = refused = 0
    latencies: list[float] = []
    for worker in workers:
        assert worker.stdout is not None
        line = worker.stdout.readline()
        if "@@RESULT@@" not in line:
            raise RuntimeError(f"a raw worker failed: {line!r}")
        result = json.loads(line.split("@@RESULT@@", 1)[1])
        placed += result["placed"]
        refused += result["refused"]
        latencies += result["latencies_ms"]
    return {
        "rate": placed / seconds,
        "refused": refused,
        "p50": h.percentile(latencies, 50),
        "p99": h.percentile(latencies, 99),
    }


def raw_reference(vendor: str, runs: int, seconds: float) -> list[dict[str, Any]]:
    name = f"checkout_raw_{vendor}"
    env = h.scratch_env(
        vendor, name, migrate=False, DJANGO_SETTINGS_MODULE="bench.apps.checkout.settings"
    )
    try:
        subprocess.run(  # noqa: S603 (this interpreter, our module)
            [sys.executable, "-m", "bench.apps.checkout.raw", "setup", str(RAW_PRODUCTS)],
            cwd=h.ROOT,
            env=env,
            check=True,
        )
        return raw_runs(env, seconds, runs)
    finally:
        h.drop_scratch(vendor, name)


# --- End to end over HTTP ------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    tally: Tally
    cpu: float  # server CPU seconds in the window
    audit: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.audit["orders_in_window"] / self.seconds

    @property
    def cpu_ms_per_order(self) -> float:
        orders = self.audit["orders_in_window"]
        return self.cpu * 1000 / orders if orders else 0.0


def baskets(client: int, loop: int, city: dict[str, Any]) -> tuple[int, int]:
    """Products of two different shops, spread over every shop; a scarce one now and then."""
    plentiful, scarce = city["plentiful"], city["scarce"]
    a = (client * 7 + loop) % len(plentiful)
    b = (a + 1 + (client + loop) % (len(plentiful) - 1)) % len(plentiful)
    if (client + loop) % SCARCE_EVERY == 0:
        b = (client + loop) // SCARCE_EVERY % len(scarce)
        if b == a:  # scarce product i belongs to shop i
            b = (b + 1) % len(scarce)
        return plentiful[a], scarce[b]
    return plentiful[a], plentiful[b]


def cpu_seconds(*servers: h.Server) -> float:
    """User + system CPU time of the servers and their workers so far."""
    return sum(server.cpu_seconds() for server in servers)


async def drive(
    server: h.Server, worker: h.Server, city: dict[str, Any], *, seconds: float, warm_up: float
) -> Run:
    h.use_uvloop()
    shoppers = [Shopper(server.port, city["city"]) for _ in range(CLIENTS)]
    tally = Tally()
    stop = False

    async def shop(n: int, shopper: Shopper) -> None:
        loop = 0
        while not stop:
            await shopper.loop(baskets(n, loop, city), tally)
            loop += 1

    tasks = [asyncio.ensure_future(shop(n, s)) for n, s in enumerate(shoppers)]
    await asyncio.sleep(warm_up)
    tally.measuring = True
    window_start, cpu_start = time.time(), cpu_seconds(server, worker)
    await asyncio.sleep(seconds)
    tally.measuring = False
    window_end, cpu_end = time.time(), cpu_seconds(server, worker)
    stop = True
    await asyncio.gather(*tasks)
    await asyncio.gather(*(s.client.close() for s in shoppers))
    run = Run(seconds=window_end - window_start, tally=tally, cpu=cpu_end - cpu_start)
    run.audit = {"window": (window_start, window_end)}
    return run


def city_call(env: dict[str, str], code: str) -> Any:
    try:
        return h.django_query(env, f"from bench.apps.checkout import city as c\nresult = {code}")
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{code[:60]}… failed:\n{error.stderr[-3000:]}") from error


def end_to_end(vendor: str, runs: int, seconds: float, warm_up: float) -> dict[str, Any]:
    name = f"checkout_{vendor}"
    started = time.perf_counter()
    large = h.large_city(vendor, name)
    try:
        city = city_call(
            large.env, f"c.prepare(shops={SHOPS}, scarce={SCARCE}, scarce_stock={SCARCE_STOCK})"
        )
        before = city["before"]
        prepared = time.perf_counter() - started
        port = h.free_port()
        results = []
        with (
            h.task_worker(large.env, name=f"checkout-worker-{vendor}") as worker,
            h.server(
                h.granian_comptoir(port), large.env, port=port, name=f"checkout-{vendor}"
            ) as running,
        ):
            worker.settle()
            for _ in range(runs):
                run = asyncio.run(drive(running, worker, city, seconds=seconds, warm_up=warm_up))
                window = run.audit["window"]
                run.audit = city_call(
                    large.env,
                    f"c.audit(before={before!r}, window={tuple(window)!r}, "
                    f"scarce={city['scarce']!r}, stock={SCARCE_STOCK})",
                )
                before = run.audit["before"]
                results.append(run)
            rss = running.rss_kib()
        return {"runs": results, "prepared": prepared, "built": large.seconds_to_build, "rss": rss}
    finally:
        h.drop_scratch(vendor, name)


# --- Report --------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def report(vendor: str, raw: list[dict[str, Any]], e2e: dict[str, Any]) -> str:
    runs: list[Run] = e2e["runs"]
    raw_rate = h.median([r["rate"] for r in raw])
    rate = h.median([r.rate for r in runs])
    post_p99 = h.median([h.percentile(r.tally.post_ms, 99) for r in runs])
    oversold = sum(r.audit["negative"] + len(r.audit["mismatched"]) for r in runs)
    ratio = rate / raw_rate if raw_rate else 0.0
    rows = [
        [
            f"raw ORM order transaction, {RAW_CLIENTS} processes",
            h.spread([r["rate"] for r in raw]),
            h.spread([r["p50"] for r in raw]),
            h.spread([r["p99"] for r in raw]),
            "—",
            "—",
            "—",
            "reference",
        ],
        [
            f"HTTP checkout, {CLIENTS} guests, 2 shops → 2 orders",
            h.spread([r.rate for r in runs]),
            h.spread([h.percentile(r.tally.post_ms, 50) for r in runs]),
            h.spread([h.percentile(r.tally.post_ms, 99) for r in runs]),
            # Runs where no whole loop fit in the window (a slow hour) have no figure.
            h.spread([h.percentile(r.tally.loop_ms, 99) for r in runs if r.tally.loop_ms]),
            f"{sum(r.tally.server_errors for r in runs)} / {sum(r.tally.refused for r in runs)}",
            f"{ratio:.0%}",
            verdict(rate >= TARGET_RATE and post_p99 < TARGET_P99_MS and oversold == 0),
        ],
    ]
    lines = [
        f"### {h.vendor_name(vendor)}",
        "",
        h.table(
            [
                "what",
                "orders/s",
                "p50 ms (POST / transaction)",
                "p99 ms (POST / transaction)",
                "loop p99 ms",
                "5xx / sold-out refusals",
                "ratio to raw",
                f"≥ {TARGET_RATE:.0f}/s, p99 < {TARGET_P99_MS:.0f} ms, no oversell",
            ],
            rows,
        ),
        "",
        f"Per run: checkouts placed {[r.tally.placed for r in runs]}, orders in the window "
        f"{[r.audit['orders_in_window'] for r in runs]} over "
        f"{[round(r.seconds, 1) for r in runs]} s, scarce products sold out "
        f"{[r.audit['sold_out'] for r in runs]} of {SCARCE}; oversell check: "
        f"{[r.audit['negative'] for r in runs]} negative stocks, "
        f"{[len(r.audit['mismatched']) for r in runs]} products whose ordered quantity ≠ stock "
        f"taken → {'none oversold' if oversold == 0 else 'OVERSOLD'}. Server + task worker CPU "
        f"per order "
        f"{h.spread([r.cpu_ms_per_order for r in runs])} ms, "
        f"{h.spread([r.cpu / r.seconds for r in runs], 2)} cores busy. Ratio target "
        f"≥ {TARGET_RATIO:.0%}: {verdict(ratio >= TARGET_RATIO)}. City copied and prepared in "
        f"{e2e['prepared']:.1f} s; server RSS after the runs {e2e['rss'] / 1024:.0f} MiB.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one short run per database")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="measured window per run")
    parser.add_argument("--only", choices=h.VENDORS, action="append")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    seconds = args.seconds or (1.5 if args.quick else 3.0)
    raw_seconds = 1.0 if args.quick else 2.5
    warm_up = 1.0
    print("## Checkout throughput\n")
    print(h.machine())
    print(
        f"\n`python -m bench.checkout{' --quick' if args.quick else ''}`: {runs} run(s); "
        f"raw reference {RAW_CLIENTS} processes x {raw_seconds:.0f} s; HTTP {CLIENTS} guests, "
        f"{warm_up:.0f} s warm-up + {seconds:.0f} s measured, granian 1 worker + the task worker; "
        "latencies in ms, median (min–max) over runs.\n",
        flush=True,
    )
    # --quick checks the harness on SQLite; `--quick --only postgresql` for the other.
    for vendor in args.only or (["sqlite"] if args.quick else list(h.VENDORS)):
        raw = raw_reference(vendor, runs, raw_seconds)
        e2e = end_to_end(vendor, runs, seconds, warm_up)
        print(report(vendor, raw, e2e), "\n", flush=True)


if __name__ == "__main__":
    main()
