"""Concurrent failed log-ins all count (STYLE rule 8): first the race, then the guard.

An attacker sends many wrong passwords at once. A naive read-then-write
counter loses some of them (forced here with a barrier between the read and
the write); `login_failure_record` reads the row locked, so the count is exact,
including when every thread finds no row yet and all try to create it.
"""

import threading
from datetime import UTC, datetime
from functools import partial

import pytest

from comptoir.domain.accounts.errors import LoginLinkThrottled
from comptoir.domain.accounts.models import LoginThrottle
from comptoir.domain.accounts.throttle import login_failure_record, login_link_throttle
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)
IP = "203.0.113.7"
THREADS = 8
Scope = LoginThrottle.Scope


def count_of(scope: str, key: str) -> int:
    return LoginThrottle.objects.values_list("count", flat=True).get(scope=scope, key=key)


def test_a_naive_read_then_write_counter_loses_failures():
    LoginThrottle.objects.create(scope=Scope.LOGIN_IP, key=IP, last_at=NOW)
    read_done = threading.Barrier(2)

    def naive_fail() -> None:
        row = LoginThrottle.objects.get(scope=Scope.LOGIN_IP, key=IP)
        read_done.wait(timeout=10)
        row.count += 1
        row.save(update_fields=["count"])

    _, errors = run_together([naive_fail, naive_fail])

    assert errors == []
    assert count_of(Scope.LOGIN_IP, IP) == 1  # two failures, one counted


def test_concurrent_failures_on_a_new_account_all_count():
    jobs = [
        lambda: login_failure_record(email="anne@example.fr", ip=IP, now=NOW)
        for _ in range(THREADS)
    ]

    _, errors = run_together(jobs)

    assert errors == []
    assert count_of(Scope.LOGIN_EMAIL, "anne@example.fr") == THREADS
    assert count_of(Scope.LOGIN_IP, IP) == THREADS
    assert LoginThrottle.objects.count() == 2
    # 5 of 8 started the first back-off, each later one started the next: 3 back-offs.
    assert LoginThrottle.objects.get(scope=Scope.LOGIN_EMAIL).backoffs == THREADS - 5 + 1


def test_concurrent_failures_from_one_ip_on_many_accounts_all_count():
    jobs = [
        partial(login_failure_record, email=f"client{n}@example.fr", ip=IP, now=NOW)
        for n in range(THREADS)
    ]

    _, errors = run_together(jobs)

    assert errors == []
    assert count_of(Scope.LOGIN_IP, IP) == THREADS
    assert LoginThrottle.objects.filter(scope=Scope.LOGIN_EMAIL, count=1).count() == THREADS


def test_concurrent_link_requests_never_exceed_the_limit():
    jobs = [
        lambda: login_link_throttle(email="anne@example.fr", ip=IP, now=NOW) for _ in range(THREADS)
    ]

    _, errors = run_together(jobs)

    assert [type(error) for error in errors] == [LoginLinkThrottled] * (THREADS - 3)
    assert count_of(Scope.LINK_EMAIL, "anne@example.fr") == 3
