"""Django's per-request state without a process-wide lock on every read.

Django keeps the active language, time zone, URL prefix and cache
connections in `asgiref.local.Local` objects. Since asgiref 3.8 every read
and write of such a Local takes one `threading.RLock` shared by all threads
(`_DefaultLocal.__getattr__`). Its storage is a context variable whose
writes are copy-on-write (`_CVar.__setattr__` copies the dict and sets a new
one), so the lock protects nothing a thread could see half-done; but a page
template reads the active language once per `{% translate %}` and per
`gettext`, thousands of times, and when the GIL switches threads while one
holds the lock, every other page thread queues behind it.

Measured under load (docs/benchmarks.md, "What this issue's work changed";
granian, 4 page threads, 64 connections, a different shop per request): 27 %
of the server's samples were spent acquiring that lock, and the server used
106 ms of CPU per cold shop page against 35 ms in one thread alone.

`install()` (called from CoreConfig.ready) replaces the three methods with the
same code minus the lock. It checks first that this asgiref still writes
copy-on-write, the property that makes the lock useless, and leaves asgiref
as it is otherwise; tests/core/test_context_locals.py holds both the
isolation (per thread, per asyncio task) and the check.
"""

from __future__ import annotations

import threading
from typing import Any

from asgiref import local as asgiref_local

_installed = False


def copy_on_write() -> bool:
    """True when a write to a Local's storage never mutates a dict that a reader holds."""
    storage = asgiref_local._CVar()
    storage.key = "before"
    held = storage._storage().data
    storage.key = "after"
    return held == {"key": "before"} and storage.key == "after"


def _getattr(self: Any, key: str) -> Any:
    return getattr(self._storage, key)


def _setattr(self: Any, key: str, value: Any) -> None:
    setattr(self._storage, key, value)


def _delattr(self: Any, key: str) -> None:
    delattr(self._storage, key)


def install() -> bool:
    """Make Django's Locals lock-free when that is safe; True when installed."""
    global _installed
    if _installed:
        return True
    local_class = getattr(asgiref_local, "_DefaultLocal", None)
    if local_class is None or not hasattr(asgiref_local, "_CVar") or not copy_on_write():
        return False  # another asgiref: keep its own locking
    local_class.__getattr__ = _getattr
    local_class.__setattr__ = _setattr
    local_class.__delattr__ = _delattr
    _installed = True
    return True


def lock_of(local: Any) -> threading.RLock | None:
    """The lock asgiref gives a Local (for tests: held, it must not block a read)."""
    return local.__dict__.get("_lock")
