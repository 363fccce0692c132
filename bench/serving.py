"""Serving: page throughput through each server set-up, and what an idle live stream costs.

    python -m bench.serving            # 64 connections, 3 runs each; SSE 1,000 and 5,000
    python -m bench.serving --quick    # 16 connections, 1 run, fewer set-ups, SQLite; SSE 300

Part 1, pages. One tiny Django JSON view (bench/apps/hello: no database, no
middleware) served every way the issue compares, each with one worker
process: gunicorn (sync), granian's WSGI interface (`--blocking-threads 1`),
Django's ASGI handler under uvicorn, and Comptoir's own ASGI router
(comptoir/config/asgi.py) around that same view, with the WSGI bridge it
uses (comptoir/core/wsgi_bridge.py) and with a2wsgi (the adapter it
replaced), for WEB_THREADS 1 and 4. Then Comptoir itself: /healthz (one
`SELECT 1`) through `make run`'s server on SQLite (WEB_THREADS 1 and 4) and
PostgreSQL (4), and on SQLite once more opening a connection per
request, as Comptoir did before it kept them
(bench/apps/hello/comptoir_per_request.py: CONN_MAX_AGE=0). The ceiling: a raw ASGI hello under
granian and uvicorn. The load generator (bench/harness.py, keep-alive
HTTP/1.1 on uvloop) runs in this process and shares the 2 cores with the
server: the CPU columns say who was the bottleneck (a client near 100 % of a
core means the row is client-bound), and the server's CPU time per request
is the figure other load on the machine moves least.

Part 2, live streams. Idle order-desk streams (`/live/shops/<id>/desk`, one
of 100 signed-in staff sessions each, seeded as bench/desk_latency.py does)
opened on one granian process (`make run`'s server, with `--backpressure`):
its RSS and thread count before, after 1,000 and after 5,000 streams; the
reference is an async StreamingHttpResponse SSE view through Django's ASGI
handler under uvicorn, 1,000 streams. Target: under 100 KB per stream, no
thread per stream.

Scratch: /tmp/comptoir-bench (`BENCH_SCRATCH`) and, for PostgreSQL,
`comptoir_bench_serving` on BENCH_POSTGRES; dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench import harness

HELLO_SETTINGS = "bench.apps.hello.settings"
TARGET_KB_PER_STREAM = 100
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- Servers under test ----------------------------------------------------------------


def granian(target: str, port: int, *extra: str, interface: str = "asgi") -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        interface,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
        *extra,
        target,
    ]


def uvicorn(target: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
        "--lifespan",
        "off",
        target,
    ]


def gunicorn(target: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        target,
    ]


@dataclass
class SetUp:
    name: str
    argv: list[str]
    env: dict[str, str]
    path: str
    port: int


def hello_env(**extra: str) -> dict[str, str]:
    return harness.base_env(DJANGO_SETTINGS_MODULE=HELLO_SETTINGS, **extra)


def page_set_ups(*, quick: bool, comptoir_envs: dict[str, dict[str, str]]) -> list[SetUp]:
    """Every server of the page table, in the order of the table."""
    port = harness.free_port
    threads = (4,) if quick else (1, 4)
    set_ups = [
        SetUp(
            "raw ASGI hello, granian",
            granian("bench.apps.hello.raw:app", p := port()),
            hello_env(),
            "/",
            p,
        ),
        SetUp(
            "raw ASGI hello, uvicorn",
            uvicorn("bench.apps.hello.raw:app", p := port()),
            hello_env(),
            "/",
            p,
        ),
        SetUp(
            "Django view, gunicorn sync (WSGI)",
            gunicorn("bench.apps.hello.wsgi:application", p := port()),
            hello_env(),
            "/hello",
            p,
        ),
        SetUp(
            "Django view, granian WSGI --blocking-threads 1",
            granian(
                "bench.apps.hello.wsgi:application",
                p := port(),
                "--blocking-threads",
                "1",
                interface="wsgi",
            ),
            hello_env(),
            "/hello",
            p,
        ),
        SetUp(
            "Django view, Django ASGI handler, uvicorn",
            uvicorn("bench.apps.hello.asgi:application", p := port()),
            hello_env(),
            "/hello",
            p,
        ),
    ]
    if quick:  # the server ceiling is the granian row; uvicorn's adds nothing here
        set_ups = [set_up for set_up in set_ups if set_up.name != "raw ASGI hello, uvicorn"]
    # --quick checks the harness: the adapter replaced (a2wsgi) only in the full run.
    for adapter in ("bridge",) if quick else ("a2wsgi", "bridge"):
        # a2wsgi (the adapter replaced) at the two ends only.
        for count in threads if adapter == "bridge" else sorted({threads[0], threads[-1]}):
            set_ups.append(
                SetUp(
                    f"Django view, Comptoir router + {adapter}, WEB_THREADS={count}",
                    granian("bench.apps.hello.router:application", p := port()),
                    hello_env(WEB_THREADS=str(count), HELLO_PAGES=adapter),
                    "/hello",
                    p,
                )
            )
    for vendor, env in comptoir_envs.items():
        # PostgreSQL at the default pool size only: the database is not what this measures.
        for count in threads if vendor == "sqlite" else threads[-1:]:
            set_ups.append(
                SetUp(
                    f"Comptoir /healthz ({harness.vendor_name(vendor)}), WEB_THREADS={count}",
                    harness.granian_comptoir(p := port()),
                    env | {"WEB_THREADS": str(count)},
                    "/healthz",
                    p,
                )
            )
        if vendor == "sqlite" and not quick:
            argv = harness.granian_comptoir(p := port())
            argv[-1] = "bench.apps.hello.comptoir_per_request:application"
            set_ups.append(
                SetUp(
                    "Comptoir /healthz (SQLite), a connection per request, WEB_THREADS=4",
                    argv,
                    env | {"WEB_THREADS": "4"},
                    "/healthz",
                    p,
                )
            )
    return set_ups


# --- Measuring -------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


@dataclass
class Runs:
    rates: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    server_cpu: list[float] = field(default_factory=list)
    client_cpu: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)  # server CPU per request
    failures: int = 0


def measure_pages(
    set_up: SetUp, connections: tuple[int, ...], *, runs: int, seconds: float
) -> dict[int, Runs]:
    results = {count: Runs() for count in connections}
    with harness.server(
        set_up.argv, set_up.env, port=set_up.port, name="serving", ready_path=set_up.path
    ) as running:
        pids = running.pids()
        for count in connections:
            asyncio.run(harness.load(set_up.port, set_up.path, connections=count, seconds=0.3))
            for _ in range(runs):
                server_before, client_before = cpu_seconds(pids), time.process_time()
                started = time.perf_counter()
                done = asyncio.run(
                    harness.load(set_up.port, set_up.path, connections=count, seconds=seconds)
                )
                wall = time.perf_counter() - started
                server_cpu = cpu_seconds(pids) - server_before
                runs_ = results[count]
                runs_.rates.append(done.rate)
                runs_.p50.append(done.percentile(50))
                runs_.p99.append(done.percentile(99))
                runs_.server_cpu.append(100 * server_cpu / wall)
                runs_.client_cpu.append(100 * (time.process_time() - client_before) / wall)
                # The CPU was spent on every response, those drained after the window too.
                runs_.cpu_us.append(1e6 * server_cpu / max(1, done.requests + done.drained))
                runs_.failures += done.errors + sum(
                    n for status, n in done.statuses.items() if status != 200
                )
    return results


# --- Idle live streams -----------------------------------------------------------------


def raise_open_files() -> int:
    """Lift this process's (and so its servers') open-file limit to the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def server_open_files(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    return 0


async def open_stream(
    port: int, path: str, cookie: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    writer.write((head + "\r\n").encode())
    response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    if not response.startswith(b"HTTP/1.1 200"):
        writer.close()
        raise RuntimeError(f"stream refused: {response[:60]!r}")
    await asyncio.wait_for(reader.read(1024), 30)  # the first event or ping
    return reader, writer


@dataclass
class StreamCost:
    name: str
    streams: int
    rss_before_kib: int
    rss_after_kib: int
    threads_before: int
    threads_after: int
    seconds_to_open: float
    refused: int

    @property
    def kb_per_stream(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) * 1.024 / max(1, self.streams)


async def hold_streams(
    running: harness.Server,
    name: str,
    targets: list[tuple[str, str]],
    steps: list[int],
    *,
    batch: int = 200,
) -> list[StreamCost]:
    """Open streams up to each count of `steps` (cycling over `targets`), measure, then close."""
    open_: list[asyncio.StreamWriter] = []
    await asyncio.sleep(0.5)
    rss_before, threads_before = running.rss_kib(), running.threads()
    costs = []
    refused = 0
    started = time.perf_counter()
    for goal in steps:
        while len(open_) < goal:
            wanted = min(batch, goal - len(open_))
            base = len(open_)
            results = await asyncio.gather(
                *(
                    open_stream(running.port, *targets[(base + i) % len(targets)])
                    for i in range(wanted)
                ),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, BaseException):
                    refused += 1
                else:
                    open_.append(result[1])
            if refused > goal // 10:
                break
        opened = time.perf_counter() - started
        await asyncio.sleep(1.0)  # let the server settle
        costs.append(
            StreamCost(
                name,
                len(open_),
                rss_before,
                running.rss_kib(),
                threads_before,
                running.threads(),
                opened,
                refused,
            )
        )
    for writer in open_:
        writer.close()
    return costs


def seed_desks(env: dict[str, str]) -> list[tuple[str, str]]:
    """10 shops with 10 staff sessions each (bench/desk_latency.py's city): (path, cookie)."""
    city = harness.django_query(env, "from bench.desk_latency import seed\nresult = seed(10)")
    return [
        (f"/live/shops/{shop['id']}/desk", f"sessionid={session}")
        for shop in city["shops"]
        for session in shop["sessions"]
    ]


def measure_streams(env: dict[str, str], *, quick: bool, notes: list[str]) -> list[StreamCost]:
    """Desk streams on `env`'s database (seeded here), then Django's reference."""
    steps = [300] if quick else [1000, 5000]
    reference_count = 300 if quick else 1000
    costs: list[StreamCost] = []
    targets = seed_desks(env)
    port = harness.free_port()
    # granian admits `backpressure` concurrent requests per worker (default: its
    # backlog, 1024); each stream is one, so 5,000 streams need a larger figure.
    argv = harness.granian_comptoir(port)
    argv[-1:-1] = ["--backpressure", str(max(steps) * 2)]
    with harness.server(argv, env, port=port, name="serving-sse") as running:
        # One stream opened and closed first: the stream code is loaded before "before".
        asyncio.run(hold_streams(running, "warm-up", targets, [1]))
        costs += asyncio.run(
            hold_streams(running, "Comptoir desk streams, granian", targets, steps)
        )
        limit = server_open_files(running.pids()[-1])
    port = harness.free_port()
    with harness.server(
        uvicorn("bench.apps.hello.asgi:application", port),
        hello_env(),
        port=port,
        name="serving-sse-django",
        ready_path="/hello",
    ) as running:
        asyncio.run(hold_streams(running, "warm-up", [("/sse", "")], [1]))
        costs += asyncio.run(
            hold_streams(
                running,
                "Django ASGI handler, async StreamingHttpResponse, uvicorn (reference)",
                [("/sse", "")],
                [reference_count],
            )
        )
    notes.append(
        f"Open files allowed: this client {raise_open_files():,}, the granian worker {limit:,}."
    )
    return costs


# --- Report ----------------------------------------------------------------------------


def page_rows(set_ups: list[SetUp], results: dict[str, dict[int, Runs]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for set_up in set_ups:
        for count, runs in results[set_up.name].items():
            rows.append(
                [
                    set_up.name,
                    count,
                    harness.spread(runs.rates, 0),
                    harness.spread(runs.p50, 2),
                    harness.spread(runs.p99, 2),
                    f"{statistics.median(runs.server_cpu):.0f}",
                    f"{statistics.median(runs.client_cpu):.0f}",
                    harness.spread(runs.cpu_us, 0),
                    runs.failures,
                ]
            )
    return rows


def rate(results: dict[str, dict[int, Runs]], prefix: str, count: int) -> float:
    for name, by_count in results.items():
        if name.startswith(prefix) and count in by_count:
            return harness.median(by_count[count].rates)
    return 0.0


def verdicts(results: dict[str, dict[int, Runs]], connections: tuple[int, ...]) -> list[str]:
    lines = []
    for count in connections:
        gunicorn_rate = rate(results, "Django view, gunicorn", count)
        granian_rate = rate(results, "Django view, granian WSGI", count)
        asgi_rate = rate(results, "Django view, Django ASGI", count)
        for threads in (1, 4):
            if not rate(
                results, f"Django view, Comptoir router + bridge, WEB_THREADS={threads}", count
            ):
                continue
            bridge = rate(
                results, f"Django view, Comptoir router + bridge, WEB_THREADS={threads}", count
            )
            a2wsgi = rate(
                results, f"Django view, Comptoir router + a2wsgi, WEB_THREADS={threads}", count
            )
            # WSGI-class: no slower than gunicorn's sync worker (the classic WSGI
            # server); the stricter bar, within 20 % of granian's own WSGI, apart.
            met = "met" if bridge >= gunicorn_rate else "MISSED"
            strict = "met" if bridge >= 0.8 * granian_rate else "MISSED"
            lines.append(
                f"- {count} connections, WEB_THREADS={threads}: router + bridge "
                f"{bridge:,.0f} req/s = {bridge / max(gunicorn_rate, 1):.2f}x gunicorn sync, "
                f"{bridge / max(granian_rate, 1):.2f}x granian WSGI, "
                f"{bridge / max(asgi_rate, 1):.1f}x Django's ASGI handler, "
                f"{bridge / max(a2wsgi, 1):.2f}x the router with a2wsgi. "
                f"WSGI-class (at least gunicorn sync's rate): **{met}**; "
                f"within 20 % of granian WSGI: **{strict}**."
            )
    return lines


@contextlib.contextmanager
def comptoir_databases(vendors: list[str]) -> Iterator[dict[str, dict[str, str]]]:
    envs = {vendor: harness.scratch_env(vendor, "serving") for vendor in vendors}
    try:
        yield envs
    finally:
        for vendor in vendors:
            harness.drop_scratch(vendor, "serving")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 connections, 1 run, 300 streams")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 3)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per run")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-streams", action="store_true")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    seconds = args.seconds or 0.5
    connections = (16,) if args.quick else (64,)
    # DB-light: --quick runs Comptoir on SQLite only, unless told otherwise.
    vendors = args.only or (["sqlite"] if args.quick else list(harness.VENDORS))
    raise_open_files()
    harness.use_uvloop()
    began = time.perf_counter()

    print("# Serving\n")
    print(harness.machine() + "\n")
    print(f"Command: `python -m bench.serving {' '.join(sys.argv[1:])}`".rstrip() + "\n")
    notes: list[str] = []
    with comptoir_databases(vendors) as envs:
        if not args.skip_pages:
            set_ups = page_set_ups(quick=args.quick, comptoir_envs=envs)
            results = {
                s.name: measure_pages(s, connections, runs=runs, seconds=seconds) for s in set_ups
            }
        if not args.skip_streams:
            costs = measure_streams(
                envs.get("sqlite") or envs["postgresql"], quick=args.quick, notes=notes
            )
    if not args.skip_pages:
        print(
            f"## Pages: one worker process each, {runs} run(s) of {seconds:g} s per figure "
            "(after 0.3 s of warm-up at each connection count), median (min–max)\n"
        )
        print(
            harness.table(
                [
                    "set-up",
                    "connections",
                    "req/s",
                    "p50 ms",
                    "p99 ms",
                    "server CPU %",
                    "client CPU %",
                    "server CPU µs / request",
                    "failed",
                ],
                page_rows(set_ups, results),
            )
        )
        print(
            "\nCPU: % of one core over the run (2 cores in all). The client is this "
            "Python process: near 100 % it is the bottleneck (the raw hello rows are "
            "then client-bound, a floor for the server's ceiling). Server CPU per "
            "request (all the server's processes and threads) is the figure least "
            "moved by other load on the machine.\n"
        )
        print("\n".join(verdicts(results, connections)) + "\n")
    if not args.skip_streams:
        print("## Idle live streams: one server process\n")
        print(
            harness.table(
                [
                    "server",
                    "open streams",
                    "RSS before → after (MiB)",
                    "KB per stream",
                    "threads before → after",
                    "seconds to open",
                    "refused",
                ],
                [
                    [
                        c.name,
                        f"{c.streams:,}",
                        f"{c.rss_before_kib / 1024:.0f} → {c.rss_after_kib / 1024:.0f}",
                        f"{c.kb_per_stream:.1f}",
                        f"{c.threads_before} → {c.threads_after}",
                        f"{c.seconds_to_open:.1f}",
                        c.refused,
                    ]
                    for c in costs
                ],
            )
        )
        print()
        for note in notes:
            print(f"- {note}")
        print(
            "- The desk streams' server is granian as `make run` starts it, plus "
            "`--backpressure`: granian serves at most that many requests at once per "
            "worker (default 1,024, its backlog), and every open stream is one."
        )
        for cost in costs:
            if cost.name.startswith("Comptoir"):
                met = cost.kb_per_stream < TARGET_KB_PER_STREAM and cost.refused == 0
                print(
                    f"- {cost.streams:,} desk streams: {cost.kb_per_stream:.1f} KB each, "
                    f"{cost.threads_after - cost.threads_before:+d} threads; target "
                    f"< {TARGET_KB_PER_STREAM} KB and no thread per stream: "
                    f"**{'met' if met else 'MISSED'}**."
                )
    print(f"\nThe whole module ran in {time.perf_counter() - began:.0f} s.")


if __name__ == "__main__":
    main()
