"""What every HTTP benchmark shares: scratch databases, real servers, a load generator, figures.

Not a benchmark itself (`make bench` skips it). The pieces:

- `large_city(vendor)`: the benchmark city of `make demo-large` (1,600 shops
  x 60 products = 96,000 products), built once per code version into a
  template (a SQLite file / a PostgreSQL template database) and copied for
  each benchmark in a second or two instead of a minute of seeding.
- `scratch_env(vendor, name)`: an empty migrated scratch database (a copy of
  a migrated template, also built once per code version) and the
  environment a Comptoir process needs to use it; static files are collected
  once per benchmark process and linked into each environment's var dir.
- `Server`: a real server process (granian, gunicorn, uvicorn…) started on a
  free port, waited for, measured (RSS, threads) and stopped; `task_worker`,
  the `manage.py db_worker` that `manage.py serve` runs beside it.
- `HttpClient` and `load()`: a lean HTTP/1.1 keep-alive client on asyncio
  (uvloop when installed), driving N concurrent connections for a duration
  or a number of requests, recording each request's latency. It runs in the
  benchmark's own process, beside the server: on this 2-core machine the
  client takes part of one core, as in the issue's reference figures.
- `Figures`: percentiles and "median (min–max)" over runs, for the tables
  of docs/benchmarks.md.

Scratch data lives under /tmp/comptoir-bench (`BENCH_SCRATCH`); PostgreSQL
databases on BENCH_POSTGRES (postgres://postgres@127.0.0.1:5432) are named
`comptoir_bench_*` and dropped when a benchmark ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gzip
import hashlib
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(os.environ.get("BENCH_SCRATCH", "/tmp/comptoir-bench"))  # noqa: S108
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
#: Benchmarks only, on scratch data: never a deployed site's key.
BENCH_SECRET_KEY = "comptoir-bench-scratch-data-only-" + "k" * 32  # nosec B105
VENDORS = ("sqlite", "postgresql")
LARGE_SHOPS = 1600
LARGE_PRODUCTS_PER_SHOP = 60
CITY = "rouen"  # demo_city's city


def vendor_name(vendor: str) -> str:
    return "SQLite" if vendor == "sqlite" else "PostgreSQL"


# --- Processes and databases --------------------------------------------------------


def base_env(**extra: str) -> dict[str, str]:
    """This process's environment minus anything that would steer a Comptoir child elsewhere."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "WEB_WORKERS",
            "WEB_THREADS",
            "WEB_PIN_CORES",
            "EVENT_BUS",
            "CACHE_BACKEND",
            "DEBUG",
        }
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "comptoir.config.settings",
        "DESK_SWEEP_SECONDS": "0",
        # One key for every scratch var dir: sessions written into a template (the
        # rush's signed-in customers) must still decode in the servers of its copies.
        # With a key per var dir, each request logged "Session data corrupted" and
        # its customer browsed signed out.
        "SECRET_KEY": BENCH_SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": REDIS_URL,
        # The benchmarks hammer the API from one address: no rate limit.
        "API_RATE_LIMIT_IP": "0",
        "API_RATE_LIMIT_TOKEN": "0",
    }
    return env | extra


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    """Run `manage.py args` with `env`; its standard output."""
    done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=quiet,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{(done.stderr or '')[-3000:]}")
    return done.stdout or ""


def postgres_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement.encode())


def postgres_drop(name: str) -> None:
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def database_url(vendor: str, name: str) -> str:
    if vendor == "sqlite":
        return f"sqlite:///{SCRATCH / f'{name}.sqlite3'}"
    return f"{PG_SERVER}/comptoir_bench_{name}"


def scratch_env(vendor: str, name: str, *, migrate: bool = True, **extra: str) -> dict[str, str]:
    """A scratch database `name` (dropped first) and the environment that uses it.

    Migrated (`migrate`): a copy of an empty migrated template, built once per
    code version (`migrate` on a new database takes 6–9 s, a copy well under
    one), with the static files collected. Otherwise empty.
    """
    SCRATCH.mkdir(parents=True, exist_ok=True)
    url = database_url(vendor, name)
    if migrate:
        template, _ = template_database(vendor, f"migrated-{code_version()}", _build_migrated)
        copy_template(vendor, template, name)
    elif vendor == "sqlite":
        sqlite_remove(SCRATCH / f"{name}.sqlite3")
    else:
        postgres_drop(f"comptoir_bench_{name}")
        postgres_admin(f'CREATE DATABASE "comptoir_bench_{name}"')
    env = base_env(DATABASE_URL=url, COMPTOIR_VAR_DIR=str(SCRATCH / f"var-{name}"), **extra)
    if migrate:
        share_static(env)
    return env


