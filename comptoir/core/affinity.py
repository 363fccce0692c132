"""One core per web worker: its threads then hand Python's lock to one another on that core.

A server worker runs Django's views on 2–4 threads, beside its event loop and
granian's own threads, and Python lets one of them run at a time (the GIL):
they hand it over at every query and every read or write of a socket. Left to
the kernel, the threads spread over the cores, and each hand-over wakes a
thread on another core whose caches hold nothing of the request. Pinned to one
core, the same worker spent a quarter less CPU per page (docs/benchmarks.md,
session 13): warm shop pages 581–615 → 643–687 per second, checkouts +2–12 %
on SQLite and +16–24 % on PostgreSQL.

Each granian worker pins itself when it starts (the ASGI lifespan, once its
threads exist; threads started later inherit the core), on the core its
sibling workers use least (on a tie, the core the kernel runs it on: an
idle one), under a file lock so that workers starting together take
different cores. The task worker, the databases and everything
else stay where the kernel puts them. Nothing happens outside a granian
worker (tests, `runserver`, management commands), where the process may use
one core only, or with `WEB_PIN_CORES=0`.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import multiprocessing
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger(__name__)

#: What granian names its worker processes (multiprocessing.Process(name=…)).
GRANIAN_WORKER = "granian-worker"
#: Locked by the workers of this user while one chooses its core (any server, any settings).
LOCK_PATH = Path(tempfile.gettempdir()) / f"comptoir-cores-{os.getuid()}.lock"


def is_granian_worker() -> bool:
    return multiprocessing.current_process().name == GRANIAN_WORKER


def choose_core(allowed: Iterable[int], taken: Iterable[int], current: int | None = None) -> int:
    """The core of `allowed` that fewest of `taken` (the siblings' cores) use.

    On a tie, `current` (where the kernel runs this process now: it chose an
    idle core, so separate servers on one machine spread too), else the lowest.
    """
    used = Counter(taken)
    return min(sorted(allowed), key=lambda core: (used[core], core != current))


def current_core() -> int | None:
    """The core this process last ran on (field 39 of /proc/self/stat)."""
    try:
        stat = Path("/proc/self/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[36])


def _parent_of(pid: str) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # gone meanwhile
        return None
    # "pid (name) state ppid …": the name may hold spaces and parentheses.
    return int(stat.rsplit(")", 1)[1].split()[1])


def sibling_cores(parent: int, me: int) -> list[int]:
    """The cores the other children of `parent` are pinned to (those pinned to one core)."""
    cores: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me or _parent_of(entry) != parent:
            continue
        with contextlib.suppress(OSError):  # gone meanwhile, or not ours to read
            mask = os.sched_getaffinity(int(entry))
            if len(mask) == 1:
                cores.extend(mask)
    return cores


def pin_process(core: int) -> None:
    """Every thread of this process on `core` (the threads it starts later inherit it)."""
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(ProcessLookupError):  # a thread that just ended
            os.sched_setaffinity(int(tid), {core})


def pin_worker_to_a_core(lock_path: Path) -> int | None:
    """Pin this process to the core its siblings use least; the core, or None when not done.

    `lock_path` is a file that workers of one machine lock while choosing.
    """
    allowed = os.sched_getaffinity(0)
    if len(allowed) < 2:
        return None
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            taken = sibling_cores(os.getppid(), os.getpid())
            core = choose_core(allowed, taken, current_core())
            pin_process(core)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    logger.info("Web worker %s pinned to core %s.", os.getpid(), core)
    return core


def pin_web_worker(*, enabled: bool, lock_path: Path = LOCK_PATH) -> int | None:
    """`pin_worker_to_a_core` in a granian worker when `enabled`; never fails the start-up."""
    if not enabled or not is_granian_worker() or not hasattr(os, "sched_setaffinity"):
        return None
    try:
        return pin_worker_to_a_core(lock_path)
    except OSError:
        logger.warning("Could not pin the web worker to a core; it runs unpinned.", exc_info=True)
        return None
