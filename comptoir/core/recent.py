"""Values kept in this process, the last few, each until its timeout.

Two uses:

- the live city rows every storefront request starts from
  (shops/selectors.py, `city_for_storefront`), a few seconds each;
- the pages this process served last, as objects in front of the cache.
  Django's per-process cache pickles what it stores, so that no caller can
  change an entry another reads: a warm shop page then unpickled its body
  and its shop (~0.15 ms) and its frame (~0.05 ms) on every request, some
  7 % of the page (docs/benchmarks.md). Kept here as they are, the next
  request takes them without a copy.

Every caller gets the same object: keep only values nobody changes (text,
tuples, frozen dataclasses that are only read). In front of a cache, keep
them only under keys that change with what they hold, as the page caches'
keys do (a digest of the rows and templates, the minute): an entry found
here is then the one the cache holds, or one it dropped to make room. With
a shared cache (Redis) each process keeps its own few: nothing here is ever
invalid elsewhere, since a key never holds two values.
"""

from __future__ import annotations

import threading
import time
from typing import Any

#: Every `Recent` of the process, for `clear_all` (each test starts empty).
_ALL: list[Recent] = []


class Recent:
    """The last `size` entries put here, each until its timeout (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        # Insertion order is age: the first key is the oldest.
        self.entries: dict[str, tuple[float, Any]] = {}
        self.lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: str) -> Any:
        """The value put under `key`, or None when absent or past its timeout."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        deadline, value = entry
        if time.monotonic() >= deadline:
            with self.lock:
                self.entries.pop(key, None)
            return None
        return value

    def put(self, key: str, value: Any, timeout: float) -> None:
        """Keep `value` under `key` for `timeout` seconds, dropping the oldest when full."""
        with self.lock:
            self.entries.pop(key, None)
            while len(self.entries) >= self.size:
                del self.entries[next(iter(self.entries))]
            self.entries[key] = (time.monotonic() + timeout, value)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def clear_all() -> None:
    """Empty every `Recent` of the process (as `cache.clear()` empties the cache)."""
    for recent in _ALL:
        recent.clear()