def _build_migrated(vendor: str, name: str) -> None:
    env = base_env(
        DATABASE_URL=database_url(vendor, name), COMPTOIR_VAR_DIR=str(SCRATCH / "var-build")
    )
    manage(env, "migrate", "--noinput")


def share_static(env: dict[str, str]) -> None:
    """Give `env`'s var dir the static files, collected once per version of them.

    Each Comptoir var dir has its own `static/` (STATIC_ROOT), and collecting
    takes ~3 s; so each scratch var dir links to one collection, kept under a
    digest of the project's static sources and the installed packages.
    """
    digest = hashlib.sha256()
    sources = [*ROOT.glob("comptoir/**/static/**/*"), ROOT / "requirements" / "base.txt"]
    for path in sorted(p for p in sources if p.is_file()):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    var = SCRATCH / f"var-static-{digest.hexdigest()[:12]}"
    with (SCRATCH / "static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (var / "static" / "staticfiles.json").exists():
            manage(base_env(COMPTOIR_VAR_DIR=str(var)), "collectstatic", "--noinput", "-v0")
    target = Path(env["COMPTOIR_VAR_DIR"]) / "static"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    target.symlink_to(var / "static", target_is_directory=True)


def drop_scratch(vendor: str, name: str) -> None:
    if vendor == "sqlite":
        sqlite_remove(SCRATCH / f"{name}.sqlite3")
    else:
        postgres_drop(f"comptoir_bench_{name}")


def code_version() -> str:
    """A hash of what shapes the seeded city: migrations and the demo generator."""
    digest = hashlib.sha256()
    sources = sorted(ROOT.glob("comptoir/**/migrations/*.py")) + sorted(
        ROOT.glob("comptoir/demo/**/*.py")
    )
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def analyze(vendor: str, url: str) -> None:
    """Fresh planner statistics, as autovacuum (or `PRAGMA optimize`) gives a live database."""
    if vendor == "sqlite":
        import sqlite3

        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            db.execute("ANALYZE")
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as db:
            db.execute("VACUUM ANALYZE")


@dataclass
class LargeCity:
    env: dict[str, str]
    seconds_to_build: float  # 0 when the template was already there
    seconds_to_copy: float


@dataclass(frozen=True)
class Variant:
    """A benchmark's own data on top of the city, kept as a template of its own.

    `build(env)` changes the database of `env` (a copy of the city); `tag`
    names the variant, and must change when what `build` writes changes
    (`source_digest` of its module, the sizes it takes).
    """

    tag: str
    build: Callable[[dict[str, str]], None]


def source_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def large_city(
    vendor: str,
    name: str,
    *,
    shops: int = LARGE_SHOPS,
    products_per_shop: int = LARGE_PRODUCTS_PER_SHOP,
    variant: Variant | None = None,
    **extra: str,
) -> LargeCity:
    """A fresh copy of the benchmark city in scratch database `name`.

    The first call for a code version builds a template with
    `demo_city --shops … --products-per-shop …` (under a file lock, so
    benchmarks started together build it once); later calls copy it. With a
    `variant`, a second template (the city, then `variant.build`) is built
    once the same way, and copied instead.
    """
    SCRATCH.mkdir(parents=True, exist_ok=True)

    def build(vendor: str, build_name: str) -> None:
        _build_migrated(vendor, build_name)
        env = base_env(
            DATABASE_URL=database_url(vendor, build_name),
            COMPTOIR_VAR_DIR=str(SCRATCH / "var-build"),
        )
        manage(
            env,
            "demo_city",
            "--reset",
            "--shops",
            str(shops),
            "--products-per-shop",
            str(products_per_shop),
        )
        analyze(vendor, env["DATABASE_URL"])

    tag = f"large-{shops}x{products_per_shop}-{code_version()}"
    template, built = template_database(vendor, tag, build)
    if variant is not None:
        city = template

        def build_variant(vendor: str, build_name: str) -> None:
            copy_template(vendor, city, build_name)
            variant.build(
                base_env(
                    DATABASE_URL=database_url(vendor, build_name),
                    COMPTOIR_VAR_DIR=str(SCRATCH / "var-build"),
                )
            )

        template, built_variant = template_database(vendor, f"{tag}-{variant.tag}", build_variant)
        built += built_variant
    started = time.perf_counter()
    copy_template(vendor, template, name)
    copied = time.perf_counter() - started
    url = database_url(vendor, name)
    env = base_env(DATABASE_URL=url, COMPTOIR_VAR_DIR=str(SCRATCH / f"var-{name}"), **extra)
    share_static(env)
    return LargeCity(env=env, seconds_to_build=built, seconds_to_copy=copied)


def template_database(
    vendor: str, tag: str, build: Callable[[str, str], None]
) -> tuple[str, float]:
    """The template database `tag` (a SQLite file or a PostgreSQL database), built if missing.

    `build(vendor, name)` fills the empty scratch database `name`. Under a file
    lock: benchmarks started together build it once. Returns the template and
    the seconds spent building it (0 when it was there).
    """
    with (SCRATCH / f"{vendor}-{tag}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if vendor == "sqlite":
            template = str(SCRATCH / f"template-{tag}.sqlite3")
            ready = Path(template).exists()
        else:
            template = f"comptoir_bench_tpl_{tag.replace('-', '_')}"
            if len(template) > 63:  # PostgreSQL would cut the name, and never find it again
                template = f"comptoir_bench_tpl_{hashlib.sha256(tag.encode()).hexdigest()[:24]}"
            ready = _postgres_has(template)
        if ready:
            return template, 0.0
        started = time.perf_counter()
        build_name = f"build_{vendor}_{os.getpid()}"
        scratch_env(vendor, build_name, migrate=False)
        build(vendor, build_name)
        if vendor == "sqlite":
            import sqlite3

            source = SCRATCH / f"{build_name}.sqlite3"
            with contextlib.closing(sqlite3.connect(source)) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(source, template)
            drop_scratch(vendor, build_name)
        else:
            postgres_drop(template)
            postgres_admin(f'ALTER DATABASE "comptoir_bench_{build_name}" RENAME TO "{template}"')
        return template, time.perf_counter() - started


def copy_template(vendor: str, template: str, name: str) -> None:
    if vendor == "sqlite":
        target = SCRATCH / f"{name}.sqlite3"
        sqlite_remove(target)
        shutil.copyfile(template, target)
    else:
        postgres_drop(f"comptoir_bench_{name}")
        postgres_admin(f'CREATE DATABASE "comptoir_bench_{name}" TEMPLATE "{template}"')


def _postgres_has(database: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        row = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
    return row is not None


def django_query(env: dict[str, str], code: str) -> Any:
    """Run `code` (which sets `result`) in a child process with Django set up; its JSON."""
    script = (
        "import json, django\ndjango.setup()\nresult = None\n"
        + code
        + "\nprint('@@RESULT@@' + json.dumps(result, default=str))\n"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, our code)
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("@@RESULT@@"))
    return json.loads(line.removeprefix("@@RESULT@@"))


# --- Servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status < 500
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def granian_comptoir(port: int, *, workers: int = 1) -> list[str]:
    """The server `make run` starts (manage.py serve's granian), without the task worker."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-ws",
        "--backpressure",  # as `manage.py serve` sets it (WEB_MAX_CONNECTIONS)
        "10000",
        "--log-level",
        "warning",
        "comptoir.config.asgi:application",
    ]


@dataclass
class Server:
    """A running server process (and its children, for multi-worker servers)."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> list[int]:
        """The server process and every descendant (granian and gunicorn fork workers)."""
        found = [self.process.pid]
        index = 0
        while index < len(found):
            children = Path(f"/proc/{found[index]}/task/{found[index]}/children")
            with contextlib.suppress(OSError):
                found += [int(pid) for pid in children.read_text().split()]
            index += 1
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the server and its workers so far."""
        return sum(process_seconds(pid) for pid in self.pids())

    def settle(self, *, window: float = 0.25, busy: float = 0.02, timeout: float = 30.0) -> None:
        """Wait until the processes stop burning CPU: started (imports, set-up) and idle.

        A process that answers (or, for the task worker, has only just been
        started) may still be importing: `manage.py db_worker` spends 2–3 s of
        CPU before it polls its queue. Measured windows that overlapped it
        counted that start-up as the CPU of the first orders.
        """
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(window)
            now = self.cpu_seconds()
            if now - before < busy:
                return
            before = now
        raise RuntimeError(f"{self.name} still busy after {timeout:.0f} s; see {self.log}")

    def rss_kib(self) -> int:
        """Resident memory of the server and its workers, KiB."""
        return sum(_status_field(pid, "VmRSS") for pid in self.pids())

    def threads(self) -> int:
        return sum(_status_field(pid, "Threads") for pid in self.pids())

    def worker_rss_kib(self) -> list[int]:
        """RSS of each process that serves requests (the workers, else the server itself)."""
        pids = self.pids()
        workers = pids[1:] or pids
        return [_status_field(pid, "VmRSS") for pid in workers]


TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """CPU seconds (user + system) of one process; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _status_field(pid: int, name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


@contextlib.contextmanager
def server(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    port: int,
    name: str = "server",
    ready_path: str = "/healthz",
    timeout: float = 60.0,
) -> Iterator[Server]:
    """Start `argv` (which listens on `port`), wait until `ready_path` answers, stop it after."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    log_path = SCRATCH / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (fixed argv built by the benchmark)
            list(argv),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        running = Server(name=name, port=port, process=process, log=log_path)
        try:
            deadline = time.monotonic() + timeout
            while not answers(port, ready_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start; see {log_path}")
                time.sleep(0.05)
            yield running
        finally:
            stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's group, SIGKILL it if still there 15 s later; wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 15)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()


@contextlib.contextmanager
def task_worker(env: dict[str, str], *, name: str = "worker") -> Iterator[Server]:
    """`manage.py db_worker` on `env`'s database, as `manage.py serve` runs it beside granian.

    The e-mails a checkout records (and their rendering: the confirmation's
    templates and QR codes) cost this process's CPU, not the server's; a
    benchmark that counts the CPU of an order counts both (`Server.pids`).
    Started before the server, so that both start at once on the two cores;
    call `settle()` before measuring: its start-up costs 2–3 s of CPU.
    """
    SCRATCH.mkdir(parents=True, exist_ok=True)
    log_path = SCRATCH / f"{name}-{os.getpid()}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield Server(name=name, port=0, process=process, log=log_path)
        finally:
            stop_group(process)
            if process.returncode not in (0, -15, 143):
                raise RuntimeError(f"{name} exited with {process.returncode}; see {log_path}")


# --- The load generator --------------------------------------------------------------


class HttpError(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; Set-Cookie values joined by "\n"
    body: bytes  # inflated if it came gzip-compressed
    wire_bytes: int = 0  # the body's size on the connection

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class HttpClient:
    """One keep-alive HTTP/1.1 connection with a cookie jar (a browser tab, or a load loop).

    Deliberately small: Content-Length and chunked bodies, cookies by name,
    reconnect when the server closes. No redirects followed. Like a browser,
    it asks for gzip (`Accept-Encoding`) and inflates what comes compressed;
    `Response.wire_bytes` is the size that crossed the connection.
    """

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**22)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept-Encoding: gzip",
        ]
        if self.cookies:
            lines.append(f"Cookie: {self.cookie_header()}")
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if body is not None or method in {"POST", "PUT", "PATCH"}:
            lines.append(f"Content-Length: {len(body or b'')}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")
        for attempt in (1, 2):
            if self.writer is None:
                await self._connect()
            assert self.reader is not None
            assert self.writer is not None
            try:
                self.writer.write(raw)
                return await self._read_response(method)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
        raise HttpError("unreachable")  # pragma: no cover

    async def _read_response(self, method: str) -> Response:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if not line:
                continue
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                cookie, _, _ = value.partition(";")
                cookie_name, _, cookie_value = cookie.partition("=")
                if cookie_value and "max-age=0" not in value.lower():
                    self.cookies[cookie_name.strip()] = cookie_value
                else:
                    self.cookies.pop(cookie_name.strip(), None)
                headers[key] = f"{headers[key]}\n{value}" if key in headers else value
            else:
                headers[key] = value
        if method == "HEAD" or status in (204, 304):
            body = b""
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(parts)
        else:
            body = await self.reader.read()
            await self.close()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        wire_bytes = len(body)
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return Response(status, headers, body, wire_bytes)

    async def get(self, path: str, **headers: str) -> Response:
        return await self.request("GET", path, headers=headers)

    async def post_form(self, path: str, form: dict[str, str], *, referer: str = "") -> Response:
        from urllib.parse import urlencode

        return await self.request(
            "POST",
            path,
            body=urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": referer or f"http://{self.host}:{self.port}{path}",
                "Origin": f"http://{self.host}:{self.port}",
            },
        )


@dataclass
class Load:
    """What one load run saw."""

    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    #: Responses that came back after the window (the requests in flight when it
    #: closed): the server did their work, but they are neither counted nor timed.
    drained: int = 0
    #: Responses (or failures) that came back during the warm-up, before the window.
    warmed: int = 0

    @property
    def answered(self) -> int:
        """Every response of the run, warm-up and drain included: what the server's CPU did."""
        return self.requests + self.drained + self.warmed

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


Step = Callable[[HttpClient, int], Awaitable[Response]]


def use_uvloop() -> None:
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


async def load(
    port: int,
    step: Step | str,
    *,
    connections: int,
    seconds: float | None = None,
    requests: int | None = None,
    warm_up: float = 0.0,
    warm_up_answers: int = 0,
    clients: list[HttpClient] | None = None,
) -> Load:
    """Drive `connections` keep-alive connections, each looping on `step`.

    `step(client, n)` sends one request (n counts that connection's calls) and
    returns its response; a plain string is a path to GET. The run lasts
    `seconds` (after a warm-up not counted: `warm_up` seconds, and at least
    `warm_up_answers` responses) or until `requests` responses in all. Each
    request's latency is measured around `step`.

    A warm-up of one answer per connection fills the server's queue before
    the window opens. Without it, a page slower than the window is counted
    only when it was served first: the cold shop page, at ~3 s per request
    on a slow hour, showed a p50 of 1.3 s.

    The rate is the responses counted over the window they came back in:
    `seconds`, or until the `requests`-th response. The connections then
    wait for the requests still in flight (`Load.drained`), up to one
    latency more, which the window leaves out: counting that wait too
    understated the rate of a slow page by up to half (64 connections at
    ~1 s each over a window of 1.5 s).
    """
    if isinstance(step, str):
        path = step

        async def get_path(client: HttpClient, _: int) -> Response:
            return await client.get(path)

        step = get_path
    assert seconds is not None or requests is not None
    pool = clients or [HttpClient(port) for _ in range(connections)]
    result = Load(seconds=0.0)
    measuring = warm_up <= 0 and warm_up_answers <= 0
    stop_at = float("inf")
    remaining = [requests if requests is not None else -1]
    last_counted = [0.0]

    async def worker(client: HttpClient) -> None:
        n = 0
        while time.perf_counter() < stop_at:
            if remaining[0] == 0:
                return
            started = time.perf_counter()
            try:
                response = await step(client, n)
            except (OSError, asyncio.IncompleteReadError, HttpError, ValueError):
                if measuring:
                    result.errors += 1
                else:
                    result.warmed += 1
                await client.close()
                continue
            finally:
                n += 1
            if not measuring:
                result.warmed += 1
                continue
            now = time.perf_counter()
            if now > stop_at or remaining[0] == 0:
                result.drained += 1
                continue
            if remaining[0] > 0:
                remaining[0] -= 1
            result.latencies_ms.append((now - started) * 1000)
            result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
            last_counted[0] = now

    tasks = [asyncio.ensure_future(worker(client)) for client in pool]
    if not measuring:
        await asyncio.sleep(warm_up)
        while result.warmed < warm_up_answers and not all(task.done() for task in tasks):
            await asyncio.sleep(0.005)
        measuring = True
    measured_from = time.perf_counter()
    if seconds is not None:
        stop_at = measured_from + seconds
    await asyncio.gather(*tasks)
    ended = min(stop_at, time.perf_counter()) if requests is None else last_counted[0]
    result.seconds = max(0.0, ended - measured_from)
    if clients is None:
        await asyncio.gather(*(client.close() for client in pool))
    return result


# --- Figures -------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def spread(values: Sequence[float], digits: int = 1) -> str:
    """'median (min–max)' of several runs, or the one value."""
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:,.{digits}f}"
    return (
        f"{statistics.median(values):,.{digits}f} "
        f"({min(values):,.{digits}f}–{max(values):,.{digits}f})"
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def machine() -> str:
    """One line naming the machine and the versions, for the report."""
    import django

    load1, _, _ = os.getloadavg()
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, "
        f"Django {django.get_version()}, load average {load1:.2f} at start"
    )


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
