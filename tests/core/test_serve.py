"""`manage.py serve` end to end: real granian and db_worker processes on loopback.

The subprocesses get their own database: a SQLite file in a temporary
directory, or on PostgreSQL a scratch database created next to the test run's
(same server and credentials) and dropped afterwards. Sharing pytest-django's
test database would fight with its per-test flushes and its final DROP.
"""

from __future__ import annotations

import glob
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

MANAGE_PY = str(Path(settings.BASE_DIR) / "manage.py")
OPERATOR_EMAIL = "operateur@example.fr"
OPERATOR_PASSWORD = "un-mot-de-passe-solide"


@dataclass
class Site:
    env: dict[str, str]
    var_dir: Path


def scratch_postgres_url(test_run_url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(test_run_url)
    name = f"comptoir_serve_{os.getpid()}"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def run_on_maintenance_db(test_run_url: str, sql: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(test_run_url)
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.encode())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    var_dir = tmp_path_factory.mktemp("serve")
    test_run_url = os.environ.get("DATABASE_URL", "")
    scratch_db = None
    if test_run_url.startswith(("postgres://", "postgresql://")):
        database_url, scratch_db = scratch_postgres_url(test_run_url)
        run_on_maintenance_db(test_run_url, f'DROP DATABASE IF EXISTS "{scratch_db}"')
        run_on_maintenance_db(test_run_url, f'CREATE DATABASE "{scratch_db}"')
    else:
        database_url = f"sqlite:///{var_dir / 'comptoir.sqlite3'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PORT", "MEDIA_ROOT", "DEBUG", "WEB_WORKERS", "WEB_THREADS"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "comptoir.config.settings",
        "DATABASE_URL": database_url,
        "COMPTOIR_VAR_DIR": str(var_dir),
        "LIVE_HEARTBEAT_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    # No collectstatic: `serve` must collect static files itself when they are missing.
    for command in (
        ["migrate", "--noinput"],
        ["createsuperuser", "--noinput", f"--email={OPERATOR_EMAIL}"],
    ):
        subprocess.run(
            [sys.executable, MANAGE_PY, *command, "-v0"],
            env=env | {"DJANGO_SUPERUSER_PASSWORD": OPERATOR_PASSWORD},
            check=True,
        )
    yield Site(env=env, var_dir=var_dir)
    if scratch_db is not None:
        run_on_maintenance_db(test_run_url, f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for children_file in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            children = {int(child) for child in Path(children_file).read_text().split()}
        except FileNotFoundError:
            continue
        for child in children:
            found |= {child, *descendants(child)}
    return found


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()}


class Server:
    def __init__(self, site: Site) -> None:
        self.port = free_port()
        self.stdout = site.var_dir / f"serve-{self.port}.out"
        self.stderr = site.var_dir / f"serve-{self.port}.err"
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, MANAGE_PY, "serve", "--port", str(self.port)],
                env=site.env,
                stdout=out,
                stderr=err,
            )

    def wait_until_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.stderr.read_text()
            try:
                if get(self.port, "/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"/healthz never answered 200:\n{self.stderr.read_text()}")

    def wait_for_children(self, count: int, timeout: float = 10) -> set[int]:
        deadline = time.monotonic() + timeout
        while len(found := descendants(self.process.pid)) < count:
            assert time.monotonic() < deadline, f"only {found} started"
            time.sleep(0.1)
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(site: Site) -> Iterator[Server]:
    server = Server(site)
    yield server
    server.stop()


def test_it_serves_pages_static_media_and_live_then_stops_cleanly(site, server):
    (site.var_dir / "media" / "shops").mkdir(parents=True, exist_ok=True)
    photo = bytes(range(256)) * 8
    (site.var_dir / "media" / "shops" / "photo.jpg").write_bytes(photo)

    server.wait_until_healthy()

    assert get(server.port, "/healthz") == (200, b'{"status": "ok", "database": "ok"}')
    status, css = get(server.port, "/static/admin/css/base.css")
    assert (status, css[:2]) == (200, b"/*")
    assert get(server.port, "/media/shops/photo.jpg") == (200, photo)
    status, page = get(server.port, "/")  # the city chooser, styled through the manifest
    assert status == 200
    assert re.search(rb'href="/static/css/comptoir\.[0-9a-f]{12}\.css"', page)

    live = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    live.request("GET", "/live/ping")
    stream = live.getresponse()
    assert (stream.status, stream.getheader("Content-Type")) == (
        200,
        "text/event-stream; charset=utf-8",
    )
    assert stream.read(8) == b": ping\n\n"
    assert stream.read(8) == b": ping\n\n"  # the next heartbeat, a second later

    # web server + its worker process + the task worker
    children = server.wait_for_children(3)
    assert any("db_worker" in command_line(pid) for pid in children)
    started = time.monotonic()
    server.process.send_signal(signal.SIGINT)  # the stream stays open: it must not hold us up
    assert server.process.wait(timeout=10) == 0
    assert time.monotonic() - started < 5
    live.close()

    assert alive(children) == set()
    out = server.stdout.read_text()
    # The console speaks the site's default language, French.
    assert f"Comptoir est en ligne sur http://127.0.0.1:{server.port}/ (Ctrl-C pour arrêter)" in out
    assert out.rstrip().endswith("Arrêté.")


def test_it_logs_an_operator_in_with_a_form_post(server):
    server.wait_until_healthy()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    # The admin's log-in page sends the operator to the (throttled) accounts' one.
    conn.request("GET", "/operator/login/?next=/operator/")
    sent = conn.getresponse()
    sent.read()
    assert (sent.status, sent.getheader("Location")) == (302, "/account/login/?next=%2Foperator%2F")
    conn.request("GET", "/account/login/?next=%2Foperator%2F")
    page = conn.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    assert (page.status, cookie.startswith("csrftoken=")) == (200, True)

    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token.group(1),
            "email": OPERATOR_EMAIL,
            "password": OPERATOR_PASSWORD,
            "next": "/operator/",
        }
    )
    conn.request(
        "POST",
        "/account/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{server.port}/account/login/?next=%2Foperator%2F",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()

    assert (response.status, response.getheader("Location")) == (302, "/operator/")
    assert "sessionid=" in response.getheader("Set-Cookie", "")


def test_it_stops_the_web_server_and_fails_when_the_worker_dies(server):
    server.wait_until_healthy()
    children = server.wait_for_children(3)
    (worker,) = {pid for pid in children if "db_worker" in command_line(pid)}

    os.kill(worker, signal.SIGKILL)

    assert server.process.wait(timeout=10) == 1
    assert alive(children) == set()
    assert (
        "Le processus de tâches s’est arrêté de façon inattendue (code de sortie -9)"
        "\u202f; tout a été arrêté." in server.stderr.read_text()
    )


def test_its_children_stop_when_serve_itself_is_killed(server):
    server.wait_until_healthy()
    children = server.wait_for_children(3)

    server.process.kill()  # SIGKILL: serve gets no chance to stop them itself
    server.process.wait()

    deadline = time.monotonic() + 10
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(children) == set()
