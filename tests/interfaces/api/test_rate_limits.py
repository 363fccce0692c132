"""Rate limits: per client IP and per token, 429 problem+json with `Retry-After`."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories import make_user
from tests.interfaces.api.conftest import ApiClient, token_for

REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
        "KEY_PREFIX": "comptoir-test-rate",
    }
}
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _mid_window(monkeypatch):
    """The clock stays in the middle of one window: no test straddles a reset."""
    import time as real_time

    from comptoir.interfaces.api import throttles

    frozen = (real_time.time() // 60) * 60 + 30.5
    monkeypatch.setattr(
        throttles, "time", type("Clock", (), {"time": staticmethod(lambda: frozen)})
    )


@pytest.fixture(params=["locmem", "redis"])
def caches(request):
    with override_settings(CACHES=LOCAL_CACHE if request.param == "locmem" else REDIS_CACHE):
        cache.clear()
        yield request.param
        cache.clear()


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "rate_limited"
    assert response["Retry-After"] == "30"  # to the end of the window


@pytest.mark.django_db
@override_settings(API_RATE_LIMITS={"ip": 5, "token": 0})
def test_an_ip_over_its_limit_gets_429_with_retry_after(caches, city):
    api = ApiClient()
    answers = [api.get("/api/v1/cities").status_code for _ in range(5)]

    assert answers == [200] * 5
    assert_throttled(api.get("/api/v1/cities"))


@pytest.mark.django_db
@override_settings(API_RATE_LIMITS={"ip": 5, "token": 0})
def test_another_ip_is_not_slowed_by_the_first(caches, city):
    api = ApiClient()
    for _ in range(6):
        api.get("/api/v1/cities")

    assert api.client.get("/api/v1/cities", REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.django_db
@override_settings(API_RATE_LIMITS={"ip": 5, "token": 0})
def test_a_forged_forwarded_for_header_does_not_escape_the_ip_limit(caches, city):
    api = ApiClient()
    for n in range(5):
        api.client.get("/api/v1/cities", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")

    assert_throttled(api.client.get("/api/v1/cities", HTTP_X_FORWARDED_FOR="10.9.9.99"))


@pytest.mark.django_db
@override_settings(API_RATE_LIMITS={"ip": 0, "token": 3})
def test_a_token_over_its_limit_gets_429_and_another_token_does_not(caches, city):
    busy = ApiClient(token=token_for(make_user()))
    calm = ApiClient(token=token_for(make_user()))
    answers = [busy.get("/api/v1/orders").status_code for _ in range(3)]

    assert answers == [200] * 3
    assert_throttled(busy.get("/api/v1/orders"))
    assert calm.get("/api/v1/orders").status_code == 200


@pytest.mark.django_db
@override_settings(API_RATE_LIMITS={"ip": 0, "token": 0})
def test_control_without_limits_nothing_is_throttled(caches, city):
    api = ApiClient()

    assert {api.get("/api/v1/cities").status_code for _ in range(20)} == {200}
