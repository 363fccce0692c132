"""The benchmarks' load generator counts what it times: bench/harness.py's `load()`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from bench import harness


@dataclass
class _Answer:
    status: int = 200


def _load(step, *, connections: int, **window) -> harness.Load:
    clients = [harness.HttpClient(port=1) for _ in range(connections)]  # never connected
    return asyncio.run(harness.load(1, step, connections=connections, clients=clients, **window))


def test_the_rate_leaves_out_the_wait_for_requests_in_flight_when_the_window_closes():
    """Six quick answers per connection in the window, then one that comes back 1 s late.

    The late ones are the requests a slow page has in flight when the window
    closes. They are not counted, so the wait for them must not be either:
    the rate is 6 answers per connection over 0.5 s, not over 1.3 s.
    """

    async def step(_client, n: int) -> _Answer:
        await asyncio.sleep(0.05 if n < 6 else 1.0)
        return _Answer()

    done = _load(step, connections=4, seconds=0.5)

    assert done.requests == 24
    assert done.drained == 4
    assert done.seconds == pytest.approx(0.5, abs=0.1)
    assert done.rate == pytest.approx(24 / 0.5, rel=0.2)


def test_a_load_of_n_requests_counts_n_and_stops_the_clock_at_the_last():
    """Two connections answering together: the 5th answer ends the count, the 6th is drained."""

    async def step(_client, n: int) -> _Answer:
        await asyncio.sleep(0.05 if n < 3 else 1.0)
        return _Answer()

    done = _load(step, connections=2, requests=5)

    assert done.requests == 5
    assert done.statuses == {200: 5}
    assert done.seconds == pytest.approx(0.15, abs=0.1)


def test_the_window_opens_once_every_connection_has_had_its_warm_up_answers():
    """Answers at 0.2 s and 0.4 s warm up (4 asked); the window of 0.3 s counts those at 0.6 s."""

    async def step(_client, n: int) -> _Answer:
        await asyncio.sleep(0.2)
        return _Answer()

    done = _load(step, connections=2, seconds=0.3, warm_up=0.01, warm_up_answers=4)

    assert done.warmed == 4
    assert done.requests == 2
    assert done.drained == 2
    assert done.answered == 8
