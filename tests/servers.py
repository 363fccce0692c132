"""Run the real server (granian + the project's ASGI app) against the test database.

    def test_it_streams(transactional_db):
        with running_server() as base_url:
            ...  # HTTP, SSE or Playwright against base_url

Like `manage.py serve` without the task worker: tasks run in the server
process (the test settings' immediate backend). The child process sees the
*current test database* (pytest-django's SQLite file or PostgreSQL test
database) and the test process's SECRET_KEY, so sessions and rows created in
the test are visible to it. Rows must be committed first: tests using it need
`transactional_db` (or `live_server`'s machinery), not `db`.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path

from django.conf import settings
from django.db import connection

from tools.browser_form import checkout_form

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
#: The running servers' main processes, by base URL (see `server_pids`).
RUNNING: dict[str, subprocess.Popen[bytes]] = {}
# Variables of the test process that must not leak into the server's own set-up.
DROPPED_ENV = {"PORT", "WEB_WORKERS", "WEB_THREADS", "DEBUG", "DATABASE_URL", "EVENT_BUS"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """A DATABASE_URL naming the database the tests are using right now."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db.get("USER") or "", safe="")
    password = urllib.parse.quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{db['NAME']}"


def server_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
    env |= {
        "DJANGO_SETTINGS_MODULE": "comptoir.config.settings_test",
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": str(settings.SECRET_KEY),
        "COMPTOIR_VAR_DIR": str(settings.VAR_DIR),
        "PYTHONUNBUFFERED": "1",
        # Quiet by default; a test that needs the sweep turns it on.
        "DESK_SWEEP_SECONDS": "0",
        # As in production: the worker freezes its warm heap (comptoir/core/heap.py).
        "WEB_FREEZE_HEAP": "1",
    }
    return env | dict(extra or {})


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


@contextlib.contextmanager
def running_server(
    *, port: int | None = None, env: Mapping[str, str] | None = None, processes: int = 1
) -> Iterator[str]:
    """Start granian on 127.0.0.1, wait for /healthz, yield the base URL, stop it.

    `env` adds or overrides environment variables of the server (EVENT_BUS,
    LIVE_HEARTBEAT_SECONDS, DESK_SWEEP_SECONDS…); `processes` is granian's
    worker count. The server's output lands in a temporary file, shown if it
    fails to start.
    """
    port = port or free_port()
    args = [
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
        str(processes),
        "--no-ws",
        "--workers-kill-timeout",
        "5",
        "--log-level",
        "warning",
        "comptoir.config.asgi:application",
    ]
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            args,
            cwd=settings.BASE_DIR,
            env=server_env(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )

        def log() -> str:
            output.seek(0)
            return output.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _answers(port):
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited ({process.returncode}):\n{log()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server never answered /healthz:\n{log()}")
                time.sleep(0.05)
            base_url = f"http://127.0.0.1:{port}"
            RUNNING[base_url] = process
            try:
                yield base_url
            except BaseException as failure:
                # A failing test shows what the server said.
                failure.add_note(f"--- server output ({base_url}) ---\n{log()}")
                raise
        finally:
            RUNNING.pop(f"http://127.0.0.1:{port}", None)
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def server_pids(base_url: str) -> list[int]:
    """The server's processes: granian's main process, then its workers (and theirs)."""
    main = RUNNING[base_url].pid
    found = [main]
    for pid in found:
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                found += [int(child) for child in children.read_text().split()]
    return found


def thread_count(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


class SSEStream:
    """A raw asyncio HTTP/1.1 client reading one Server-Sent Events stream.

    `status` and `headers` once open; `next_event()` returns (event, data) of
    the next block with data (`retry:`-only blocks and `: ping` comments are
    skipped, but counted in `pings`).
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.status = 0
        self.headers: dict[str, str] = {}
        self.pings = 0
        self.retry: int | None = None
        self._pending: list[str] = []
        self._buffer = ""

    @classmethod
    async def open(
        cls, base_url: str, path: str, *, session_key: str | None = None, timeout: float = 10
    ) -> SSEStream:
        parts = urllib.parse.urlsplit(base_url)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port), timeout
        )
        cookie = f"Cookie: {settings.SESSION_COOKIE_NAME}={session_key}\r\n" if session_key else ""
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: text/event-stream\r\n"
            f"{cookie}\r\n".encode()
        )
        await writer.drain()
        stream = cls(reader, writer)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        stream.status = int(status_line.split()[1])
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                stream.headers[name.strip().lower()] = value.strip()
        return stream

    async def _line(self) -> str:
        """One line of the (chunked or raw) body."""
        return (await self.reader.readline()).decode().rstrip("\r\n")

    async def next_event(self, timeout: float = 10) -> tuple[str, str]:
        async with asyncio.timeout(timeout):
            while True:
                event, data = "message", []
                has_data = False
                while (line := await self._next_body_line()) != "":
                    if line.startswith(":"):
                        self.pings += 1
                    elif line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].removeprefix(" "))
                        has_data = True
                    elif line.startswith("retry:"):
                        self.retry = int(line[6:].strip())
                if has_data:
                    return event, "\n".join(data)

    async def _next_body_line(self) -> str:
        # granian sends the stream chunked: strip the chunk framing.
        while not self._pending:
            if self.headers.get("transfer-encoding") == "chunked":
                size = int((await self._line()) or "0", 16)
                if size == 0:
                    raise EOFError("the stream ended")
                chunk = await self.reader.readexactly(size + 2)
                self._buffer += chunk[:-2].decode()
            else:
                raw = await self.reader.readline()
                if not raw:
                    raise EOFError("the stream ended")
                self._buffer += raw.decode()
            *lines, self._buffer = self._buffer.split("\n")
            self._pending = [line.rstrip("\r") for line in lines]
        return self._pending.pop(0)

    async def body(self) -> str:
        """The whole (non-stream) body of a refused request."""
        length = int(self.headers.get("content-length", "0"))
        if length:
            return (await self.reader.readexactly(length)).decode()
        chunks = []
        while size := int((await self._line()) or "0", 16):
            chunks.append((await self.reader.readexactly(size + 2))[:-2])
        return b"".join(chunks).decode()

    def close(self) -> None:
        self.writer.close()


class GuestBrowser:
    """A guest on a running server, with a cookie jar (plain http.client, no JavaScript).

    `checkout(city_slug, product_id)` puts one product in the basket and
    places the order through the real pages, as a phone would; it returns
    the confirmation page's URL.
    """

    def __init__(self, base_url: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: Mapping[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(
                {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            )
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}{path}",
            }
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        return response.status, text, {k.lower(): v for k, v in response.getheaders()}

    def checkout(self, city_slug: str, product_id: int) -> str:
        if "csrftoken" not in self.cookies:
            self.request("GET", f"/{city_slug}/")
        status, _, _ = self.request(
            "POST", f"/{city_slug}/basket/add/", {"product": str(product_id), "quantity": "1"}
        )
        assert status == 302, f"basket add answered {status}"
        status, page, _ = self.request("GET", f"/{city_slug}/checkout/")
        assert status == 200, f"checkout page answered {status}"
        parser = checkout_form()
        parser.feed(page)
        form = parser.submitted()
        form |= {"name": "Camille Martin", "email": "camille@example.fr", "phone": "0612345678"}
        status, page, headers = self.request("POST", f"/{city_slug}/checkout/", form)
        assert status == 303, f"checkout answered {status}: {page[:500]}"
        return headers["location"]
