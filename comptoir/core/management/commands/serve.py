"""`manage.py serve`: the web server and the task worker, as `make run` starts them.

Two child processes, supervised together:

- granian serving `comptoir.config.asgi:application` (pages through Django's
  WSGI handler, live streams natively, uploaded photos by a small handler
  that never lets an uploaded file run: comptoir/core/media.py);
- `manage.py db_worker`, which runs the background tasks.

Ctrl-C or SIGTERM stops both gracefully (SIGTERM, then SIGKILL after a
timeout) and exits 0. If either dies on its own, the other is stopped and the
command exits non-zero: a web server without its worker silently drops e-mails.

Environment: PORT (default port), WEB_WORKERS (granian processes, default 1),
WEB_THREADS (Django threads per process, see comptoir/config/asgi.py),
WEB_PIN_CORES (0: granian's workers are not pinned to a core each,
comptoir/core/affinity.py), WEB_MAX_CONNECTIONS (requests and live streams
open at once per process, default 10,000; the open-files limit is raised to
the hard limit for them).
"""

from __future__ import annotations

import ctypes
import http.client
import os
import resource
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.tasks import task_backends
from django.utils.translation import gettext as _

POLL_SECONDS = 0.2
# Granian kills its own workers first, so no grandchild outlives a SIGKILLed granian.
GRANIAN_KILL_TIMEOUT = 5
STOP_TIMEOUT = 8.0


@dataclass
class Child:
    name: str
    args: list[str]
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        # Own process group: a terminal's Ctrl-C reaches only `serve`, which
        # then stops each child exactly once (a second signal makes db_worker
        # abandon its current task).
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell  # nosec B603
            self.args,
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            process_group=0,
            preexec_fn=die_with_parent(os.getpid()),  # serve runs no threads
        )

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def terminate(self) -> None:
        if self.exit_code is None and self.process is not None:
            self.process.terminate()


PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> Any:
    """A pre-exec hook: on Linux the child gets SIGTERM if `serve` dies, even by SIGKILL.

    Without it a killed `serve` would leave granian and the worker running,
    holding the port. Elsewhere it does nothing.
    """

    def hook() -> None:
        if not sys.platform.startswith("linux"):
            return
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # `serve` died before prctl took effect
            os._exit(1)

    return hook


def stop_children(children: list[Child], timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM every running child, wait up to `timeout`, then SIGKILL the rest."""
    for child in children:
        child.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def granian_args(
    *, host: str, port: int, workers: int, verbosity: int, max_connections: int = 10_000
) -> list[str]:
    args = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-ws",
        "--workers-kill-timeout",
        str(GRANIAN_KILL_TIMEOUT),
        # Requests at once per worker. Every open live stream (a desk, an
        # order page) is one: granian's default (its backlog, 1,024) would
        # leave the 1,025th desk and every page after it waiting.
        "--backpressure",
        str(max_connections),
        "--log-level",
        "info" if verbosity >= 2 else "warning",
    ]
    if verbosity >= 2:
        args.append("--access-log")
    # No granian static mount for /media/: it would serve an uploaded evil.html
    # as text/html. The ASGI router serves photos only (comptoir/core/media.py).
    return [*args, "comptoir.config.asgi:application"]


#: Files a server needs besides its connections: database, logs, templates…
OPEN_FILES_SPARE = 256


def raise_open_files_limit() -> int:
    """Raise this process's open-files limit to the hard limit; children inherit it.

    Each open live stream holds a socket, and many systems start processes
    with a soft limit of 1,024. Returns the limit now in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1_048_576)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # pragma: no cover - a platform refusing its own hard limit
            pass
    return soft


def worker_args(*, verbosity: int) -> list[str]:
    manage_py = Path(settings.BASE_DIR) / "manage.py"
    # One worker for the whole site, so it takes every queue; no reloader, whose
    # extra process would survive our SIGTERM.
    return [
        sys.executable,
        str(manage_py),
        "db_worker",
        "--no-reload",
        "--queue-name=*",
        f"--verbosity={verbosity}",
    ]


def is_serving(host: str, port: int) -> bool:
    """True once a worker answers HTTP (granian binds the port before workers are ready)."""
    any_ipv4 = "0.0.0.0"  # noqa: S104 - mapped to an address to call, not bound  # nosec B104
    target = {any_ipv4: "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    conn = http.client.HTTPConnection(target, port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        conn.getresponse().read()  # any status: a 503 still means the server is up
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()
    return True


def demo_logins() -> str:
    """The demo log-ins to print, when the demo accounts exist."""
    from comptoir.demo.accounts import format_demo_logins

    try:
        return str(format_demo_logins()).strip()
    finally:
        # `serve` itself serves no request; don't hold a connection for hours.
        connections.close_all()


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class Command(BaseCommand):
    help = "Serve Comptoir: the granian web server and the background task worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind.")
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT", "8000")),
            help="Port to bind (default: $PORT or 8000).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background task worker.",
        )

    def handle(self, *, host: str, port: int, no_worker: bool, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            # Pages name their CSS through the collectstatic manifest; without
            # it every page would fail. `make run` collects on every start.
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = int(os.environ.get("WEB_WORKERS", "1"))
        if workers < 1:
            raise CommandError(_("WEB_WORKERS must be at least 1."))
        max_connections = int(os.environ.get("WEB_MAX_CONNECTIONS", "10000"))
        if max_connections < 1:
            raise CommandError(_("WEB_MAX_CONNECTIONS must be at least 1."))
        open_files = raise_open_files_limit()
        if open_files < max_connections * workers + OPEN_FILES_SPARE:
            self.stderr.write(
                _(
                    "Only %(files)s open files are allowed: fewer live streams than "
                    "WEB_MAX_CONNECTIONS can stay open. Raise the hard limit (ulimit -Hn)."
                )
                % {"files": open_files}
            )
        children = [
            Child(
                _("web server"),
                granian_args(
                    host=host,
                    port=port,
                    workers=workers,
                    verbosity=verbosity,
                    max_connections=max_connections,
                ),
            )
        ]
        if not no_worker:
            if self.uses_database_queue():
                children.append(Child(_("task worker"), worker_args(verbosity=verbosity)))
            else:
                self.stdout.write(_("Tasks run in-process (TASKS backend); no worker started."))

        stop_requested = False

        def request_stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stop_requested
            stop_requested = True

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        failed: Child | None = None
        try:
            for child in children:
                child.start()
            announced = False
            while not stop_requested:
                failed = next((c for c in children if c.exit_code is not None), None)
                if failed is not None:
                    break
                if not announced and is_serving(host, port):
                    announced = True
                    self.announce(host, port)
                time.sleep(POLL_SECONDS)
        finally:
            stop_children(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed is not None:
            raise CommandError(
                _("The %(name)s exited unexpectedly (exit code %(code)s); stopped everything.")
                % {"name": failed.name, "code": failed.exit_code}
            )
        self.stdout.write(_("Stopped."))

    def uses_database_queue(self) -> bool:
        from django_tasks_db.backend import DatabaseBackend

        return isinstance(task_backends["default"], DatabaseBackend)

    def announce(self, host: str, port: int) -> None:
        self.stdout.write(
            _("Comptoir is running at %(url)s (Ctrl-C to stop)") % {"url": url_for(host, port)}
        )
        if logins := demo_logins():
            self.stdout.write(logins)
        self.stdout.flush()
