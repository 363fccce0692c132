"""The one helper of the concurrency tests: jobs released at once from a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection


def run_together(jobs: Sequence[Callable[[], object]]) -> tuple[list[Any], list[BaseException]]:
    """Run each job in its own thread (own connection), all released at once.

    Returns what the jobs returned and what they raised (in completion order).
    """
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results.append(job())
        except BaseException as error:  # collected for the assertions
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
