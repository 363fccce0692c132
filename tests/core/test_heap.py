"""A server worker freezes its warm heap early, and only then (comptoir/core/heap.py)."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator

import pytest

from comptoir.config.asgi import build_application
from comptoir.core import heap
from comptoir.core.heap import FREEZE_AT, HeapFreezer, freeze_heap
from tests.core.test_asgi import Exchange


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each freeze, by the count of frozen calls so far (the real one is not run)."""
    calls: list[int] = []
    monkeypatch.setattr(heap, "freeze_heap", lambda: calls.append(len(calls) + 1))
    return calls


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process's heap back in the collector's reach after the test."""
    yield
    gc.unfreeze()


def test_it_freezes_at_the_first_request_and_a_few_after_then_never(freezes):
    freezer = HeapFreezer(at=(1, 3, 6))
    seen = []
    for request in range(1, 21):
        before = len(freezes)
        freezer.request_seen()
        if len(freezes) > before:
            seen.append(request)
    assert seen == [1, 3, 6]


def test_the_default_freezes_early_and_stops_at_ten_thousand():
    assert FREEZE_AT == (1, 100, 1_000, 10_000)


def test_threads_counting_at_once_freeze_once_per_mark(freezes):
    freezer = HeapFreezer(at=(50, 500))
    barrier = threading.Barrier(8)

    def serve() -> None:
        barrier.wait()
        for _ in range(100):
            freezer.request_seen()

    threads = [threading.Thread(target=serve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(freezes) == 2  # 800 requests crossed both marks, each once


def test_a_freeze_moves_the_live_objects_out_of_full_collections(unfrozen):
    kept: list[list[int]] = [[] for _ in range(1000)]  # containers, tracked by the collector
    assert gc.is_tracked(kept[0])
    assert gc.get_freeze_count() == 0

    freeze_heap()

    assert gc.get_freeze_count() >= len(kept)
    # What a full collection walks (every generation) no longer holds them.
    walked = {id(item) for item in gc.get_objects()}
    assert id(kept) not in walked
    assert not any(id(item) in walked for item in kept)


def test_the_server_counts_page_requests_only(monkeypatch, freezes, settings):
    settings.WEB_FREEZE_HEAP = True
    app = build_application()
    monkeypatch.setattr(app.heap, "_at", frozenset({1, 2}))

    asyncio.run(Exchange.http(app, "/live/no-such-stream").run())  # a stream's path: not a page
    assert freezes == []
    asyncio.run(Exchange.http(app, "/healthz").run())
    assert freezes == [1]
    asyncio.run(Exchange.http(app, "/healthz").run())
    assert freezes == [1, 2]


def test_tests_and_a_worker_told_so_do_not_freeze(settings):
    settings.WEB_FREEZE_HEAP = False
    assert build_application().heap is None
