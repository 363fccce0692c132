"""Where the CPU goes during a load step: servers, load client, PostgreSQL, Redis, machine.

CPU time comes from /proc/<pid>/stat (user + system, clock ticks), read at
the start and the end of the measured window. PostgreSQL is counted as the
backends connected to the benchmark's database (pg_stat_activity), not the
whole server, since other databases may be busy on a shared machine; Redis
as every redis-server process. The machine line is /proc/stat's busy share
of all CPUs, which shows whether anything else ran meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.harness import process_seconds


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def postgres_backends(url: str) -> list[int]:
    """Backend pids connected to the database of `url` (none for SQLite)."""
    if not url.startswith("postgres"):
        return []
    import psycopg

    database = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def redis_pids() -> list[int]:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        found = subprocess.run(
            ["pgrep", "-x", "redis-server"],  # noqa: S607 (procps, fixed arguments)
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [int(pid) for pid in found.split()]
    return []


class CpuSampler:
    """CPU seconds per group of processes between `start()` and `stop()`."""

    def __init__(self, *, server_pids: Callable[[], Sequence[int]], database_url: str) -> None:
        self.server_pids = server_pids
        self.database_url = database_url
        self.groups: dict[str, list[int]] = {}
        self.started: dict[str, float] = {}
        self.machine: tuple[int, int] = (0, 0)
        self.result: dict[str, float] = {}

    def _seconds(self) -> dict[str, float]:
        return {
            name: sum(process_seconds(pid) for pid in pids) for name, pids in self.groups.items()
        }

    def start(self) -> None:
        self.groups = {
            "server": list(self.server_pids()),
            "client": [os.getpid()],
            "postgresql": postgres_backends(self.database_url),
            "redis": redis_pids(),
        }
        self.started = self._seconds()
        self.machine = machine_ticks()

    def stop(self) -> dict[str, float]:
        ended = self._seconds()
        busy, total = machine_ticks()
        self.result = {name: ended[name] - self.started[name] for name in self.groups}
        spent = total - self.machine[1]
        self.result["machine_busy"] = (busy - self.machine[0]) / spent if spent else 0.0
        return self.result
