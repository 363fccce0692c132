"""A server worker's long-lived objects, kept out of the garbage collector's full passes.

Measured (docs/benchmarks.md, "Session 16"): a worker holds ~150,000
container objects once it has served its first page (Django, the URLconf,
the compiled templates, the translation catalogues, the modules imported on
first use), and each full collection walked them all: 90–230 ms on this
machine, with every request of the process stopped. That put the warm shop
page's p99 at 64 connections anywhere between 60 and 170 ms, depending on
whether a run met a full collection.

Early in its life, the worker moves every object alive to the collector's
permanent generation (`gc.freeze()`, which the Python documentation
recommends for long-lived processes): full collections then walk only what
was made since. It does so at its first page request (what starting up
loaded), then at the 100th, 1,000th and 10,000th (what the pages loaded on
first use: templates, catalogues, the rarer pages'), and never after.

Each freeze first collects the young generations only (a few ms; a full
collection there would be the very pause this avoids). Frozen objects are
still freed by reference counting; a reference cycle that was already
garbage in the old generation when a freeze ran stays: bounded, once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Sequence

#: The page requests at which the worker freezes its heap (before serving it).
FREEZE_AT = (1, 100, 1_000, 10_000)


class HeapFreezer:
    """Counts a worker's page requests and freezes its heap at the `at`-th ones."""

    def __init__(self, at: Sequence[int] = FREEZE_AT) -> None:
        self._at = frozenset(at)
        self._last = max(at, default=0)
        self._seen = 0
        self._lock = threading.Lock()

    def request_seen(self) -> None:
        if self._seen >= self._last:
            return
        with self._lock:
            self._seen += 1
            due = self._seen in self._at
        if due:
            freeze_heap()


def freeze_heap() -> None:
    """Collect the young generations' garbage, then move every object alive out of full passes."""
    gc.collect(1)
    gc.freeze()
