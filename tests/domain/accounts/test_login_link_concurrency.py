"""Two devices open one log-in link at the same moment (STYLE rule 8).

Both requests read the link while it is still unused: the forced interleaving
(a barrier right after the read) makes that certain. A naive check-then-set
then lets both in; the conditional UPDATE (`used_at IS NULL`) lets exactly one.
"""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from comptoir.domain.accounts import services
from comptoir.domain.accounts.errors import LoginLinkUsed
from comptoir.domain.accounts.models import LoginLink, User
from comptoir.domain.accounts.services import login_link_consume, login_link_request
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=1)


def fresh_token() -> str:
    make_user(email="anne@example.fr")
    tokens: list[str] = []

    def link_url(token: str) -> str:
        tokens.append(token)
        return "https://comptoir.test/"

    login_link_request(email="anne@example.fr", now=NOW, link_url=link_url)
    return tokens[0]


def race(consume: Callable[[], User], threads: int = 2) -> tuple[list[User], list[BaseException]]:
    users: list[User] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            users.append(consume())
        except BaseException as error:  # collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return users, errors


def read_then_wait(barrier: threading.Barrier):
    """The service's read step, then a wait until every thread has read."""
    real = services._find_login_link

    def find(token_hash: str) -> LoginLink | None:
        link = real(token_hash)
        barrier.wait(timeout=10)
        return link

    return find


def test_a_naive_check_then_set_lets_both_requests_in():
    token = fresh_token()
    barrier = threading.Barrier(2)
    find = read_then_wait(barrier)

    def naive_consume() -> User:
        link = find(services._token_hash(token))
        assert link is not None
        if link.used_at is not None:
            raise LoginLinkUsed
        link.used_at = LATER
        link.save(update_fields=["used_at"])
        return link.user

    users, errors = race(naive_consume)

    assert errors == []
    assert len(users) == 2


def test_two_concurrent_uses_of_one_link_let_exactly_one_in(monkeypatch):
    token = fresh_token()
    monkeypatch.setattr(services, "_find_login_link", read_then_wait(threading.Barrier(2)))

    users, errors = race(lambda: login_link_consume(token=token, now=LATER))

    assert [user.email for user in users] == ["anne@example.fr"]
    assert [type(error) for error in errors] == [LoginLinkUsed]
    assert LoginLink.objects.get().used_at == LATER
