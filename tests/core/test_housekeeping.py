"""The periodic sweep also tidies: old idempotency keys, quiet log-in counters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from comptoir.config import asgi
from comptoir.domain.accounts.models import LoginThrottle
from comptoir.domain.accounts.throttle import login_throttle_purge
from comptoir.interfaces.api.models import IdempotentRequest
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def throttle(key: str, *, last_at, blocked_until=None) -> LoginThrottle:
    return LoginThrottle.objects.create(
        scope="login_ip", key=key, count=3, last_at=last_at, blocked_until=blocked_until
    )


def test_quiet_counters_go_but_recent_and_running_back_offs_stay():
    now = timezone.now()
    throttle("quiet", last_at=now - timedelta(days=2))
    throttle("recent", last_at=now - timedelta(hours=1))
    throttle("blocked", last_at=now - timedelta(days=2), blocked_until=now + timedelta(minutes=5))

    assert login_throttle_purge(now=now) == 1
    assert set(LoginThrottle.objects.values_list("key", flat=True)) == {"recent", "blocked"}


def test_the_periodic_sweep_purges_keys_and_counters(monkeypatch):
    from comptoir.domain.orders import escalation

    monkeypatch.setattr(escalation, "desk_sweep", lambda: None)
    now = timezone.now()
    user = make_user()
    for key, age in (("old", timedelta(hours=25)), ("new", timedelta(hours=1))):
        IdempotentRequest.objects.create(
            user=user,
            key=key,
            fingerprint="f" * 64,
            state="done",
            status=201,
            lease_until=now,
            created_at=now - age,
        )
    throttle("quiet", last_at=now - timedelta(days=2))

    asgi.run_desk_sweep()

    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
    assert not LoginThrottle.objects.exists()
