"""Holiday rush: 1,600 shops, 20,000 signed-in customers browsing, searching and ordering.

    python -m bench.rush              # 3 ladders of 4 → 128 users, 1.5 s a step, both databases
    python -m bench.rush --quick      # steps of 4 and 16 users, 1.5 s each, 2,000 customers

For each database the harness copies the benchmark city (1,600 shops x 60
products, `make demo-large`) into a scratch database, in which
bench/apps/rush/seed.py has made (once per version of it, kept as a template
beside the city's: `harness.Variant`) every tenth shop (160) orderable now
with finite stock (8 "hot" products of 3 units, a quarter of the order
attempts, that sell out early and must then be refused; the rest 100,000
units) and created 20,000 customers, each signed in through a session row.

A real granian server (production settings, pages through WSGI) serves the
city, with the task worker beside it that sends the confirmation e-mails (as
`manage.py serve` runs them; its CPU counts with the server's); the load
client, an asyncio process on the same machine, runs virtual users without
think time (bench/apps/rush/client.py): per action 80 %
browse (city home, a trade's list, a shop page, a product page), 15 %
search, 5 % order (1–2 products into the basket, the checkout page, the
checkout POST, the confirmation page: 5 requests). The load rises by steps
of concurrent users; the rush stops after the first step whose p99 over
every request exceeds 500 ms. The sustained rate is the best step with
p99 ≤ 500 ms and no 5xx. Target: ≥ 3,000 orders/minute on PostgreSQL.
Each rush starts a fresh server and first gives it 1 s of unmeasured load
at 8 users: two cold app processes spent the whole first step warming up
(p99 above 1 s at 4 users), which ended their rush before it began.

After each rush: no negative stock, and for every orderable product the
stock consumed equals the quantities ordered; RSS of each app process.

Set-ups: SQLite, 1 process (the defaults: in-process event bus, local-memory
cache); PostgreSQL + Redis (EVENT_BUS=redis, CACHE_BACKEND=redis) with 1 and
with 2 app processes (granian --workers 2 on one port: the kernel spreads the
connections), for the scale factor. During each step, the CPU seconds of the
servers, the load client, the PostgreSQL backends of the scratch database
and Redis are sampled from /proc (bench/apps/rush/cpu.py). Before the first
rush of each database, each page kind and the order flow are also asked one
at a time, for their CPU cost without contention (bench/apps/rush/costs.py).

Scratch data: /tmp/comptoir-bench (`BENCH_SCRATCH`): rush_sqlite.sqlite3 and
the PostgreSQL database comptoir_bench_rush_postgresql, dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import harness
from bench.apps.rush.client import KINDS, StepResult, run_step
from bench.apps.rush.costs import Cost, page_costs
from bench.apps.rush.cpu import CpuSampler
from bench.apps.rush.seed import BIG_STOCK, HOT_PRODUCTS, HOT_STOCK

CUSTOMERS = 20_000
QUICK_CUSTOMERS = 2_000  # --quick checks the code, not the figures
STEPS = (4, 8, 16, 32, 64, 128)
QUICK_STEPS = (4, 16)
P99_LIMIT_MS = 500.0
WARM_USERS = 8
TARGET_ORDERS_PER_MINUTE = 3000


@dataclass(frozen=True)
class SetUp:
    label: str
    workers: int
    extra_env: dict[str, str] = field(default_factory=dict)


def setups(vendor: str) -> list[SetUp]:
    if vendor == "sqlite":
        return [SetUp("1 process", 1)]
    shared = {"EVENT_BUS": "redis", "CACHE_BACKEND": "redis"}
    return [SetUp("1 process + Redis", 1, shared), SetUp("2 processes + Redis", 2, shared)]


@dataclass
class Rush:
    vendor: str
    setup: SetUp
    steps: list[StepResult]
    worker_rss_kib: list[int]
    check: dict[str, Any]
    costs: list[Cost]

    @property
    def sustained(self) -> StepResult | None:
        fine = [
            s
            for s in self.steps
            if s.p(99) <= P99_LIMIT_MS and s.server_errors == 0 and s.errors == 0
        ]
        return max(fine, key=lambda s: s.orders_per_minute, default=None)

    @property
    def peak(self) -> StepResult:
        """The step with the most requests per second, whatever its latency."""
        return max(self.steps, key=lambda s: s.rate)

    @property
    def sound(self) -> bool:
        """No 5xx anywhere, no negative stock, stock consumed == ordered."""
        return (
            all(s.server_errors == 0 for s in self.steps)
            and self.check["negative"] == 0
            and self.check["mismatched"] == 0
            and self.check["outside"] == 0
        )


def seed_command(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 (this interpreter, our module)
        [sys.executable, "-m", "bench.apps.rush.seed", *args],
        cwd=harness.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("@@RUSH@@"))
    result: dict[str, Any] = json.loads(line.removeprefix("@@RUSH@@"))
    return result


def rush_variant(customers: int) -> harness.Variant:
    """The city with its rush shops and `customers` signed-in customers, kept as a template."""
    from bench.apps.rush import seed

    def build(env: dict[str, str]) -> None:
        seed_command(env, "prepare", str(customers))

    digest = harness.source_digest(Path(seed.__file__))
    return harness.Variant(tag=f"rush{customers}-{digest[:8]}", build=build)


def run_rush(
    vendor: str,
    env: dict[str, str],
    data: dict[str, Any],
    setup: SetUp,
    *,
    steps: tuple[int, ...],
    warm_up: float,
    seconds: float,
    costs: tuple[int, int] | None = None,
    warm_first: float,
    since: int,
    reset_after: bool,
) -> tuple[Rush, int]:
    """One ladder of steps on a fresh server, from stock reset at order `since`.

    Returns the rush and, with `reset_after`, the `since` of the next one
    (the stock reset again).
    """
    port = harness.free_port()
    server_env = env | setup.extra_env
    argv = harness.granian_comptoir(port, workers=setup.workers)
    done: list[StepResult] = []
    measured: list[Cost] = []
    with (
        harness.task_worker(server_env, name=f"rush-worker-{vendor}") as worker,
        harness.server(argv, server_env, port=port, name=f"rush-{vendor}") as running,
    ):
        worker.settle()

        def server_pids() -> list[int]:
            """The app's processes: granian's and the task worker that sends the e-mails."""
            return running.pids() + worker.pids()

        asyncio.run(check_signed_in(port, data))
        if costs is not None:
            measured = asyncio.run(
                page_costs(
                    port=port,
                    data=data,
                    server_pids=server_pids,
                    database_url=env["DATABASE_URL"],
                    requests=costs[0],
                    orders=costs[1],
                )
            )
        # Every app process starts cold (imports, templates, connections): warmed by an
        # unmeasured load first, so that the first step measures a running server.
        asyncio.run(
            run_step(ports=[port], data=data, users=WARM_USERS, warm_up=0.0, seconds=warm_first)
        )
        for users in steps:
            sampler = CpuSampler(server_pids=server_pids, database_url=env["DATABASE_URL"])
            step = asyncio.run(
                run_step(
                    ports=[port],
                    data=data,
                    users=users,
                    warm_up=warm_up,
                    seconds=seconds,
                    sampler=sampler,
                )
            )
            done.append(step)
            print(
                f"  {harness.vendor_name(vendor)}, {setup.label}: {users} users, "
                f"{step.rate:,.0f} req/s, p99 {step.p(99):,.0f} ms, "
                f"{step.orders_per_minute:,.0f} orders/min, 5xx {step.server_errors}",
                file=sys.stderr,
                flush=True,
            )
            if step.p(99) > P99_LIMIT_MS:
                break
        rss = running.worker_rss_kib()
    check = seed_command(env, "verify", str(since), *(["reset"] if reset_after else []))
    next_since = check.pop("next_since", since)
    return Rush(vendor, setup, done, rss, check, measured), next_since


async def check_signed_in(port: int, data: dict[str, Any]) -> None:
    """Fail unless the server sees the rush's customers signed in (their session rows decode).

    A session the server cannot decode (written under another SECRET_KEY) is
    only logged, and its customer browses signed out: cheaper pages than a
    signed-in customer's, and a figure that would not be the rush's.
    """
    client = harness.HttpClient(port)
    client.cookies = {"sessionid": data["sessions"][0]}
    answer = await client.get(f"/{data['city']}/")
    await client.close()
    if f'href="{data["account_path"]}"' not in answer.text():
        raise RuntimeError(f"the rush's customers are not signed in (status {answer.status})")


# --- Tables --------------------------------------------------------------------------


def name_of(rush: Rush) -> str:
    return f"{harness.vendor_name(rush.vendor)}, {rush.setup.label}"


def step_rows(rush: Rush) -> list[list[object]]:
    rows: list[list[object]] = []
    for s in rush.steps:
        per_kind = [f"{s.p(50, kind):,.0f} / {s.p(99, kind):,.0f}" for kind in KINDS]
        rows.append(
            [
                name_of(rush),
                s.users,
                f"{s.rate:,.0f}",
                f"{s.p(50):,.0f} / **{s.p(99):,.0f}**",
                *per_kind,
                f"{harness.percentile(s.checkout_post_ms, 99):,.0f}",
                f"{s.orders_per_minute:,.0f}",
                s.refused,
                s.server_errors,
                s.errors + s.unexpected,
            ]
        )
    return rows


def cpu_rows(rush: Rush) -> list[list[object]]:
    rows: list[list[object]] = []
    for s in rush.steps:
        if not s.cpu:
            continue
        thousands = s.requests / 1000 or 1
        groups = ("server", "client", "postgresql", "redis")
        share = [f"{100 * s.cpu[g] / s.seconds:,.0f} %" for g in groups]
        cost = [f"{s.cpu[g] / thousands:.2f}" for g in groups]
        per_order = [s.cpu[g] / s.orders if s.orders else 0.0 for g in ("server", "postgresql")]
        per_core = [f"{60 / c:,.0f}" if c else "—" for c in per_order]
        rows.append(
            [
                name_of(rush),
                s.users,
                *share,
                f"{100 * s.cpu['machine_busy']:,.0f} %",
                " / ".join(cost),
                f"{s.requests / s.orders:,.0f}" if s.orders else "—",
                " / ".join(f"{c:.2f}" for c in per_order),
                " / ".join(per_core),
            ]
        )
    return rows


def summary_row(vendor: str, setup: SetUp, rushes: list[Rush]) -> list[object]:
    sustained = [r.sustained for r in rushes]
    orders = [s.orders_per_minute if s else 0.0 for s in sustained]
    peaks = [r.peak for r in rushes]
    rates = [s.rate if s else 0.0 for s in sustained]
    at = ", ".join(str(s.users) if s else "—" for s in sustained)
    rss = [max(r.worker_rss_kib) / 1024 for r in rushes if r.worker_rss_kib]
    checks = [r.check for r in rushes]
    target = "met" if harness.median(orders) >= TARGET_ORDERS_PER_MINUTE else "MISSED"
    if vendor == "sqlite":
        target = f"({target}: reported only)"
    sound = all(r.sound for r in rushes)
    check = (
        f"{'ok' if sound else 'FAILED'}: {sum(c['orders'] for c in checks):,} orders, "
        f"{sum(c['units'] for c in checks):,} units = stock consumed, "
        f"{sum(c['mismatched'] for c in checks)} mismatch, {sum(c['negative'] for c in checks)} "
        f"negative, hot sold out {min(c['hot_sold_out'] for c in checks)}/{checks[0]['hot']}"
    )
    return [
        f"{harness.vendor_name(vendor)}, {setup.label}",
        f"**{harness.spread(orders, 0)}**" if any(sustained) else "— (first step > 500 ms)",
        at,
        harness.spread(rates, 0),
        f"{harness.spread([p.orders_per_minute for p in peaks], 0)} at "
        f"{harness.spread([p.rate for p in peaks], 0)} req/s, p99 "
        f"{harness.spread([p.p(99) for p in peaks], 0)} ms",
        target,
        check,
        f"{harness.spread(rss, 0)} MiB x {setup.workers}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 and 16 users, 1.5 s per step")
    parser.add_argument("--runs", type=int, default=None, help="rushes per set-up (default 3)")
    parser.add_argument("--only", choices=harness.VENDORS, action="append")
    parser.add_argument("--seconds", type=float, default=None, help="measured seconds per step")
    parser.add_argument("--steps", default=None, help="comma-separated users per step")
    parser.add_argument("--customers", type=int, default=None, help="default 20,000")
    args = parser.parse_args()
    harness.use_uvloop()
    steps = (
        tuple(int(n) for n in args.steps.split(","))
        if args.steps
        else (QUICK_STEPS if args.quick else STEPS)
    )
    seconds = args.seconds or 1.5
    warm_first = 0.5 if args.quick else 1.0  # after each server start, before the first step
    warm_up = 0.25  # before each step
    runs = args.runs or (1 if args.quick else 3)
    customers = args.customers or (QUICK_CUSTOMERS if args.quick else CUSTOMERS)
    # --quick checks the harness on SQLite; `--quick --only postgresql` for the other.
    vendors = args.only or (["sqlite"] if args.quick else list(harness.VENDORS))

    print("## Holiday rush\n")
    print(f"Machine: {harness.machine()}\n")
    print(f"Command: `python -m bench.rush{' --quick' if args.quick else ''}`\n")
    summary: list[list[object]] = []
    steps_table: list[list[object]] = []
    cpu_table: list[list[object]] = []
    scale: dict[str, list[float]] = {}
    scale_sustained: dict[str, list[float]] = {}
    cost_table: list[list[object]] = []
    cost_sizes = (5, 3) if args.quick else (20, 10)
    setup_line = ""
    for vendor in vendors:
        name = f"rush_{vendor}"
        started = time.perf_counter()
        city = harness.large_city(vendor, name, variant=rush_variant(customers))
        data = seed_command(city.env, "describe")
        prepared = time.perf_counter() - started
        setup_line = (
            f"Set-up: {harness.LARGE_SHOPS:,} shops x {harness.LARGE_PRODUCTS_PER_SHOP} products, "
            f"{data['rush_shops']} of them orderable ({HOT_PRODUCTS} products of {HOT_STOCK} "
            f"units, the others {BIG_STOCK:,}), {len(data['sessions']):,} signed-in customers, "
            f"{len(data['words'])} search words; steps of {', '.join(map(str, steps))} users, "
            f"{warm_first:g} s of unmeasured load at {WARM_USERS} users after each server start, "
            f"then {warm_up:g} s warm-up + {seconds:g} s measured per step, "
            f"stop at p99 > {P99_LIMIT_MS:.0f} ms; "
            f"{runs} rush(es) per set-up."
        )
        print(
            f"  {harness.vendor_name(vendor)}: city copied in {city.seconds_to_copy:.1f} s "
            f"(built {city.seconds_to_build:.0f} s), ready in {prepared:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        try:
            for index, setup in enumerate(setups(vendor)):
                since = seed_command(city.env, "reset")["since"]
                rushes = []
                for run in range(runs):
                    rush, since = run_rush(
                        vendor,
                        city.env,
                        data,
                        setup,
                        steps=steps,
                        warm_up=warm_up,
                        seconds=seconds,
                        warm_first=warm_first,
                        costs=cost_sizes if index == 0 and run == 0 else None,
                        since=since,
                        reset_after=run < runs - 1,
                    )
                    rushes.append(rush)
                cost_table += [
                    [
                        harness.vendor_name(vendor),
                        c.page,
                        c.requests,
                        f"{c.server_ms:.1f}",
                        f"{c.database_ms:.1f}" if vendor == "postgresql" else "(in the app)",
                        f"{c.wall_ms:.0f}",
                    ]
                    for c in rushes[0].costs
                ]
                summary.append(summary_row(vendor, setup, rushes))
                steps_table += step_rows(rushes[0])
                cpu_table += cpu_rows(rushes[0])
                if vendor == "postgresql":
                    scale[setup.label] = [r.peak.rate for r in rushes]
                    scale_sustained[setup.label] = [
                        r.sustained.orders_per_minute if r.sustained else 0.0 for r in rushes
                    ]
        finally:
            harness.drop_scratch(vendor, name)
    print(setup_line + "\n")
    print(
        harness.table(
            [
                "database, set-up",
                "sustained orders/min",
                "at users",
                "req/s there",
                "peak: orders/min at req/s, p99",
                "≥ 3,000/min",
                "oversell check",
                "RSS per app process after",
            ],
            summary,
        )
    )
    if len(scale) == 2:
        one, two = (harness.median(v) for v in scale.values())
        peak_factor = f"{two / one:.2f}x" if one else "—"
        one, two = (harness.median(v) for v in scale_sustained.values())
        sustained_factor = f"{two / one:.2f}x" if one and two else "— (no step within 500 ms)"
        print(
            f"\nScale factor, 2 processes / 1 process: peak req/s **{peak_factor}**, "
            f"sustained orders/min **{sustained_factor}**"
        )
    print("\nEach step (milliseconds; orders/min = checkout POSTs answered 303):\n")
    print(
        harness.table(
            [
                "database, set-up",
                "users",
                "req/s",
                "all p50 / p99",
                "browse p50 / p99",
                "search p50 / p99",
                "order p50 / p99",
                "checkout POST p99",
                "orders/min",
                "refused (sold out)",
                "5xx",
                "errors",
            ],
            steps_table,
        )
    )
    print("\nWhere the CPU goes (share of one core during the step; CPU s per 1,000 requests):\n")
    print(
        harness.table(
            [
                "database, set-up",
                "users",
                "servers",
                "load client",
                "PostgreSQL",
                "Redis",
                "machine busy (2 cores)",
                "CPU s / 1,000 req: server / client / PG / Redis",
                "requests per order",
                "CPU s per order: server / PG",
                "orders/min per core: server / PG",
            ],
            cpu_table,
        )
    )
    print(
        "\nCost of each page, one request at a time (CPU ms per request; per order for the flow):\n"
    )
    print(
        harness.table(
            [
                "database",
                "page",
                "requests",
                "app CPU ms",
                "PostgreSQL CPU ms",
                "answer ms (median)",
            ],
            cost_table,
        )
    )


if __name__ == "__main__":
    main()
