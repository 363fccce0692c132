"""Web workers pinned to a core each (comptoir/core/affinity.py).

The processes here stand in for granian's workers: spawned children named as
granian names them, started together from one parent. First the race (two
workers that look at their siblings' cores before either has pinned itself
take the same core), then the guard (the file lock: they take two cores).
The real server is checked in tests/interfaces/live/test_servers.py.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

from comptoir.core import affinity
from comptoir.core.affinity import GRANIAN_WORKER, choose_core, pin_web_worker, sibling_cores

CORES = sorted(os.sched_getaffinity(0))
SPAWN = multiprocessing.get_context("spawn")


def test_a_worker_takes_the_core_its_siblings_use_least():
    assert choose_core({0, 1}, []) == 0
    assert choose_core({0, 1}, [0]) == 1
    assert choose_core({0, 1, 2, 3}, [0, 1, 3]) == 2
    assert choose_core({0, 1}, [0, 1]) == 0  # more workers than cores: spread evenly
    assert choose_core({0, 1}, [0, 1, 0]) == 1
    assert choose_core({2, 3}, [0, 1]) == 2  # only the cores the process may use
    # On a tie, the core the kernel runs the process on: separate servers spread too.
    assert choose_core({0, 1, 2}, [], current=2) == 2
    assert choose_core({0, 1, 2}, [2], current=2) == 0
    assert choose_core({0, 1}, [], current=5) == 0  # a core it may not use is no choice


def test_the_current_core_is_one_the_process_may_run_on():
    assert affinity.current_core() in CORES


def _naive_pin(start: Any, chosen: Any, done: Any) -> None:
    taken = sibling_cores(os.getppid(), os.getpid())
    start.wait()  # the other worker reads its siblings too: neither is pinned yet
    core = choose_core(os.sched_getaffinity(0), taken)
    affinity.pin_process(core)
    chosen.put(core)
    done.wait()  # alive until the parent has both answers


def _guarded_pin(lock_path: Path, enabled: bool, start: Any, chosen: Any, done: Any) -> None:
    start.wait()
    core = pin_web_worker(enabled=enabled, lock_path=lock_path)
    threads = {frozenset(os.sched_getaffinity(int(tid))) for tid in os.listdir("/proc/self/task")}
    chosen.put((core, sorted(os.sched_getaffinity(0)), len(threads)))
    done.wait()


def _two_workers(target: Any, *args: Any, name: str = GRANIAN_WORKER) -> list[Any]:
    start, done, chosen = SPAWN.Barrier(2), SPAWN.Barrier(3), SPAWN.Queue()
    workers = [
        SPAWN.Process(target=target, args=(*args, start, chosen, done), name=name) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    try:
        return [chosen.get(timeout=60), chosen.get(timeout=60)]
    finally:
        done.wait(timeout=60)
        for worker in workers:
            worker.join(timeout=60)


def test_without_the_lock_two_workers_starting_together_take_the_same_core():
    assert _two_workers(_naive_pin) == [CORES[0], CORES[0]]


def test_with_the_lock_two_workers_starting_together_take_two_cores(tmp_path):
    answers = _two_workers(_guarded_pin, tmp_path / "cores.lock", True)

    if len(CORES) >= 2:
        assert sorted(core for core, _, _ in answers) == CORES[:2]
        # Each worker, every one of its threads, on its one core.
        assert all(mask == [core] and threads == 1 for core, mask, threads in answers)
    else:  # a one-core machine: nothing to choose, nothing pinned
        assert answers == [(None, CORES, 1)] * 2


def test_nothing_is_pinned_when_turned_off_or_outside_a_granian_worker(tmp_path):
    off = _two_workers(_guarded_pin, tmp_path / "cores.lock", False)
    other = _two_workers(_guarded_pin, tmp_path / "cores.lock", True, name="worker")

    assert off == other == [(None, CORES, 1)] * 2
    # Nor this process (pytest's, no granian worker), whatever it asks.
    assert pin_web_worker(enabled=True, lock_path=tmp_path / "cores.lock") is None
    assert sorted(os.sched_getaffinity(0)) == CORES
