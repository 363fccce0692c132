"""Django's per-request Locals read without asgiref's process-wide lock (core/context_locals.py).

The lock made every page thread queue behind whichever thread held it when
the GIL switched; what it guarded is written copy-on-write, so reads and
writes stay isolated per thread and per asyncio task without it.
"""

import asyncio
import threading

from asgiref import local as asgiref_local
from django.utils import translation
from django.utils.translation import trans_real

from comptoir.core import context_locals


def in_thread(call, timeout=5.0):
    """`call()` in another thread; its result, or 'blocked' if it has not returned in time."""
    result = ["blocked"]

    def run():
        result[0] = call()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    return result[0]


def test_the_lock_free_methods_are_installed_on_this_asgiref():
    assert context_locals.copy_on_write()
    assert context_locals.install()
    assert asgiref_local._DefaultLocal.__getattr__ is context_locals._getattr


def test_a_page_thread_reads_its_language_while_another_thread_holds_the_lock():
    lock = context_locals.lock_of(trans_real._active)  # type: ignore[attr-defined]
    assert lock is not None
    held, release = threading.Event(), threading.Event()

    def holder():
        with lock:
            held.set()
            release.wait(10)

    threading.Thread(target=holder, daemon=True).start()
    assert held.wait(5)
    try:

        def page_thread():
            with translation.override("en"):
                return translation.get_language()

        # With asgiref's own methods this thread waits for the holder (here: for ever).
        assert in_thread(page_thread, timeout=2.0) == "en"
    finally:
        release.set()


def test_each_thread_keeps_its_own_language():
    both_set, seen = threading.Barrier(2), {}

    def visitor(language):
        with translation.override(language):
            both_set.wait(5)
            seen[language] = translation.get_language()

    threads = [threading.Thread(target=visitor, args=(code,)) for code in ("fr", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert seen == {"fr": "fr", "en": "en"}


def test_each_asyncio_task_keeps_its_own_language():
    async def visitor(language, ready, go):
        translation.activate(language)
        ready.set()
        await go.wait()
        return translation.get_language()

    async def main():
        go = asyncio.Event()
        readies = [asyncio.Event(), asyncio.Event()]
        tasks = [
            asyncio.create_task(visitor(code, ready, go))
            for code, ready in zip(("fr", "en"), readies, strict=True)
        ]
        for ready in readies:
            await ready.wait()
        go.set()
        return await asyncio.gather(*tasks)

    assert asyncio.run(main()) == ["fr", "en"]


def test_an_unset_value_still_reads_as_missing():
    local = asgiref_local.Local()
    assert not hasattr(local, "value")
    local.value = 1
    assert local.value == 1
    del local.value
    assert not hasattr(local, "value")


def test_an_asgiref_that_writes_in_place_keeps_its_lock(monkeypatch):
    monkeypatch.setattr(context_locals, "_installed", False)
    monkeypatch.setattr(context_locals, "copy_on_write", lambda: False)
    original = asgiref_local._DefaultLocal.__getattr__
    assert context_locals.install() is False
    assert asgiref_local._DefaultLocal.__getattr__ is original
